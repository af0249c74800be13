/**
 * Which workloads a Sidecar applies to is ambiguous or empty, so its egress limits (`egress[].hosts`,
 * `outboundTrafficPolicy`) apply to other pods than intended, or to none:
 *
 * - `multiple-default` (error, IST0111): two Sidecars in one namespace have no workloadSelector; Istio
 *   picks one of them for every pod of the namespace, and which one is undefined. Keep one
 *   namespace-wide Sidecar (by convention named `default`) and give the others selectors.
 * - `conflicting-selectors` (error, IST0110): a workload in the workspace is selected by two Sidecars
 *   with selectors; which one applies is undefined. Make the selectors disjoint or merge the Sidecars.
 * - `no-workload` (warning, IST0101): the selector matches no workload of the Sidecar's namespace.
 *   Reported only when the workspace declares workloads in that namespace, since pods may come from
 *   elsewhere; Istio reports it as an error.
 * - `ambient` (warning, IST0167): the Sidecar targets ambient-mode pods or an ambient namespace, where
 *   there is no sidecar proxy to configure.
 */
import { namespaceOrigin, qualifiedName } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { labelsMatch, podLabels, workloadsIn, WORKLOAD_KINDS } from '../mesh/workloads';
import { isRecord } from './rules/rule-hits';

type Rule = 'multiple-default' | 'conflicting-selectors' | 'no-workload' | 'ambient';

interface State {
  rule: Rule;
  namespace: string;
  /** The other Sidecars involved, as namespace/name. */
  sidecars?: string[];
  /** The workloads involved, as Kind/name. */
  workloads?: string[];
  selector?: string;
  reason?: string;
  /** Where `namespace` comes from when the Sidecar does not write it (see namespace-origin.ts). */
  namespaceOrigin?: string;
}

function selectorOf(sc: Resource): Record<string, string> | undefined {
  const ws = sc.spec.workloadSelector;
  if (!isRecord(ws) || !isRecord(ws.labels) || Object.keys(ws.labels).length === 0) return undefined;
  return Object.fromEntries(Object.entries(ws.labels).map(([k, v]) => [k, String(v)]));
}

function podAnnotations(w: Resource): Record<string, string> {
  if (w.kind === 'Pod') return w.annotations;
  const t = w.spec.template;
  return isRecord(t) && isRecord(t.metadata) && isRecord(t.metadata.annotations) ? (t.metadata.annotations as Record<string, string>) : {};
}

const nameSpan = (r: Resource) => nameSpanOf(r.document);

function relatedSidecars(sidecars: Resource[], message: string): RelatedLocation[] {
  return sidecars.flatMap((s) => {
    const span = nameSpan(s);
    return span ? [{ uri: s.uri, ...span, message }] : [];
  });
}

export const sidecarSelector: Analyzer<State> = {
  code: 'sidecar-selector',
  severity: 'error',
  appliesTo: istioNetworking('Sidecar'),
  reads: ['Sidecar', 'Namespace', ...WORKLOAD_KINDS],
  *check(r, { index }) {
    const ns = r.namespace;
    const origin = namespaceOrigin(r) ? { namespaceOrigin: namespaceOrigin(r) } : {};
    const peers = index
      .withTag('Sidecar', `ns:${ns}`)
      .filter((s) => s.group === ISTIO_NETWORKING && !(s.name === r.name && s.uri === r.uri && s.docIndex === r.docIndex));
    const selector = selectorOf(r);
    const local = workloadsIn(index, ns);
    const namespace = index.find('', 'Namespace', 'default', ns)[0];
    const nsLabels = namespace?.labels ?? {};
    const ambientNamespace = nsLabels['istio.io/dataplane-mode'] === 'ambient' && nsLabels['istio-injection'] !== 'enabled' && !nsLabels['istio.io/rev'];

    if (!selector) {
      const others = peers.filter((s) => !selectorOf(s));
      // The syntax tree is read only for a finding: it may have to be parsed again.
      const span = others.length > 0 || ambientNamespace ? nameSpan(r) : undefined;
      if (others.length > 0 && span) {
        yield {
          ...span,
          state: { rule: 'multiple-default', namespace: ns, ...origin, sidecars: others.map((s) => qualifiedName(s, r.uri)) },
          related: relatedSidecars(others, 'Another Sidecar without workloadSelector'),
        };
      }
      if (ambientNamespace && span) {
        yield {
          ...span,
          state: { rule: 'ambient', namespace: ns, ...origin, reason: 'namespace is in ambient mode, the policy has no impact' },
          severity: 'warning',
        };
      }
      return;
    }

    const selectorSpan = spanAtPath(r.document.ast, ['spec', 'workloadSelector', 'labels'], 'key', true);
    if (!selectorSpan) return;
    const selected = local.filter((w) => labelsMatch(selector, podLabels(w)));
    const shown = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    if (local.length > 0 && selected.length === 0) {
      yield { ...selectorSpan, state: { rule: 'no-workload', namespace: ns, ...origin, selector: shown }, severity: 'warning' };
      return;
    }
    const conflicting = peers.filter((s) => {
      const theirs = selectorOf(s);
      return theirs !== undefined && selected.some((w) => labelsMatch(theirs, podLabels(w)));
    });
    if (conflicting.length > 0) {
      const shared = selected.filter((w) => conflicting.some((s) => labelsMatch(selectorOf(s)!, podLabels(w))));
      yield {
        ...selectorSpan,
        state: {
          rule: 'conflicting-selectors',
          namespace: ns,
          sidecars: conflicting.map((s) => qualifiedName(s, r.uri)),
          workloads: shared.map((w) => `${w.kind}/${w.name}`),
        },
        related: relatedSidecars(conflicting, 'Another Sidecar selecting the same workload'),
      };
    }
    const ambient = selected.filter((w) => podAnnotations(w)['ambient.istio.io/redirection'] === 'enabled');
    if (ambient.length > 0) {
      yield {
        ...selectorSpan,
        state: {
          rule: 'ambient',
          namespace: ns,
          workloads: ambient.map((w) => `${w.kind}/${w.name}`),
          reason: 'selected workload is in ambient mode, the policy has no impact',
        },
        severity: 'warning',
      };
    }
  },
  message: (s) => {
    switch (s.rule) {
      case 'multiple-default':
        return (
          `Namespace "${s.namespace}"${s.namespaceOrigin ?? ''} has other Sidecars without a workloadSelector ` +
          `(${s.sidecars!.join(', ')}); Istio applies one of them to every pod and which one is undefined. ` +
          'Keep one namespace-wide Sidecar and give the others selectors. ' +
          '(Istio IST0111: "...have no workload selector, which can lead to undefined behavior.")'
        );
      case 'conflicting-selectors':
        return (
          `${s.workloads!.join(', ')} ${s.workloads!.length > 1 ? 'are' : 'is'} also selected by ` +
          `${s.sidecars!.join(', ')}; with two Sidecars on one workload, which one applies is undefined. ` +
          'Make the selectors disjoint or merge the Sidecars. (Istio IST0110)'
        );
      case 'no-workload':
        return (
          `No workload in namespace "${s.namespace}"${s.namespaceOrigin ?? ''} has the labels ` +
          `${s.selector}, so this Sidecar applies to nothing that the workspace declares; ` +
          'check the labels (a Sidecar only selects pods in its own namespace). ' +
          `(Istio IST0101: "Referenced selector not found: "${s.selector}"")`
        );
      case 'ambient':
        return (
          'This Sidecar has no effect: ' +
          (s.workloads ? `the workloads it selects (${s.workloads.join(', ')}) run` : `namespace "${s.namespace}"${s.namespaceOrigin ?? ''} runs`) +
          ' in ' +
          'ambient mode, without a sidecar proxy to configure; use waypoint policies instead. ' +
          `(Istio IST0167: "The policy has no impact: ${s.reason}.")`
        );
    }
  },
};

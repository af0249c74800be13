/**
 * An Istio Gateway's `selector` matches no workload in the workspace, although the workspace does
 * declare gateway workloads: no proxy picks the Gateway up, so its servers never listen and every
 * VirtualService bound to it is ignored (traffic takes another path or fails).
 * Usually the labels have a typo or name another gateway (`istio: egress-gateway` against the pods'
 * `istio: egressgateway`). Make the selector match the gateway pods' labels; when a one-label selector
 * is close to a gateway workload's label, the quick fix replaces the value.
 * The egress gateway of the settings (`istioEgress.egressGateway.selector`), Istio's default ingress
 * gateway (`istio: ingressgateway`) and the proxies Istio deploys for Kubernetes Gateways are assumed
 * to exist. Checked only when the workspace declares at least one gateway workload (a workload with an
 * `istio` label, an `app` label naming a gateway, or any workload in istio-system).
 * Overlaps istioctl IST0101 (selector).
 */
import { namespaceOrigin } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { GATEWAY_API } from '../parse/resource';
import { nodeAtPath, spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { isGatewayWorkload, labelsMatch, podLabels, workloads, WORKLOAD_KINDS } from '../mesh/workloads';
import { gatewaySelector } from '../mesh/gateways';
import { replaceScalar } from '../edits/yaml-edits';
import { closestMatch } from '../schema/suggest';

interface State {
  selector: Record<string, string>;
  /** Labels of the declared gateway workloads, `key=value`, for the message. */
  known: string[];
  /** For a one-label selector close to a gateway workload's label: that label. */
  suggestion?: { key: string; value: string };
  docIndex: number;
}

const ASSUMED_SELECTORS: readonly Record<string, string>[] = [{ istio: 'ingressgateway', app: 'istio-ingressgateway' }];
/** Labels Istio puts on the proxies it deploys for a Kubernetes Gateway. */
const GATEWAY_NAME_LABELS = ['gateway.networking.k8s.io/gateway-name', 'istio.io/gateway-name'];

export const gatewaySelectorNoWorkload: Analyzer<State> = {
  code: 'gateway-selector-no-workload',
  severity: 'warning',
  appliesTo: istioNetworking('Gateway'),
  reads: ['Gateway', ...WORKLOAD_KINDS],
  *check(gw, { index, settings }) {
    const selector = gatewaySelector(gw);
    if (Object.keys(selector).length === 0) return;
    if ([settings.egressGateway.selector, ...ASSUMED_SELECTORS].some((labels) => labelsMatch(selector, labels))) return;
    for (const label of GATEWAY_NAME_LABELS) {
      const name = selector[label];
      if (name && index.find(GATEWAY_API, 'Gateway', gw.namespace, name).length > 0) return;
    }
    const all = workloads(index);
    const gateways = all.filter(isGatewayWorkload);
    if (gateways.length === 0) return;
    if (all.some((w) => labelsMatch(selector, podLabels(w)))) return;
    const span = spanAtPath(gw.document.ast, ['spec', 'selector'], 'key');
    if (!span) return;
    const known = new Set<string>();
    const related: RelatedLocation[] = [];
    for (const w of gateways) {
      const labels = podLabels(w);
      const shown = Object.keys(selector).filter((k) => k in labels);
      for (const k of shown.length > 0 ? shown : Object.keys(labels).slice(0, 2)) known.add(`${k}=${labels[k]}`);
      const at = nameSpanOf(w.document);
      if (at && related.length < 5)
        related.push({ uri: w.uri, ...at, message: `Gateway workload ${w.kind} "${w.namespace}/${w.name}"${namespaceOrigin(w, gw.uri)}` });
    }
    const keys = Object.keys(selector);
    let suggestion: State['suggestion'];
    if (keys.length === 1) {
      const values = [...new Set(gateways.map((w) => podLabels(w)[keys[0]]).filter((v): v is string => v !== undefined))];
      const value = closestMatch(selector[keys[0]], values);
      if (value !== undefined) suggestion = { key: keys[0], value };
    }
    yield { ...span, related, state: { selector, known: [...known].sort(), suggestion, docIndex: gw.docIndex } };
  },
  message: (s) => {
    const wanted = Object.entries(s.selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    return (
      `No workload in the workspace has the labels ${wanted} that this Gateway selects, so no proxy serves it and ` +
      `the VirtualServices bound to it do nothing. The gateway workloads here have ${s.known.join(', ')}.`
    );
  },
  fix: (s, { file }) => {
    if (!s.suggestion) return [];
    const doc = file.documents.find((d) => d.index === s.docIndex);
    const node = doc && nodeAtPath(doc.ast, ['spec', 'selector', s.suggestion.key])?.value;
    if (!node?.range) return [];
    const edit = replaceScalar(file.text, { start: node.range[0], end: node.range[1] }, s.suggestion.value);
    return [{ title: `Select ${s.suggestion.key}: ${s.suggestion.value}`, isPreferred: true, edits: [edit] }];
  },
};

/**
 * A DestinationRule's `host` matches no ServiceEntry, Kubernetes Service or assumed host (the
 * egress gateway from the `istioEgress.egressGateway.host` setting, kube-dns, istiod, the Service
 * of a Gateway API Gateway) visible from the rule's namespace. The rule then applies to nothing:
 * TLS origination, mTLS settings and subsets silently do not happen, and traffic leaves in plain
 * text or fails the way it would without the rule.
 *
 * Usually the host is misspelt, or the ServiceEntry it was written for was removed or is not
 * exported to the rule's namespace. The quick fix corrects the host to the closest known one.
 * A wildcard host is fine when any known host falls under it. Hosts of the form
 * `<name>.<namespace>.svc.cluster.local` are reported only when the workspace declares Services
 * of that namespace; otherwise those Services simply live elsewhere.
 * A rule serves the namespaces whose proxies look it up, as Istio's DestinationRule lookup does: a
 * proxy takes rules from its own namespace, then from the namespace of the host's Service or
 * ServiceEntry, then from the root namespace. So a rule in the host's namespace or the root namespace
 * is fine when its own namespace cannot see the host but its clients can; and a rule exported to
 * namespaces that see the host is reported when none of them looks it up there (it sits in a third
 * namespace, or their own namespace's rule comes first): the message says which rule they use instead.
 * Overlaps istioctl IST0174 and Kiali KIA0202.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { IndexReader } from '../index/workspace-index';
import type { Settings } from '../settings';
import { clusterLocalNamespace, describesNamespaceServices, isAssumedHost, registryLookup, serviceEntriesFor } from '../mesh/registry';
import { hostsOf, isWildcard, resolveHost, serviceHost, CLUSTER_DOMAIN } from '../mesh/hosts';
import { exportTo } from '../mesh/export-to';
import { hostSubsetOf } from '../mesh/host-match';
import { isRecord } from '../data';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { inNamespace, namespaceOrigin } from '../index/namespace-origin';
import { editDistance } from '../schema/suggest';
import { replaceScalar } from '../edits/yaml-edits';
import { destinationRuleUsers } from '../mesh/destination-rule-users';
import { describeExportTo, isVisibleIn } from '../mesh/export-defaults';
import { effectiveDestinationRule, serviceNamespace } from '../mesh/destination-rules';
import { MESH_CONFIG_KINDS, rootNamespace } from '../mesh/root-namespace';

interface State {
  host: string;
  namespace: string;
  /** Where `namespace` comes from when the DestinationRule does not write it (see namespace-origin.ts). */
  namespaceOrigin?: string;
  /** Definitions of the host that exist but are not exported to the rule's namespace. */
  notExported?: string[];
  /** The closest known host, when the host looks misspelt. */
  replacement?: string;
  /**
   * When namespaces the rule is exported to see the host but none of them uses the rule: each such
   * namespace with the rule it uses for the host (`ns/name`) or none.
   */
  unused?: { namespace: string; uses?: string }[];
  /** The namespaces a proxy looks up after its own: the host's and the root namespace. */
  lookup?: { host?: string; root: string };
}

/** The namespaces a DestinationRule serves: its own and those it is explicitly exported to. */
function scopes(dr: Resource): string[] {
  return [...new Set([dr.namespace, ...exportTo(dr).filter((e) => e !== '*' && e !== '.' && !e.startsWith('~'))])];
}

/** Whether a wildcard DestinationRule host covers any host the registry knows. Scans, so only for misses. */
function wildcardCoversKnownHost(index: IndexReader, pattern: string, namespaces: string[], settings: Settings): boolean {
  if (hostSubsetOf(settings.egressGateway.host.toLowerCase(), pattern)) return true;
  const visible = (r: Resource) => namespaces.some((ns) => isVisibleIn(index, r, ns));
  for (const se of index.ofKind('ServiceEntry', ISTIO_NETWORKING)) if (visible(se) && hostsOf(se).some((h) => hostSubsetOf(h, pattern))) return true;
  for (const s of index.ofKind('Service', '')) if (visible(s) && hostSubsetOf(serviceHost(s.name, s.namespace), pattern)) return true;
  return false;
}

/** Known hosts to suggest instead of a misspelt one: ServiceEntry hosts and Service FQDNs visible from `namespace`. */
function knownHosts(index: IndexReader, namespace: string): string[] {
  const out = new Set<string>();
  for (const se of index.ofKind('ServiceEntry', ISTIO_NETWORKING))
    if (isVisibleIn(index, se, namespace)) for (const h of hostsOf(se)) if (!isWildcard(h)) out.add(h);
  for (const s of index.ofKind('Service', '')) if (isVisibleIn(index, s, namespace)) out.add(serviceHost(s.name, s.namespace));
  return [...out];
}

/**
 * The known host `host` most likely misspells: labels the two share at the end are set aside, so
 * a long common suffix (`.bookinfo.svc.cluster.local`) does not make unrelated names look close.
 */
function closestHost(host: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  let tied = false;
  for (const candidate of candidates) {
    const a = host.split('.');
    const b = candidate.split('.');
    while (a.length > 1 && b.length > 1 && a[a.length - 1] === b[b.length - 1]) {
      a.pop();
      b.pop();
    }
    const mine = a.join('.');
    const distance = editDistance(mine, b.join('.'));
    if (distance === 0 || distance > Math.max(1, Math.floor(mine.length / 3))) continue;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance) tied = true;
  }
  return tied ? undefined : best;
}

export const drUnknownHost: Analyzer<State> = {
  code: 'dr-unknown-host',
  severity: 'warning',
  appliesTo: istioNetworking('DestinationRule'),
  reads: ['ServiceEntry', 'Service', 'Gateway', 'DestinationRule', 'VirtualService', ...MESH_CONFIG_KINDS],
  *check(dr, { index, settings }) {
    if (typeof dr.spec.host !== 'string' || dr.spec.host.trim() === '') return;
    const host = resolveHost(dr.spec.host, dr.namespace);
    const namespaces = scopes(dr);
    const seeing = namespaces.filter((ns) => registryLookup(index, host, ns, settings).length > 0);
    // A rule in its own namespace's pool serves that namespace's proxies first (push_context.go destinationRule, step 1).
    const ownPool = isRecord(dr.spec.workloadSelector) || isVisibleIn(index, dr, dr.namespace);
    if (seeing.includes(dr.namespace) && dr.namespace !== rootNamespace(index) && ownPool) return;
    const users = isWildcard(host) && seeing.length === 0 ? [] : destinationRuleUsers(index, settings, dr);
    if (users.some((u) => registryLookup(index, host, u.namespace, settings).length > 0)) return;
    if (seeing.length > 0) {
      const span = spanAtPath(dr.document.ast, ['spec', 'host']);
      if (!span) return;
      const unused = seeing.map((namespace) => {
        const rule = effectiveDestinationRule(index, namespace, host)?.rules[0];
        return { namespace, ...(rule ? { uses: `${rule.namespace}/${rule.name}` } : {}) };
      });
      const owner = serviceNamespace(index, host, seeing[0]);
      yield { ...span, state: { host, namespace: dr.namespace, unused, lookup: { ...(owner ? { host: owner } : {}), root: rootNamespace(index) } } };
      return;
    }
    if (isWildcard(host)) {
      // `*`, `*.local`, `*.svc.cluster.local`, `*.<ns>.svc.cluster.local`: rules for the cluster's own Services.
      const suffix = host.slice(1);
      if (host === '*' || `.${CLUSTER_DOMAIN}`.endsWith(suffix) || suffix.endsWith(`.${CLUSTER_DOMAIN}`)) return;
      if (wildcardCoversKnownHost(index, host, namespaces, settings)) return;
    } else if (host.endsWith('.cluster.local')) {
      const ns = clusterLocalNamespace(host);
      if (ns === undefined || !describesNamespaceServices(index, ns)) return;
    }
    if (isAssumedHost(host, settings)) return;
    const span = spanAtPath(dr.document.ast, ['spec', 'host']);
    if (!span) return;
    const state: State = { host, namespace: dr.namespace, ...(namespaceOrigin(dr) ? { namespaceOrigin: namespaceOrigin(dr) } : {}) };
    const hidden = isWildcard(host)
      ? []
      : [...index.matchingHost('ServiceEntry', host).filter((se) => se.group === ISTIO_NETWORKING), ...index.withHost('Service', host)].filter(
          (r) => !namespaces.some((ns) => isVisibleIn(index, r, ns)),
        );
    const related: RelatedLocation[] = [];
    if (hidden.length > 0) {
      state.notExported = hidden.map(
        (r) => `${r.kind} "${r.name}" in ${inNamespace(r, dr.uri)} defines it, but is exported only to ${describeExportTo(index, r)}.`,
      );
      for (const r of hidden) {
        const at = nameSpanOf(r.document);
        if (at) related.push({ uri: r.uri, ...at, message: `${r.kind} for this host, not exported to "${dr.namespace}"${namespaceOrigin(dr)}` });
      }
    } else {
      const best = closestHost(host, knownHosts(index, dr.namespace));
      if (best !== undefined) {
        state.replacement = best;
        const owner = serviceEntriesFor(index, best, dr.namespace)[0] ?? index.withHost('Service', best)[0];
        const at = owner && nameSpanOf(owner.document);
        if (owner && at) related.push({ uri: owner.uri, ...at, message: `${owner.kind} for "${best}"` });
      }
    }
    yield { ...span, state, ...(related.length > 0 ? { related } : {}) };
  },
  message: (s) => {
    if (s.unused) {
      const seen = s.unused.map((u) => `"${u.namespace}"`).join(', ');
      const instead = s.unused.map((u) => (u.uses ? `"${u.namespace}" uses ${u.uses}` : `"${u.namespace}" uses none`)).join('; ');
      const order = s.lookup?.host ? `its own namespace, the host's namespace "${s.lookup.host}", then` : 'its own namespace, then';
      return (
        'This DestinationRule applies to nothing: ' +
        `namespace${s.unused.length > 1 ? 's' : ''} ${seen} see${s.unused.length > 1 ? '' : 's'} host "${s.host}", ` +
        `but a proxy takes DestinationRules only from ${order} the root namespace "${s.lookup?.root}", ` +
        `and this one is in "${s.namespace}" (${instead}). Move it to the host's namespace or to the client namespace.`
      );
    }
    const head =
      `No ServiceEntry or Service visible from namespace "${s.namespace}"${s.namespaceOrigin ?? ''} defines host ` +
      `"${s.host}", so this DestinationRule applies to nothing.`;
    if (s.notExported) return `${head} ${s.notExported.join(' ')}`;
    if (s.replacement) return `${head} Did you mean "${s.replacement}"?`;
    return `${head} Check the host, or add a ServiceEntry for it.`;
  },
  fix: (s, { file, span }) => {
    if (!s.replacement) return [];
    return [{ title: `Change the host to "${s.replacement}"`, isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, s.replacement)] }];
  },
};

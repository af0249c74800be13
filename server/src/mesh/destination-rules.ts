/**
 * Which DestinationRule a proxy uses for a host, the way Istio picks it (pilot/pkg/model/push_context.go
 * `destinationRule` over the indexes `setDestinationRules` builds): the proxy's own namespace first,
 * then the namespace of the Service or ServiceEntry that defines the host, then the root namespace.
 * The first namespace with a rule for the host wins, and only that namespace's rules for that host are
 * merged. It answers for a proxy namespace; which proxies run a route is decided elsewhere.
 */
import type { IndexReader } from '../index/workspace-index';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { resolveHost, CLUSTER_DOMAIN } from './hosts';
import { clusterLocalNamespace, serviceEntriesFor, servicesFor } from './registry';
import { exportTo } from './export-to';
import { isRecord } from '../data';
import { mostSpecificHostMatch } from './host-match';
import { rootNamespace } from './root-namespace';
import type { Settings } from '../settings';
import { gatewayPlacement, gatewayNamespaces } from './gateways';
import { egressGatewayRoutesTo } from './routes';
import { meshDefaultExportTo, writesExportTo } from './export-defaults';

/** The DestinationRule a proxy in a namespace uses for a host: the rules Istio merges into one. */
export interface EffectiveDestinationRule {
  /** The namespace whose rules won. */
  namespace: string;
  /** The rules' host, fully qualified: the host itself or the most specific wildcard covering it. */
  host: string;
  /**
   * The rules without `workloadSelector`, merged in this order: the first one's `trafficPolicy`
   * counts, and subsets are taken from each in turn, the first definition of a name winning. Empty
   * when the winning namespace has only rules for selected workloads (other proxies then get none).
   */
  rules: Resource[];
  /** The winning namespace's rules for the host with a `workloadSelector`: they apply only to the workloads they select. */
  selected: Resource[];
}

/** The host of a DestinationRule, qualified in its namespace (ResolveShortnameToFQDN); undefined when it writes none. */
export function destinationRuleHost(dr: Resource): string | undefined {
  return typeof dr.spec.host === 'string' && dr.spec.host.trim() !== '' ? resolveHost(dr.spec.host, dr.namespace) : undefined;
}

const hasSelector = (dr: Resource) => isRecord(dr.spec.workloadSelector);

/** Whether a rule is in its own namespace's pool (setDestinationRules: exportTo empty, `*`, `.` or the namespace; a selector makes it private). */
function visibleInOwnNamespace(dr: Resource): boolean {
  if (hasSelector(dr)) return true;
  const e = exportTo(dr);
  return e.includes('*') || e.includes('.') || e.includes(dr.namespace);
}

/**
 * Whether a rule is kept out of the exported pool (setDestinationRules `isPrivateOnly`): a selector,
 * exportTo only `.` or its own namespace, or no exportTo while the mesh config's
 * `defaultDestinationRuleExportTo` holds `.`.
 */
function privateOnly(index: IndexReader, dr: Resource): boolean {
  if (hasSelector(dr)) return true;
  if (!writesExportTo(dr)) return meshDefaultExportTo(index, dr).includes('.');
  const e = [...new Set(exportTo(dr))];
  return e.length === 1 && (e[0] === '.' || e[0] === dr.namespace);
}

/** Whether an exported rule reaches a client namespace (getExportedDestinationRuleFromNamespace). */
function exportedTo(dr: Resource, client: string): boolean {
  const e = exportTo(dr);
  return e.includes('*') || e.includes(client);
}

const byPlace = (a: Resource, b: Resource) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.docIndex - b.docIndex);

/**
 * The hosts a DestinationRule may name to cover `host`: the host itself and each wildcard over its
 * trailing labels (`api.example.com`: `*.example.com`, `*.com`, `*`), so that the lookup reads the
 * index per host and namespace, never every rule.
 */
export function coveringHosts(host: string): string[] {
  const labels = (host.startsWith('*.') ? host.slice(2) : host).split('.');
  const out = [host];
  for (let i = 1; i < labels.length; i++) out.push(`*.${labels.slice(i).join('.')}`);
  if (host !== '*') out.push('*');
  return [...new Set(out)];
}

/** The rules of one pool for the most specific host covering `host`, or undefined when none covers it. */
function pick(pool: Resource[], host: string): { host: string; rules: Resource[] } | undefined {
  const hosts = new Map<string, Resource[]>();
  for (const dr of pool) {
    const h = destinationRuleHost(dr);
    if (h !== undefined) hosts.set(h, [...(hosts.get(h) ?? []), dr]);
  }
  const match = mostSpecificHostMatch(host, hosts.keys());
  return match === undefined ? undefined : { host: match, rules: hosts.get(match)! };
}

/**
 * The namespace of the service that defines `host` for a proxy in `proxyNamespace`: a Kubernetes
 * Service or ServiceEntry visible there, the proxy's own namespace first, else the first namespace
 * by name (sidecar.go pickFirstVisibleNamespace); for a cluster-local host the workspace does not
 * define, the namespace its name says.
 */
export function serviceNamespace(index: IndexReader, host: string, proxyNamespace: string): string | undefined {
  const namespaces = new Set<string>();
  for (const r of [...servicesFor(index, host, proxyNamespace), ...serviceEntriesFor(index, host, proxyNamespace)]) namespaces.add(r.namespace);
  if (namespaces.has(proxyNamespace)) return proxyNamespace;
  if (namespaces.size > 0) return [...namespaces].sort()[0];
  return clusterLocalNamespace(host);
}

/**
 * The DestinationRule a proxy in `proxyNamespace` applies to traffic for `host` (fully qualified),
 * following push_context.go `destinationRule`:
 * 1. a proxy outside the root namespace: the rules of its own namespace visible there (exportTo `.`,
 *    `*`, its name, or none); a proxy in the root namespace: the root namespace's private rules;
 * 2. the rules the service's namespace exports to the proxy's namespace;
 * 3. the rules the root namespace exports to the proxy's namespace.
 * In each namespace the most specific host wins (an exact host over `*.example.com` over `*`).
 * Undefined when no rule applies. It reads the DestinationRules for the host (and the wildcards
 * covering it) in those namespaces only, the Services and ServiceEntries defining the host, and the
 * mesh config: narrow keys, never every DestinationRule of the host.
 */
export function effectiveDestinationRule(index: IndexReader, proxyNamespace: string, host: string): EffectiveDestinationRule | undefined {
  // Every VirtualService of a namespace asks this for the egress gateway, several analyzers each.
  const compute = (reader: IndexReader) => lookUpDestinationRule(reader, proxyNamespace, host);
  return index.shared ? index.shared(`effective-destination-rule|${proxyNamespace}|${host}`, compute) : compute(index);
}

function lookUpDestinationRule(index: IndexReader, proxyNamespace: string, host: string): EffectiveDestinationRule | undefined {
  const covering = coveringHosts(host);
  const inNamespace = (ns: string) =>
    [...new Set(covering.flatMap((h) => index.withTag('DestinationRule', `host-in:${h}|${ns}`)))].filter((dr) => dr.group === ISTIO_NETWORKING).sort(byPlace);
  const root = rootNamespace(index);
  const result = (namespace: string, found: { host: string; rules: Resource[] }): EffectiveDestinationRule => ({
    namespace,
    host: found.host,
    rules: found.rules.filter((dr) => !hasSelector(dr)),
    selected: found.rules.filter(hasSelector),
  });

  const local =
    proxyNamespace === root
      ? pick(
          inNamespace(root).filter((dr) => privateOnly(index, dr)),
          host,
        )
      : pick(inNamespace(proxyNamespace).filter(visibleInOwnNamespace), host);
  if (local) return result(proxyNamespace, local);

  const exported = (owner: string) => {
    const found = pick(
      inNamespace(owner).filter((dr) => !privateOnly(index, dr)),
      host,
    );
    const rules = found?.rules.filter((dr) => exportedTo(dr, proxyNamespace)) ?? [];
    return found && rules.length > 0 ? result(owner, { host: found.host, rules }) : undefined;
  };
  const service = serviceNamespace(index, host, proxyNamespace);
  return (service !== undefined ? exported(service) : undefined) ?? exported(root);
}

/**
 * The rule a workload with `labels` uses (SidecarScope.DestinationRule): the first rule of the winning
 * namespace whose `workloadSelector.matchLabels` the labels satisfy, else the rules without selector.
 */
export function forWorkload(effective: EffectiveDestinationRule | undefined, labels: Record<string, string>): EffectiveDestinationRule | undefined {
  if (!effective) return undefined;
  const selected = effective.selected.find((dr) => {
    const match = isRecord(dr.spec.workloadSelector) && isRecord(dr.spec.workloadSelector.matchLabels) ? dr.spec.workloadSelector.matchLabels : {};
    return Object.entries(match).every(([k, v]) => labels[k] === String(v));
  });
  return selected ? { ...effective, rules: [selected] } : effective;
}

/** One subset as the merged rule defines it: the rule that defines it first, and its place there. */
export interface SubsetDefinition {
  rule: Resource;
  index: number;
  subset: Record<string, any>;
}

/** The subsets of an effective DestinationRule, merged as Istio does (mergeDestinationRule): the first definition of each name counts. */
export function subsetsOf(effective: EffectiveDestinationRule | undefined): Map<string, SubsetDefinition> {
  const out = new Map<string, SubsetDefinition>();
  for (const rule of effective?.rules ?? []) {
    const subsets = Array.isArray(rule.spec.subsets) ? rule.spec.subsets : [];
    subsets.forEach((s: unknown, i: number) => {
      if (isRecord(s) && typeof s.name === 'string' && !out.has(s.name)) out.set(s.name, { rule, index: i, subset: s });
    });
  }
  return out;
}

/**
 * DestinationRules that write neither a namespace nor a qualified host: applied with kubectl -n or a
 * kustomization to `<ns>`, they are the rules for `<name>.<ns>.svc.cluster.local`. A namespace that
 * is not written is not a fact, so these count for such a host although the index files them under `default`.
 */
export function unplacedDestinationRulesFor(index: IndexReader, host: string): Resource[] {
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  if (!m || m[2] === 'default') return [];
  return index
    .withHost('DestinationRule', `${m[1]}.default.${CLUSTER_DOMAIN}`)
    .filter((dr) => dr.group === ISTIO_NETWORKING && !dr.namespaceExplicit && typeof dr.spec.host === 'string' && !dr.spec.host.includes('.'));
}

export function subsetNames(dr: Resource): string[] {
  const subsets = dr.spec.subsets;
  return Array.isArray(subsets)
    ? subsets
        .filter(isRecord)
        .map((s) => String(s.name ?? ''))
        .filter(Boolean)
    : [];
}

/**
 * The namespace of the gateway proxy that applies a DestinationRule without `workloadSelector`, when
 * a gateway does: the rule's own namespace when a gateway runs there, else the namespace of the egress
 * gateway's pods when that gateway forwards to the rule's host and the rule is the one it uses for that host there.
 * Undefined otherwise (sidecars only).
 */
export function gatewayApplyingDestinationRule(index: IndexReader, settings: Settings, dr: Resource): string | undefined {
  if (hasSelector(dr)) return undefined;
  if (gatewayNamespaces(index, settings).has(dr.namespace)) return dr.namespace;
  const host = destinationRuleHost(dr);
  if (!host) return undefined;
  // The gateway applies the rule only when it is the one the gateway's namespace looks up for the host (push_context.go destinationRule).
  const applies = (ns: string) => effectiveDestinationRule(index, ns, host)?.rules.some((r) => r.namespace === dr.namespace && r.name === dr.name) ?? false;
  for (const route of egressGatewayRoutesTo(index, settings, host)) {
    const seen = gatewayPlacement(index, settings, route.gateway).namespaces.find(applies);
    if (seen !== undefined) return seen;
  }
  return undefined;
}

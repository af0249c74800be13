/**
 * Which proxies use a given DestinationRule: the namespaces whose lookup (push_context.go
 * `destinationRule`, see destination-rules.ts) picks it for its host, and the TLS settings it puts
 * in effect there (client-tls.ts). Analyzers that judge a rule's settings ask this first, so that a
 * rule no proxy uses, or whose `tls` another rule's policy replaces, is not judged as if it applied.
 * It does not decide which rule a namespace picks, nor whether a proxy sends traffic to the host.
 */
import type { IndexReader } from '../index/workspace-index';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { Settings } from '../settings';
import type { YamlPath } from '../parse/yaml-path';
import { routeDestinations } from './routes';
import { exportScopesIn, isVisibleIn } from './export-defaults';
import { clientTls } from './client-tls';
import { destinationRuleHost, effectiveDestinationRule, type EffectiveDestinationRule } from './destination-rules';
import { rootNamespace } from './root-namespace';
import { ruleProxies } from './rule-proxies';

/**
 * A namespace the workspace names nowhere: it has no config of its own and sees only what is
 * exported to every namespace. Not a valid Kubernetes name, so no resource lives there.
 */
export const UNNAMED_NAMESPACE = '';

/** The proxies of one namespace that use a DestinationRule for its host. */
export interface DestinationRuleUser {
  /** The proxies' namespace; `UNNAMED_NAMESPACE` for every namespace the workspace does not name. */
  namespace: string;
  /** The rules the namespace merges for the host, the rule asked about among them. */
  effective: EffectiveDestinationRule;
  /** True when gateway proxies of the workspace route to the host from this namespace. */
  gateway: boolean;
}

const sameRule = (a: Resource, b: Resource) => a.uri === b.uri && a.docIndex === b.docIndex;

/**
 * The namespaces whose proxies might use `dr`: its own, those it names in `exportTo`, the root
 * namespace, the namespaces of the Services and ServiceEntries defining its host and those they name
 * in `exportTo`, and the namespaces of the proxies that run routes to the host (sidecars of a
 * VirtualService's namespace and those it names, gateway pods). Every other namespace looks the host up
 * as `UNNAMED_NAMESPACE` does. The second set names the namespaces where a gateway runs such a route.
 */
function candidates(index: IndexReader, settings: Settings, dr: Resource, host: string): { namespaces: Set<string>; gateways: Set<string> } {
  const namespaces = new Set<string>([dr.namespace, rootNamespace(index), UNNAMED_NAMESPACE]);
  const gateways = new Set<string>();
  const named = (r: Resource) => {
    namespaces.add(r.namespace);
    for (const ns of exportScopesIn(index, r)) if (ns !== '*') namespaces.add(ns);
  };
  named(dr);
  for (const r of index.matchingHost('ServiceEntry', host)) if (r.group === ISTIO_NETWORKING) named(r);
  for (const r of index.withHost('Service', host)) named(r);
  for (const vs of index.withTag('VirtualService', `dest:${host}`)) {
    if (vs.group !== ISTIO_NETWORKING) continue;
    for (const route of routeDestinations(vs)) {
      if (route.host !== host) continue;
      for (const proxy of ruleProxies(index, settings, vs, route)) {
        if (proxy.gateway) {
          gateways.add(proxy.namespace);
          namespaces.add(proxy.namespace);
        } else named(vs);
      }
    }
  }
  return { namespaces, gateways };
}

/**
 * The namespaces whose proxies use `dr` for its host: where push_context.go `destinationRule` picks
 * the namespace that holds it and it is among the rules merged there (a rule with `workloadSelector`
 * counts in its own namespace, for the workloads it selects). Empty when no proxy uses it, for example
 * when each namespace finds another rule first, or when it sits in a namespace that is neither the
 * client's, the host's nor the root namespace. Sorted by namespace, `UNNAMED_NAMESPACE` first.
 */
export function destinationRuleUsers(index: IndexReader, settings: Settings, dr: Resource): DestinationRuleUser[] {
  const host = destinationRuleHost(dr);
  if (host === undefined) return [];
  const { namespaces, gateways } = candidates(index, settings, dr, host);
  const out: DestinationRuleUser[] = [];
  for (const namespace of [...namespaces].sort()) {
    const effective = effectiveDestinationRule(index, namespace, host);
    if (!effective || effective.host !== host) continue;
    if (effective.rules.some((r) => sameRule(r, dr))) out.push({ namespace, effective, gateway: gateways.has(namespace) });
    else if (effective.selected.some((r) => sameRule(r, dr)))
      out.push({ namespace, effective: { ...effective, rules: [dr], selected: [] }, gateway: gateways.has(namespace) });
  }
  return out;
}

const samePath = (a: YamlPath | undefined, b: YamlPath) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The users for which the `tls` map at `tlsPath` of `dr` is the one in effect toward `port` (and
 * `subset`, when the map belongs to one): `MergeTrafficPolicy` and `GetPortLevelTrafficPolicy` decide,
 * so a top-level `tls` replaced by a port-level entry, or a rule whose `trafficPolicy` loses to an
 * earlier rule of the same namespace, is in effect nowhere.
 */
export function usersOfTls(users: readonly DestinationRuleUser[], dr: Resource, tlsPath: YamlPath, port: number, subset?: string): DestinationRuleUser[] {
  return users.filter((u) => {
    const tls = clientTls(u.effective, subset, port);
    return tls?.rule !== undefined && sameRule(tls.rule, dr) && samePath(tls.tlsPath, tlsPath);
  });
}

/** The ServiceEntries for `host` that the proxies of some user see (`UNNAMED_NAMESPACE` sees those exported to every namespace). */
export function serviceEntriesSeenBy(index: IndexReader, host: string, users: readonly DestinationRuleUser[]): Resource[] {
  return index.matchingHost('ServiceEntry', host).filter((se) => se.group === ISTIO_NETWORKING && users.some((u) => isVisibleIn(index, se, u.namespace)));
}

/** Users in words for a message: "the proxies of namespace shop", "…, and of any other namespace without a rule of its own". */
export function describeUsers(users: readonly DestinationRuleUser[]): string {
  const named = users.filter((u) => u.namespace !== UNNAMED_NAMESPACE).map((u) => (u.gateway ? `${u.namespace} (gateway)` : u.namespace));
  const others = users.some((u) => u.namespace === UNNAMED_NAMESPACE);
  const list = named.length === 1 ? `namespace ${named[0]}` : `namespaces ${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
  if (named.length === 0) return others ? 'the proxies of every namespace without a rule of its own for the host' : 'no proxy';
  return `the proxies of ${list}${others ? ', and of every other namespace without a rule of its own for the host' : ''}`;
}

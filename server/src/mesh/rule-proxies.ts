/**
 * The namespaces of the proxies that run a VirtualService rule, as the DestinationRule lookup needs
 * them: a rule bound to `mesh` runs in the client sidecars, a rule bound to a Gateway in that
 * gateway's pods. This is the simple form: the sidecars of the VirtualService's own namespace, and the
 * egress gateway's namespace for a Gateway that selects it (else the Gateway's own namespace); the
 * namespaces a VirtualService is exported to and the gateway pods the workspace declares are not
 * considered yet.
 */
import type { IndexReader } from '../index/workspace-index';
import type { Resource } from '../parse/resource';
import type { Settings } from '../settings';
import { isRecord } from '../data';
import { egressGatewayNamespace, MESH_GATEWAY, resolveGatewayRefs, ruleGateways, selectsEgressGateway, type RouteDestination } from '../index/mesh';

/** Where a proxy that runs a rule lives, and whether it is a gateway. */
export interface RuleProxy {
  namespace: string;
  gateway: boolean;
  /** For a gateway: labels its pods carry (the Gateway's selector); unknown for sidecars. */
  labels?: Record<string, string>;
}

/** The proxies (by namespace) that run the rule holding `route` of `vs`, sidecars first, without duplicates. */
export function ruleProxies(index: IndexReader, settings: Settings, vs: Resource, route: Pick<RouteDestination, 'matchGateways'>): RuleProxy[] {
  const refs = ruleGateways(vs, route);
  const out: RuleProxy[] = refs.includes(MESH_GATEWAY) ? [{ namespace: vs.namespace, gateway: false }] : [];
  for (const { gateway } of resolveGatewayRefs(index, vs, refs)) {
    const namespace = selectsEgressGateway(gateway, settings) ? egressGatewayNamespace(settings) : gateway.namespace;
    const selector = isRecord(gateway.spec.selector) ? gateway.spec.selector : {};
    const labels = Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)]));
    if (!out.some((p) => p.gateway && p.namespace === namespace)) out.push({ namespace, gateway: true, labels });
  }
  return out;
}

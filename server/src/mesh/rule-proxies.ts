/**
 * The namespaces of the proxies that run a VirtualService rule, as the DestinationRule lookup needs
 * them: a rule bound to `mesh` runs in the client sidecars, a rule bound to a Gateway in that
 * gateway's pods (`gatewayPlacement`: the namespace of the pods it selects, else the Gateway's own).
 * Only the sidecars of the VirtualService's own namespace are named here: the other namespaces a mesh
 * rule runs in (`ruleSites`) are vs-hidden-where-it-runs' concern.
 */
import type { IndexReader } from '../index/workspace-index';
import type { Resource } from '../parse/resource';
import type { Settings } from '../settings';
import { ruleGateways, type RouteDestination } from './routes';
import { gatewayPlacement, gatewaySelector, MESH_GATEWAY, resolveGatewayRefs } from './gateways';

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
    const labels = gatewaySelector(gateway);
    // Where the workspace does not place the pods, one likely namespace stands in (a guess must not report more).
    const placement = gatewayPlacement(index, settings, gateway);
    for (const namespace of placement.known || placement.namespaces.length === 1 ? placement.namespaces : [gateway.namespace])
      if (!out.some((p) => p.gateway && p.namespace === namespace)) out.push({ namespace, gateway: true, labels });
  }
  return out;
}

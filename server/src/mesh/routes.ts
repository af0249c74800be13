/**
 * The routes of VirtualServices: every route destination and mirror with where it sits, the gateways a
 * rule applies to (Istio gives a VirtualService only to the gateways it is bound to), the routes egress
 * gateways run for a host, and the mesh routes that send a namespace's traffic to an egress gateway.
 * Where a rule runs and what is seen there is decided in visibility.ts and sidecar-scope.ts.
 */
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { resolveHost, isWildcard } from './hosts';
import { hostSubsetOf } from './host-match';
import type { Settings } from '../settings';
import type { YamlPath } from '../parse/yaml-path';
import { isRecord } from '../data';
import {
  gatewaySelects,
  type EgressGateway,
  MESH_GATEWAY,
  resolveGatewayName,
  boundGateways,
  resolveGatewayRefs,
  gatewayBehindHost,
  selectsAnyEgressGateway,
} from './gateways';
import type { IndexReader } from '../index/workspace-index';
import { isVisibleIn } from './export-defaults';

export type RouteProtocol = 'http' | 'tls' | 'tcp';

/** One `route[].destination` (or mirror) of a VirtualService, with where it sits. */
export interface RouteDestination {
  protocol: RouteProtocol;
  ruleIndex: number;
  rule: Record<string, any>;
  /** Path of the destination object, e.g. ['spec', 'http', 0, 'route', 1, 'destination']. */
  path: YamlPath;
  destination: Record<string, any>;
  /** The destination host, fully qualified in the VirtualService's namespace. */
  host: string;
  port?: number;
  subset?: string;
  /** Gateways the rule's matches restrict it to (empty: all the VirtualService's gateways). */
  matchGateways: string[];
  /** Ports the rule's matches restrict it to (empty: any). */
  matchPorts: number[];
  mirror: boolean;
}

/** Each VirtualService's destinations, listed once per namespace it is in: about ten analyzers read them. */
const destinationsOf = new WeakMap<Resource, { namespace: string; destinations: RouteDestination[] }>();

export function* routeDestinations(vs: Resource): Generator<RouteDestination> {
  let listed = destinationsOf.get(vs);
  if (listed?.namespace !== vs.namespace) destinationsOf.set(vs, (listed = { namespace: vs.namespace, destinations: [...listDestinations(vs)] }));
  yield* listed.destinations;
}

function* listDestinations(vs: Resource): Generator<RouteDestination> {
  for (const protocol of ['http', 'tls', 'tcp'] as const) {
    const rules = vs.spec[protocol];
    if (!Array.isArray(rules)) continue;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (!isRecord(rule)) continue;
      const matches = Array.isArray(rule.match) ? rule.match.filter(isRecord) : [];
      const matchGateways = [...new Set(matches.flatMap((m) => (Array.isArray(m.gateways) ? m.gateways.map(String) : [])))];
      const matchPorts = [...new Set(matches.map((m) => m.port).filter((p): p is number => typeof p === 'number'))];
      // Every VirtualService's destinations are listed, so each is built as one literal of one shape rather than spread together.
      const destination = (path: YamlPath, d: Record<string, any>, mirror: boolean): RouteDestination => ({
        protocol,
        ruleIndex: i,
        rule,
        matchGateways,
        matchPorts,
        path,
        destination: d,
        host: resolveHost(String(d.host), vs.namespace),
        port: isRecord(d.port) && typeof d.port.number === 'number' ? d.port.number : undefined,
        subset: typeof d.subset === 'string' ? d.subset : undefined,
        mirror,
      });
      const routes = Array.isArray(rule.route) ? rule.route : [];
      for (let j = 0; j < routes.length; j++) {
        const d = isRecord(routes[j]) ? routes[j].destination : undefined;
        if (isRecord(d) && typeof d.host === 'string') yield destination(['spec', protocol, i, 'route', j, 'destination'], d, false);
      }
      if (protocol === 'http') {
        if (isRecord(rule.mirror) && typeof rule.mirror.host === 'string') yield destination(['spec', 'http', i, 'mirror'], rule.mirror, true);
        const mirrors = Array.isArray(rule.mirrors) ? rule.mirrors : [];
        for (let j = 0; j < mirrors.length; j++) {
          const d = isRecord(mirrors[j]) ? mirrors[j].destination : undefined;
          if (isRecord(d) && typeof d.host === 'string') yield destination(['spec', 'http', i, 'mirrors', j, 'destination'], d, true);
        }
      }
    }
  }
}

/**
 * The gateways a rule applies to: its matches' gateways that the VirtualService is also bound to, or
 * all of the VirtualService's. Istio gives a VirtualService only to the gateways of `spec.gateways`
 * (push_context.go `getGatewayNames`), so a match naming another gateway runs nowhere.
 */
export function ruleGateways(vs: Resource, d: Pick<RouteDestination, 'matchGateways'>): readonly string[] {
  const kept = gatewaysOfRule.get(d.matchGateways);
  if (kept && kept.vs === vs && kept.namespace === vs.namespace) return kept.gateways;
  const gateways = listRuleGateways(vs, d);
  gatewaysOfRule.set(d.matchGateways, { vs, namespace: vs.namespace, gateways });
  return gateways;
}

/**
 * Each rule's gateways, kept per rule by its list of match gateways, which `routeDestinations` lists once
 * per rule and namespace of their VirtualService: a dozen analyzers ask for those of every destination.
 */
const gatewaysOfRule = new WeakMap<object, { vs: Resource; namespace: string; gateways: readonly string[] }>();

function listRuleGateways(vs: Resource, d: Pick<RouteDestination, 'matchGateways'>): string[] {
  const bound = boundGateways(vs);
  if (d.matchGateways.length === 0) return bound;
  const key = (ref: string) => {
    if (ref === MESH_GATEWAY) return MESH_GATEWAY;
    const g = resolveGatewayName(ref, vs.namespace);
    return `${g.namespace}/${g.name}`;
  };
  const boundKeys = new Set(bound.map(key));
  return d.matchGateways.filter((ref) => boundKeys.has(key(ref)));
}

/** A route destination in a rule that runs on an Istio Gateway selecting the egress gateway. */
export interface EgressGatewayRoute {
  vs: Resource;
  route: RouteDestination;
  gateway: Resource;
}

/**
 * Where egress gateways forward traffic for `host`: destinations equal to `host` (or matched by it,
 * when it is a wildcard) in gateway-side rules, those bound to an Istio Gateway that selects the egress
 * gateway `through`, or by default any egress gateway (the settings', or one of the workspace:
 * `selectsAnyEgressGateway`), of the VirtualServices whose hosts match `host`.
 */
export function egressGatewayRoutesTo(index: IndexReader, settings: Settings, host: string, through?: EgressGateway): EgressGatewayRoute[] {
  const selects = (gw: Resource) => (through ? gatewaySelects(gw, through) : selectsAnyEgressGateway(index, settings, gw));
  return gatewayBoundRoutes(index, host, selects, (route) => route.host === host || (isWildcard(host) && hostSubsetOf(route.host, host)));
}

/**
 * The route destinations (those `sends` keeps, by default all) of the VirtualServices whose hosts match `host`, in rules
 * bound to an Istio Gateway that `selects` accepts, with that Gateway.
 */
export function gatewayBoundRoutes(
  index: IndexReader,
  host: string,
  selects: (gateway: Resource) => boolean,
  sends: (route: RouteDestination) => boolean = () => true,
): EgressGatewayRoute[] {
  const out: EgressGatewayRoute[] = [];
  for (const vs of index.matchingHost('VirtualService', host)) {
    if (vs.group !== ISTIO_NETWORKING) continue;
    for (const route of routeDestinations(vs)) {
      if (!sends(route)) continue;
      const gw = resolveGatewayRefs(index, vs, ruleGateways(vs, route)).find((g) => selects(g.gateway));
      if (gw) out.push({ vs, route, gateway: gw.gateway });
    }
  }
  return out;
}

/** A mesh route that sends a namespace's traffic to an egress gateway, with that gateway. */
export interface MeshRouteToGateway {
  vs: Resource;
  route: RouteDestination;
  gateway: EgressGateway;
}

/**
 * Mesh rules that send traffic of clients in `namespace` to an egress gateway (the settings', or one of
 * the workspace: `gatewayBehindHost`): route destinations (not mirrors) whose host is such a gateway's,
 * in rules that apply to the mesh, of VirtualServices visible from `namespace`. The namespace's own
 * VirtualServices and those exported to it by name come first (the `mesh-route-in:`, `mesh-route:` and
 * `mesh-svc-route:` tags of the namespace); those exported to every namespace are consulted only when
 * these send nothing to a gateway, and then only a few (see `someWithTag`), so that the answer depends
 * on the namespace's routes, not on every route to a gateway.
 */
export function meshRoutesToEgressGateway(index: IndexReader, settings: Settings, namespace: string): MeshRouteToGateway[] {
  const host = settings.egressGateway.host.toLowerCase();
  const own = index.withTag('VirtualService', `mesh-route-in:${host}|${namespace}`);
  const named = index.withTag('VirtualService', `mesh-route:${host}|${namespace}`).filter((vs) => vs.namespace !== namespace);
  const toServices = index.withTag('VirtualService', `mesh-svc-route:${namespace}`);
  const routes = gatewayRoutesOf(index, settings, namespace, new Set([...own, ...named, ...toServices]));
  if (routes.length > 0) return routes;
  const exported = [...index.someWithTag('VirtualService', `mesh-route:${host}|*`), ...index.someWithTag('VirtualService', 'mesh-svc-route:*')];
  return gatewayRoutesOf(index, settings, namespace, new Set(exported));
}

function gatewayRoutesOf(index: IndexReader, settings: Settings, namespace: string, candidates: Iterable<Resource>): MeshRouteToGateway[] {
  const out: MeshRouteToGateway[] = [];
  for (const vs of candidates) {
    if (vs.group !== ISTIO_NETWORKING || !isVisibleIn(index, vs, namespace)) continue;
    for (const route of routeDestinations(vs)) {
      if (route.mirror || !ruleGateways(vs, route).includes(MESH_GATEWAY)) continue;
      const gateway = gatewayBehindHost(index, settings, route.host);
      if (gateway) out.push({ vs, route, gateway });
    }
  }
  return out;
}

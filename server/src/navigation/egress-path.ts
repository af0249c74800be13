/**
 * The egress path of an external host, in the user's words: from the client namespace through its
 * sidecar, maybe through the egress gateway, to the host and port, with the TLS mode of each hop
 * and, for direct traffic, what the outbound traffic policy says. A broken link is named, not
 * hidden. Every step asks mesh/, as the analyzers do. The sidecar's route is an Istio
 * VirtualService or a Gateway API route attached to a ServiceEntry, whose backendRef Istio turns into the
 * same destination; a destination leads to an Istio egress gateway or a Gateway API one, or through an
 * ExternalName Service to what it stands for, and the gateway forwards by its VirtualService or route.
 */
import { GATEWAY_API, ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { isWildcard, hostsOf, serviceHost } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { gatewayBoundRoutes, routeDestinations, ruleGateways, type EgressGatewayRoute, type RouteDestination } from '../mesh/routes';
import { gatewayServers, isPassthroughServer } from '../mesh/gateway-servers';
import { clusterLocalNamespace, describesNamespaceServices, registryLookup } from '../mesh/registry';
import { isVisibleIn } from '../mesh/export-defaults';
import { outboundPolicy } from '../mesh/sidecar-scope';
import { effectiveDestinationRule } from '../mesh/destination-rules';
import { clientTls, ORIGINATING_TLS_MODES } from '../mesh/client-tls';
import { isRecord, listOf } from '../data';
import { gatewayBehindHost, gatewayPlacement, gatewaySelects, MESH_GATEWAY, type EgressGateway } from '../mesh/gateways';
import { spanAtPath, type YamlPath } from '../parse/yaml-path';
import type { NavigationContext } from './references';
import type { WorkspaceIndex } from '../index/workspace-index';
import { attachesTo, backendHost, deployedGateway, GATEWAY_API_ROUTES, gatewayForwardRoute, routeBackends } from './gateway-api';
import { serviceProtocol } from './service-protocol';
import { aliasTarget, externalNameOf, isSelectorless, serviceEndpoints, type ServiceEndpoints } from './service-egress';

export interface EgressPath {
  host: string;
  port: number;
  /** The client namespace whose sidecars the path starts from. */
  namespace: string;
  /** The hops after the client, e.g. ['sidecar', 'istio-egressgateway:80 (ISTIO_MUTUAL)', 'edition.cnn.com:443 (TLS originated)']. */
  hops: string[];
  /** Set when a link is broken: what is missing. */
  broken?: string;
  /** Where the broken link is written (the route's subset or destination host), so its diagnostics can be shown with it. */
  brokenAt?: { uri: string; start: number; end: number };
  /** The whole path as one line. */
  text: string;
  /** The hops as data, for the traffic map: the same answers as `hops`, one step per hop. */
  steps: PathStep[];
  /** The ServiceEntry or Kubernetes Service that declares the host. */
  definer: Resource;
  /**
   * Set when the route sends the host's traffic to several destinations (rules, or a weighted split), one path
   * each: the destination this path follows (`host:port/subset`).
   */
  via?: string;
}

/** One hop of a path and the link that leads into it (port, protocol, TLS). */
export interface PathStep {
  kind: 'sidecar' | 'egress-gateway' | 'route' | 'host';
  /** The client namespace for a sidecar, the Service host for an egress gateway, `Kind name` for a route, else the destination host. */
  name: string;
  port?: number;
  /** Upper-case, as declared on the port; '' when nothing declares it. */
  protocol: string;
  /** The TLS on the link into this step: `ISTIO_MUTUAL`, `TLS passthrough`, `TLS originated`, …; undefined for plain traffic. */
  tls?: string;
  /** What else decides the link: the outbound policy, the VirtualService that routes it. */
  note?: string;
  /** Set when the link into this step is broken: what is missing. */
  broken?: string;
  /** The weight of this destination when the route splits the traffic (on the link out of the sidecar). */
  weight?: number;
  /** The resource that defines this hop (the egress gateway's Gateway, the route), when the workspace has one. */
  resource?: Resource;
}

interface ServicePort {
  number: number;
  targetPort?: number;
  protocol: string;
  /** A Kubernetes Service port's name, which its Endpoints' ports are matched by; '' otherwise. */
  name?: string;
}

/** The ports of a ServiceEntry (`number`, `targetPort`) or a Kubernetes Service (`port`; its `targetPort` is the pod's, not the destination's). */
function portsOf(r: Resource): ServicePort[] {
  const ports = listOf(r.spec.ports);
  const protocol = (p: Record<string, unknown>) => (typeof p.protocol === 'string' ? p.protocol.toUpperCase() : '');
  if (r.kind === 'Service')
    return ports
      .filter(isRecord)
      .flatMap((p) => (typeof p.port === 'number' ? [{ number: p.port, protocol: serviceProtocol(p), name: typeof p.name === 'string' ? p.name : '' }] : []));
  return ports
    .filter(isRecord)
    .flatMap((p) =>
      typeof p.number === 'number'
        ? [{ number: p.number, targetPort: typeof p.targetPort === 'number' ? p.targetPort : undefined, protocol: protocol(p) }]
        : [],
    );
}

/** The protocol a definer declares for a port number ('' when it declares none). */
function protocolAt(definer: Resource, port: number): string {
  const ports = portsOf(definer);
  return (ports.find((p) => p.number === port) ?? ports.find((p) => p.targetPort === port))?.protocol ?? '';
}

/** The port protocols each kind of Gateway API route carries: HTTP routes see requests, TLS routes see TLS by SNI, TCP routes anything. */
const ROUTE_PROTOCOLS: Record<string, (protocol: string) => boolean> = {
  HTTPRoute: (p) => ['', 'HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(p),
  GRPCRoute: (p) => ['', 'HTTP2', 'GRPC'].includes(p),
  TLSRoute: (p) => ['TLS', 'HTTPS'].includes(p),
  TCPRoute: () => true,
};

/**
 * A Gateway API route attached to a ServiceEntry or a Kubernetes Service (GAMMA: a `parentRef` of that
 * kind, for every port or the one it names) that carries the port's protocol: it, not a VirtualService,
 * steers the mesh's traffic to that host. Istio turns it into a VirtualService for the mesh in the route's
 * namespace (route_collections.go), and prefers the routes of the client's own namespace
 * (push_context.go `VirtualServicesForGateway`: the "consumer override"), then the host's.
 */
function gatewayApiRouteFor(ctx: NavigationContext, definer: Resource, port: ServicePort, namespace: string): Resource | undefined {
  if (definer.kind !== 'ServiceEntry' && definer.kind !== 'Service') return undefined;
  for (const routeNamespace of new Set([namespace, definer.namespace])) {
    for (const kind of GATEWAY_API_ROUTES) {
      if (!ROUTE_PROTOCOLS[kind](port.protocol)) continue;
      const route = ctx.index.withTag(kind, `ns:${routeNamespace}`).find((r) => r.group === GATEWAY_API && attachesTo(r, definer, port.number));
      if (route) return route;
    }
  }
  return undefined;
}

/**
 * What an ExternalName Service of the workspace stands for: Istio treats it as an alias of its
 * `externalName` (pilot/pkg/features `ENABLE_EXTERNAL_NAME_ALIAS`, on by default), so traffic to it goes where that host's goes.
 */
function aliasAt(ctx: NavigationContext, host: string): { target: string; service: Resource } | undefined {
  for (const service of ctx.index.withHost('Service', host)) {
    const target = aliasTarget(ctx.index, service);
    if (target) return { target, service };
  }
  return undefined;
}

/**
 * The routes of the mesh rules (not mirrors) that apply to `host` on `port` from `namespace`: those of the
 * first VirtualService visible there with such a rule, every rule of it for that port and protocol and every
 * destination of each rule (BuildHTTPRoutesForVirtualService translates them all; a weighted split sends to each).
 */
function meshRoutes(ctx: NavigationContext, host: string, port: number, namespace: string): { vs: Resource; routes: RouteDestination[] } | undefined {
  const services = ctx.index.matchingHost('VirtualService', host).filter((vs) => vs.group === ISTIO_NETWORKING && isVisibleIn(ctx.index, vs, namespace));
  for (const vs of services) {
    const routes = [...routeDestinations(vs)].filter(
      (route) => !route.mirror && ruleGateways(vs, route).includes(MESH_GATEWAY) && (route.matchPorts.length === 0 || route.matchPorts.includes(port)),
    );
    if (routes.length > 0) return { vs, routes: routes.filter((r) => r.protocol === routes[0].protocol) };
  }
  return undefined;
}

/** The weight of a VirtualService route destination, when its rule splits traffic between several (undefined otherwise). */
function routeWeight(route: RouteDestination): number | undefined {
  const destinations = listOf(route.rule.route);
  if (destinations.length < 2) return undefined;
  const entry = destinations[route.path[4] as number];
  return isRecord(entry) && typeof entry.weight === 'number' ? entry.weight : 0;
}

/**
 * Where the sidecar sends a host's traffic, by a VirtualService's mesh rule or a Gateway API route
 * attached to the host's definer (which Istio converts into the same destination).
 */
interface MeshDestination {
  /** The destination host as Istio names it, after an ExternalName alias. */
  host: string;
  port?: number;
  subset?: string;
  /** The rule, in words: `VirtualService name`, `HTTPRoute name`. */
  by: string;
  rule: Resource;
  /** Where a broken link after the rule is shown: the route's destination host, or the Gateway API route's backendRef. */
  at: YamlPath;
  subsetAt?: YamlPath;
  /** The ExternalName Service the destination went through, if any. */
  alias?: Resource;
}

/** A Gateway API route that leads nowhere this module follows: no backend, another kind of backend, or a Service that is neither a gateway nor an alias. */
interface UnfollowedRoute {
  route: Resource;
  why: string;
}

/** One of the destinations a route sends the traffic to, with its weight when the rule splits it. */
interface Branch {
  to: MeshDestination | UnfollowedRoute;
  weight?: number;
}

/**
 * A destination once per cluster (host, port and subset): several rules (or matches) may send to the same one; a
 * destination without a port takes the port called (route.go GetDestinationCluster: the listener's port).
 */
const branchKey = (b: Branch, port: number) => ('why' in b.to ? `${b.to.route.kind}|${b.to.why}` : `${b.to.host}|${b.to.port ?? port}|${b.to.subset ?? ''}`);

function sidecarDestinations(ctx: NavigationContext, definer: Resource, host: string, port: ServicePort, namespace: string): Branch[] {
  const attached = gatewayApiRouteFor(ctx, definer, port, namespace);
  let branches: Branch[];
  if (attached) {
    const backends = routeBackends(attached);
    if (backends.length === 0) return [{ to: { route: attached, why: 'no backend' } }];
    branches = backends.map(({ backend, weight, split, path }) => {
      const to = backendHost(backend);
      const weighted = split ? { weight } : {};
      if (!to) return { to: { route: attached, why: `backend kind ${backend.kind} is not followed` }, ...weighted };
      return { to: { host: to, port: backend.port, by: `${attached.kind} ${attached.name}`, rule: attached, at: [...path, 'name'] }, ...weighted };
    });
  } else {
    const mesh = meshRoutes(ctx, host, port.number, namespace);
    if (!mesh) return [];
    const { vs, routes } = mesh;
    // route.go applyHTTPRouteDestination leaves a destination of weight 0 out of a split: it gets no traffic.
    branches = routes.flatMap((route): Branch[] => {
      const weight = routeWeight(route);
      if (weight === 0) return [];
      return [
        {
          to: {
            host: route.host,
            port: route.port,
            subset: route.subset,
            by: `VirtualService ${vs.name}`,
            rule: vs,
            at: [...route.path, 'host'],
            subsetAt: [...route.path, 'subset'],
          },
          ...(weight !== undefined ? { weight } : {}),
        },
      ];
    });
  }
  const seen = new Set<string>();
  return branches
    .filter((b) => !seen.has(branchKey(b, port.number)) && !!seen.add(branchKey(b, port.number)))
    .map((b) => {
      if ('why' in b.to) return b;
      const alias = aliasAt(ctx, b.to.host);
      return alias ? { ...b, to: { ...b.to, host: alias.target, alias: alias.service } } : b;
    });
}

/** An egress gateway a destination host leads to: an Istio one (`gatewayBehindHost`), or the Service Istio deploys for a Gateway API Gateway. */
type EgressGatewayHop = { kind: 'istio'; through: EgressGateway } | { kind: 'gateway-api'; gateway: Resource };

function egressGatewayAt(ctx: NavigationContext, host: string): EgressGatewayHop | undefined {
  const through = gatewayBehindHost(ctx.index, ctx.settings, host);
  if (through) return { kind: 'istio', through };
  const gateway = deployedGateway(ctx.index, host);
  return gateway ? { kind: 'gateway-api', gateway } : undefined;
}

/** One destination the egress gateway forwards a host's traffic to: the port it calls, the TLS it originates, and the rule that says so. */
interface Forward {
  host: string;
  port: number;
  subset?: string;
  mode?: string;
  by: string;
  alias?: Resource;
  /** Set when the rule splits the traffic between several destinations. */
  weight?: number;
}

/** What the egress gateway does with a host's traffic arriving on `port`: the server or listener that takes it, and where it forwards it. */
interface GatewayForward {
  /** The Istio Gateway or Gateway API Gateway, when the workspace has it. */
  resource?: Resource;
  protocol: string;
  passthrough: boolean;
  /** Every destination it forwards to, once each (host, port and subset), in the order of the rules. */
  forwards: Forward[];
  /** Set when it cannot forward: what is missing. */
  broken?: string;
}

/** How a destination of the egress gateway is told apart from its others: `host:port/subset`, or the ExternalName Service it went through. */
const forwardName = (f: Forward) => `${f.alias?.name ?? f.host}:${f.port}${f.subset ? `/${f.subset}` : ''}`;

/** The forwards once per destination (host, port and subset): several rules may send to the same one, and the first says how. */
function distinct(forwards: Forward[]): Forward[] {
  const seen = new Set<string>();
  return forwards.filter((f) => {
    const key = `${f.alias?.name ?? ''}|${f.host}|${f.port}|${f.subset ?? ''}`;
    return !seen.has(key) && !!seen.add(key);
  });
}

/**
 * The route destinations of the rules an Istio egress gateway runs for `host`, whatever host they send to: those of the
 * VirtualServices for the host (of the exact host when one is bound there: Envoy picks the virtual host of the exact
 * domain before a wildcard's), in rules bound to a Gateway selecting the gateway.
 */
function gatewayRules(ctx: NavigationContext, host: string, through: EgressGateway): EgressGatewayRoute[] {
  const out = gatewayBoundRoutes(ctx.index, host, (gw) => gatewaySelects(gw, through));
  const exact = out.filter((r) => hostsOf(r.vs).includes(host));
  return exact.length > 0 ? exact : out;
}

/**
 * Where an egress gateway sends a host's traffic arriving on `port`. At an Istio egress gateway, every rule bound to it for the host
 * and port, of every VirtualService for the host: gateway.go `buildGatewayHTTPRouteConfig` appends the routes of each VirtualService
 * `VirtualServicesForGateway` gives for a host to that host's one virtual host, and route.go `BuildHTTPRoutesForVirtualService`
 * translates every rule and every weighted destination (a destination of weight 0 in a split gets no cluster). At a Gateway API
 * egress gateway, every backendRef of the route attached for the host (conversion.go `buildHTTPDestination`, weight 0 dropped).
 */
function gatewayForward(ctx: NavigationContext, gateway: EgressGatewayHop, host: string, port: number): GatewayForward {
  if (gateway.kind === 'istio') {
    const routes = gatewayRules(ctx, host, gateway.through).filter(
      (r) => !r.route.mirror && (r.route.matchPorts.length === 0 || r.route.matchPorts.includes(port)),
    );
    const first = routes[0];
    const server = first ? gatewayServers(first.gateway).find((s) => s.port === port) : undefined;
    const seen = { resource: first?.gateway, protocol: server?.protocol ?? '', passthrough: !!server && isPassthroughServer(server) };
    if (!first) return { ...seen, forwards: [], broken: `no route at the egress gateway for ${host}:${port}` };
    // A server carries one protocol: the HTTP rules, or the TLS or TCP ones, as the first rule found is.
    const forwards = routes
      .filter((r) => r.route.protocol === first.route.protocol)
      .flatMap(({ vs, route, gateway: gw }): Forward[] => {
        const weight = routeWeight(route);
        if (weight === 0) return [];
        const finalPort = route.port ?? port;
        // The gateway proxy looks the DestinationRule up from the namespace its pods run in.
        const [gatewayNamespace] = gatewayPlacement(ctx.index, ctx.settings, gw).namespaces;
        // Under a wildcard host the route names the concrete host the gateway sends to.
        const mode = tlsTowards(ctx, route.host, gatewayNamespace, route.subset, finalPort).mode;
        return [
          { host: route.host, port: finalPort, subset: route.subset, mode, by: `VirtualService ${vs.name}`, ...(weight !== undefined ? { weight } : {}) },
        ];
      });
    return { ...seen, forwards: distinct(forwards) };
  }
  const gw = gateway.gateway;
  const listener = listOf(gw.spec.listeners).find((l): l is Record<string, any> => isRecord(l) && l.port === port);
  const seen = {
    resource: gw,
    protocol: typeof listener?.protocol === 'string' ? listener.protocol.toUpperCase() : '',
    passthrough: isRecord(listener?.tls) && listener.tls.mode === 'Passthrough',
  };
  if (!listener) return { ...seen, forwards: [], broken: `Gateway ${gw.name} has no listener on port ${port}` };
  const route = gatewayForwardRoute(ctx.index, gw, host);
  const backends = route ? routeBackends(route) : [];
  if (!route || backends.length === 0) return { ...seen, forwards: [], broken: `no route at Gateway ${gw.name} for ${host}:${port}` };
  const forwards = backends.map(({ backend, weight, split }): Forward => {
    const finalPort = backend.port ?? port;
    // The gateway sends to the backend's host (a Hostname or a Service); an ExternalName Service on to where its alias leads.
    const to = backendHost(backend);
    const alias = to !== undefined ? aliasAt(ctx, to) : undefined;
    const finalHost = alias?.target ?? to ?? host;
    const mode = tlsTowards(ctx, finalHost, gw.namespace, undefined, finalPort).mode;
    return {
      host: finalHost,
      port: finalPort,
      mode,
      by: `${route.kind} ${route.name}`,
      ...(alias ? { alias: alias.service } : {}),
      ...(split ? { weight } : {}),
    };
  });
  return { ...seen, forwards: distinct(forwards) };
}

/** How a proxy in `namespace` speaks to `host` on `port` for `subset`: a TLS mode in words, or undefined for plain traffic. */
function tlsTowards(
  ctx: NavigationContext,
  host: string,
  namespace: string,
  subset: string | undefined,
  port: number,
): { mode?: string; missingSubset?: boolean } {
  const effective = effectiveDestinationRule(ctx.index, namespace, host);
  let tls = clientTls(effective, subset, port);
  if (!tls) return { missingSubset: true };
  // Rules with a workloadSelector apply to the workloads they select: show what those get.
  if (tls.mode === 'DISABLE' && effective && effective.selected.length > 0) tls = clientTls({ ...effective, rules: effective.selected }, subset, port) ?? tls;
  return tls.mode === 'DISABLE' ? {} : { mode: tls.mode };
}

function originated(mode: string | undefined): string | undefined {
  if (!mode || !ORIGINATING_TLS_MODES.has(mode)) return undefined;
  return mode === 'MUTUAL' ? 'mutual TLS originated' : 'TLS originated';
}

const shortHost = (host: string) => (host.endsWith('.svc.cluster.local') ? host.split('.')[0] : host);

const aliasNote = (alias: Resource | undefined) => (alias ? `ExternalName Service ${alias.name}` : undefined);

const joined = (...notes: (string | undefined)[]) => notes.filter((n): n is string => n !== undefined).join('; ');

/** The ServiceEntry or Service that defines `host`, where a gateway sends traffic on to another host than the one called: the exact one first. */
function hostDefiner(ctx: NavigationContext, host: string, namespace: string): Resource | undefined {
  const found = registryLookup(ctx.index, host, namespace, ctx.settings).flatMap((e) => (e.kind === 'assumed' ? [] : [e.resource]));
  return found.find((r) => hostsOf(r).includes(host)) ?? found[0];
}

/**
 * Whether Istio builds a cluster for a route's destination host, as the diagnostics judge it: a ServiceEntry
 * that declares exactly that host, or a Service, does (cluster.go builds one per registry service and port);
 * a wildcard ServiceEntry gives none to a concrete host under it (vs-wildcard-only-host), and a host nothing
 * defines has none (vs-unknown-host), unless it is a Service of a namespace the workspace does not describe,
 * or one every cluster has: then it simply lives elsewhere.
 */
type DestinationCluster = { kind: 'ServiceEntry' | 'Service'; resource: Resource } | { kind: 'elsewhere' } | { kind: 'none'; why: string };

function clusterOf(ctx: NavigationContext, host: string, namespace: string): DestinationCluster {
  const found = registryLookup(ctx.index, host, namespace, ctx.settings);
  for (const entry of found) {
    if (entry.kind === 'assumed') return { kind: 'elsewhere' };
    if (entry.kind === 'Service' || hostsOf(entry.resource).includes(host)) return { kind: entry.kind, resource: entry.resource };
  }
  if (found.length > 0) {
    const wildcards = found.flatMap((e) => (e.kind === 'ServiceEntry' ? [e.resource.name] : []));
    return { kind: 'none', why: `only the wildcard ServiceEntry ${wildcards.join(' and ')} covers it` };
  }
  const clusterNamespace = clusterLocalNamespace(host);
  if (clusterNamespace !== undefined && !describesNamespaceServices(ctx.index, clusterNamespace)) return { kind: 'elsewhere' };
  return { kind: 'none', why: `no ServiceEntry or Service visible from namespace "${namespace}" defines it` };
}

function render(namespace: string, hops: string[], broken?: string): string {
  return `${namespace} → ${hops.join(' → ')}${broken ? ` ✗ ${broken}` : ''}`;
}

/**
 * An ExternalName Service the client calls instead of the host it stands for: the path is that host's,
 * told from the alias. `registered` says whether the service registry defines the host; when it does
 * not, no route or DestinationRule of that host applies, and the outbound policy alone decides.
 */
interface CalledAs {
  service: Resource;
  host: string;
  registered: boolean;
}

/** At most this many endpoint addresses are named in a hop; the rest are counted. */
const MAX_ADDRESSES = 3;

function addressesText(endpoints: ServiceEndpoints): string {
  const shown = endpoints.addresses.slice(0, MAX_ADDRESSES).map((a) => `${a.includes(':') ? `[${a}]` : a}:${endpoints.port}`);
  const more = endpoints.addresses.length - MAX_ADDRESSES;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/**
 * The paths from `namespace` to `host` on `port` through one destination of the sidecar's route (one path, or one per destination
 * the egress gateway splits the traffic between), declared by `definer` (a ServiceEntry or a Kubernetes Service), maybe called as an alias. */
function pathVia(
  ctx: NavigationContext,
  definer: Resource,
  host: string,
  port: ServicePort,
  namespace: string,
  calledAs?: CalledAs,
  branch?: Branch,
  via?: string,
): EgressPath[] {
  const hops = ['sidecar'];
  const steps: PathStep[] = [{ kind: 'sidecar', name: namespace, port: port.number, protocol: port.protocol }];
  /** Set while following one of the destinations the egress gateway splits the traffic between (`host:port/subset`). */
  let forwardVia: string | undefined;
  // The hops and steps so far are copied into each path: an egress gateway that splits the traffic gives several from one start.
  const make = (broken?: string, at?: { resource: Resource; path: YamlPath }): EgressPath => {
    const madeHops = [...hops];
    const madeSteps = steps.map((s) => ({ ...s }));
    // The weight of a split is told on the link out of the sidecar.
    if (branch?.weight !== undefined && madeHops.length > 1) {
      const word = `weight ${branch.weight}`;
      madeHops[1] = madeHops[1].endsWith(')') ? madeHops[1].replace(' (', ` (${word}; `) : `${madeHops[1]} (${word})`;
      madeSteps[1].weight = branch.weight;
    }
    const followed = [via, forwardVia].filter((v): v is string => v !== undefined);
    const path: EgressPath = {
      ...(followed.length > 0 ? { via: followed.join(' → ') } : {}),
      host: calledAs?.host ?? host,
      port: port.number,
      namespace,
      hops: madeHops,
      ...(broken ? { broken } : {}),
      text: render(namespace, madeHops, broken),
      steps: madeSteps,
      definer: calledAs?.service ?? definer,
    };
    // Placed when read: a dropped syntax tree is parsed again for it, which the status bar's summary never needs.
    if (at) {
      let placed: EgressPath['brokenAt'] | null = null;
      Object.defineProperty(path, 'brokenAt', {
        enumerable: true,
        get: () => {
          if (placed === null) {
            const span = spanAtPath(at.resource.document.ast, at.path);
            placed = span && { uri: at.resource.uri, ...span };
          }
          return placed;
        },
      });
    }
    return path;
  };
  /**
   * The last hop, at the host (or what an alias stands for) on the port called, with the TLS originated on the way;
   * `written` replaces `name:port` in the text (the addresses of Endpoints).
   */
  const arrive = (last: Omit<PathStep, 'kind'>, words: string[], written?: string): EgressPath => {
    const all = calledAs ? [...words, aliasNote(calledAs.service)!] : words;
    hops.push(`${written ?? `${last.name}:${last.port}`}${all.length > 0 ? ` (${all.join('; ')})` : ''}`);
    steps.push({ kind: 'host', ...last, ...(calledAs ? { note: joined(last.note, aliasNote(calledAs.service)) } : {}) });
    return make();
  };
  const destination = branch?.to;
  if (destination && 'why' in destination) {
    const name = `${destination.route.kind} ${destination.route.name}`;
    hops.push(`${name} (${destination.why})`);
    steps.push({ kind: 'route', name, protocol: '', note: destination.why, resource: destination.route });
    return [make()];
  }
  const gateway = destination && egressGatewayAt(ctx, destination.host);
  if (destination && gateway) {
    const gwPort = destination.port ?? port.number;
    const tls = tlsTowards(ctx, destination.host, namespace, destination.subset, gwPort);
    const seen = gatewayForward(ctx, gateway, host, gwPort);
    const gwStep: PathStep = {
      kind: 'egress-gateway',
      name: destination.host,
      port: gwPort,
      protocol: seen.protocol,
      note: joined(destination.by, aliasNote(destination.alias)),
      ...(seen.resource ? { resource: seen.resource } : {}),
    };
    steps.push(gwStep);
    const gwName = shortHost(destination.host);
    if (tls.missingSubset) {
      hops.push(`${gwName}:${gwPort}`);
      gwStep.broken = `subset "${destination.subset}" is not defined for ${destination.host}`;
      return [make(gwStep.broken, { resource: destination.rule, path: destination.subsetAt ?? destination.at })];
    }
    const mode = tls.mode ?? (seen.passthrough ? 'TLS passthrough' : undefined);
    hops.push(`${gwName}:${gwPort}${mode ? ` (${mode})` : ''}`);
    if (mode) gwStep.tls = mode;
    if (seen.broken !== undefined || seen.forwards.length === 0) {
      steps.push({ kind: 'host', name: host, port: gwPort, protocol: '', broken: seen.broken });
      return [make(seen.broken, { resource: destination.rule, path: destination.at })];
    }
    // One path per destination the gateway sends to, each told apart by it when there are several.
    const [hopCount, stepCount] = [hops.length, steps.length];
    return seen.forwards.map((forward) => {
      hops.length = hopCount;
      steps.length = stepCount;
      forwardVia = seen.forwards.length > 1 ? forwardName(forward) : undefined;
      const note = originated(forward.mode);
      const definedBy = forward.host !== host ? hostDefiner(ctx, forward.host, namespace) : undefined;
      const tlsWords = note ? { tls: note } : mode === 'TLS passthrough' ? { tls: 'TLS from the application' } : {};
      const weight = forward.weight !== undefined ? `weight ${forward.weight}` : undefined;
      return arrive(
        {
          name: forward.host,
          port: forward.port,
          protocol: protocolAt(definedBy ?? definer, forward.port),
          ...tlsWords,
          note: joined(forward.by, aliasNote(forward.alias)),
          ...(forward.weight !== undefined ? { weight: forward.weight } : {}),
          ...(definedBy ? { resource: definedBy } : {}),
        },
        [weight, note, aliasNote(forward.alias)].filter((w): w is string => w !== undefined),
      );
    });
  }
  // A destination other than the host called, or what an alias stands for: the sidecar sends to that host's cluster, if Istio builds one.
  const elsewhere = destination && (destination.alias || (destination.host !== host && !hostSubsetOf(destination.host, host)));
  const cluster = elsewhere ? clusterOf(ctx, destination.host, namespace) : undefined;
  if (destination && cluster && cluster.kind !== 'ServiceEntry') {
    const noun = destination.rule.group === GATEWAY_API ? 'backend' : 'destination';
    if (cluster.kind === 'none') {
      // route.go GetDestinationCluster names `outbound|<port>||<host>` (an alias's concrete host) whether or not the
      // registry has the host, and CDS builds clusters for registry services only: the route's traffic has nowhere to go.
      const what = destination.alias ? `${destination.host} (ExternalName Service ${destination.alias.name})` : destination.host;
      const broken = `${destination.by} sends to ${what}, which has no cluster: ${cluster.why}`;
      steps.push({ kind: 'host', name: destination.host, port: destination.port ?? port.number, protocol: '', broken, resource: destination.rule });
      return [make(broken, { resource: destination.rule, path: destination.at })];
    }
    // A Service that is neither an egress gateway nor an alias, or one the workspace does not hold: where it leads is not known here.
    const why =
      cluster.kind === 'Service' ? `${noun} ${shortHost(destination.host)} is not an egress gateway` : `${noun} ${destination.host} is not in the workspace`;
    const routeNote = joined(why, aliasNote(destination.alias));
    hops.push(`${destination.by} (${routeNote})`);
    steps.push({ kind: 'route', name: destination.by, protocol: '', note: routeNote, resource: destination.rule });
    return [make()];
  }
  const onward = cluster?.kind === 'ServiceEntry' ? cluster.resource : undefined;
  // Direct from the sidecar, to the host or to what an ExternalName alias stands for.
  const rerouted = onward ? destination : undefined;
  const to = rerouted ? rerouted.host : host;
  const target = rerouted ? (rerouted.port ?? port.number) : (port.targetPort ?? port.number);
  const policy = outboundPolicy(ctx.index, ctx.settings, namespace);
  if (calledAs?.registered === false) {
    // The alias adds no listener or cluster of its own (cluster.go, listener.go skip model.Alias): the
    // sidecar passes the connection through to the address DNS gave, if the outbound policy lets it.
    if (policy.mode === 'REGISTRY_ONLY') {
      const broken = `REGISTRY_ONLY: no ServiceEntry defines ${host}, which ExternalName Service ${calledAs.service.name} stands for`;
      steps.push({ kind: 'host', name: host, port: port.number, protocol: port.protocol, broken, resource: calledAs.service });
      return [make(broken, { resource: calledAs.service, path: ['spec', 'externalName'] })];
    }
    return [arrive({ name: host, port: port.number, protocol: port.protocol, note: 'ALLOW_ANY', resource: calledAs.service }, ['ALLOW_ANY'])];
  }
  const tlsNote = originated(tlsTowards(ctx, to, namespace, destination?.subset, rerouted ? target : port.number).mode);
  const allowedBy = onward ?? definer;
  const policyNote = policy.mode === 'REGISTRY_ONLY' ? `REGISTRY_ONLY: allowed by ${allowedBy.kind} ${allowedBy.name}` : 'ALLOW_ANY';
  const routedBy = joined(destination?.by, aliasNote(destination?.alias)) || undefined;
  // A Service without a selector leads to the addresses its Endpoints list, which the sidecar balances over.
  const endpoints = to === host && definer.kind === 'Service' ? serviceEndpoints(ctx.index, definer, { ...port, name: port.name ?? '' }) : undefined;
  const endpointsNote = endpoints ? `${endpoints.resource.kind} ${endpoints.resource.name}` : undefined;
  const resource = destination?.alias ?? onward ?? endpoints?.resource;
  return [
    arrive(
      {
        name: endpoints ? endpoints.addresses.join(', ') : to,
        port: endpoints?.port ?? target,
        protocol: onward ? protocolAt(onward, target) || port.protocol : tlsNote ? protocolAt(definer, target) || port.protocol : port.protocol,
        ...(tlsNote ? { tls: tlsNote } : {}),
        note: joined(policyNote, routedBy, endpointsNote),
        ...(resource ? { resource } : {}),
      },
      [tlsNote, policyNote, routedBy, endpointsNote].filter((n): n is string => n !== undefined),
      endpoints && addressesText(endpoints),
    ),
  ];
}

/** The paths from `namespace` to `host` on `port`: one per destination the route sends to (one when there is no route). */
function pathsVia(ctx: NavigationContext, definer: Resource, host: string, port: ServicePort, namespace: string, calledAs?: CalledAs): EgressPath[] {
  const branches = calledAs?.registered === false ? [] : sidecarDestinations(ctx, definer, host, port, namespace);
  if (branches.length === 0) return pathVia(ctx, definer, host, port, namespace, calledAs);
  if (branches.length === 1) return pathVia(ctx, definer, host, port, namespace, calledAs, branches[0]);
  return branches.flatMap((b) => pathVia(ctx, definer, host, port, namespace, calledAs, b, branchName(b)));
}

/** How a destination is told apart from the route's others: `host:port/subset`, or the route and why it is not followed. */
function branchName(b: Branch): string {
  if ('why' in b.to) return `${b.to.route.kind} ${b.to.route.name}: ${b.to.why}`;
  return `${b.to.alias?.name ?? b.to.host}${b.to.port !== undefined ? `:${b.to.port}` : ''}${b.to.subset ? `/${b.to.subset}` : ''}`;
}

/**
 * The workspace as `viewer` sees it, when the index can say (the server's and the CLI's can): one
 * version of each object, the nearest to the viewer, and only its mesh, as the diagnostics see it.
 * A repository with alternative versions of a Gateway then gets each path from its own versions.
 */
function seenBy(ctx: NavigationContext, viewer: Resource): NavigationContext {
  const index = ctx.index as Partial<Pick<WorkspaceIndex, 'tracked'>>;
  return typeof index.tracked === 'function' ? { ...ctx, index: index.tracked(new Set(), viewer) } : ctx;
}

/** One line for a code lens: the host and port the client calls, then its path. */
export function pathTitle(p: EgressPath): string {
  return `${p.host}:${p.port}: ${p.text}`;
}

/**
 * The client namespaces a definer's paths start from: its own, and those of the Gateway API routes of
 * other namespaces attached to it (consumer routes steer their own namespace's clients) that see it.
 */
function clientNamespaces(ctx: NavigationContext, definer: Resource): { namespaces: string[]; attached: boolean } {
  const routes = GATEWAY_API_ROUTES.flatMap((kind) => ctx.index.ofKind(kind, GATEWAY_API)).filter((r) => attachesTo(r, definer));
  const consumers = routes.map((r) => r.namespace).filter((ns) => ns !== definer.namespace && isVisibleIn(ctx.index, definer, ns));
  return { namespaces: [...new Set([definer.namespace, ...consumers])], attached: routes.length > 0 };
}

/**
 * The egress paths a ServiceEntry opens, one per host and port, from the ServiceEntry's own
 * namespace and the namespaces of the consumer routes attached to it. Wildcard hosts get the path of
 * the wildcard itself (what a route for it does).
 */
export function serviceEntryPaths(se: Resource, ctx: NavigationContext): EgressPath[] {
  if (se.group !== ISTIO_NETWORKING || se.kind !== 'ServiceEntry') return [];
  ctx = seenBy(ctx, se);
  const out: EgressPath[] = [];
  for (const namespace of clientNamespaces(ctx, se).namespaces)
    for (const host of hostsOf(se)) for (const port of portsOf(se)) out.push(...pathsVia(ctx, se, host, port, namespace));
  return out;
}

/**
 * The paths of a Service that is no alias, from its namespace and from each namespace whose GAMMA route
 * attaches to it (a consumer route steers its own namespace's clients), kept where they leave the
 * cluster: to the addresses of its Endpoints, through an egress gateway, or to another host.
 */
function kubernetesServicePaths(ctx: NavigationContext, service: Resource): EgressPath[] {
  const { namespaces, attached } = clientNamespaces(ctx, service);
  if (!attached && !isSelectorless(service)) return [];
  const host = serviceHost(service.name, service.namespace);
  const out: EgressPath[] = [];
  for (const namespace of namespaces) {
    for (const port of portsOf(service)) {
      for (const path of pathsVia(ctx, service, host, port, namespace)) {
        const last = path.steps[path.steps.length - 1];
        if (path.steps.some((s) => s.kind === 'egress-gateway') || (last.kind === 'host' && last.name !== host)) out.push(path);
      }
    }
  }
  return out;
}

/**
 * The egress paths a Kubernetes Service opens when it stands for something outside the cluster, one
 * per port, from the Service's own namespace; none for other Services.
 * An ExternalName Service is an alias (serviceregistry/kube/conversion.go `ConvertService` gives it
 * resolution `model.Alias`): the sidecar matches it wherever it matches the host it stands for, so its
 * path is that host's, on the ports that host's ServiceEntry or Service declares (route.go, httproute.go
 * `generateVirtualHostDomains` add the alias to that host's domains). A host the registry does not
 * define gets no listener or cluster, and the outbound policy decides. A Service without a selector
 * leads to the addresses its Endpoints or EndpointSlices list, and a Service a Gateway API route attaches to
 * (GAMMA) goes where that route sends it.
 */
export function servicePaths(service: Resource, ctx: NavigationContext): EgressPath[] {
  if (service.group !== '' || service.kind !== 'Service' || !service.name) return [];
  ctx = seenBy(ctx, service);
  if (externalNameOf(service) === undefined) return kubernetesServicePaths(ctx, service);
  const host = serviceHost(service.name, service.namespace);
  const declared = portsOf(service);
  const steered = steeredAlias(ctx, service, host, declared);
  const target = aliasTarget(ctx.index, service);
  if (target === undefined) return steered.paths;
  // Only a definer of exactly that host takes the alias (push_context.go resolveServiceAliases keys aliases by host).
  const definer = hostDefiner(ctx, target, service.namespace);
  const concrete = definer && (definer.kind === 'Service' || hostsOf(definer).includes(target)) ? definer : undefined;
  // An alias of a Service inside the cluster is not egress, unless that Service leads outside through its Endpoints.
  if (concrete ? concrete.kind === 'Service' && !isSelectorless(concrete) : clusterLocalNamespace(target) !== undefined) return steered.paths;
  const concretePorts = concrete ? portsOf(concrete) : [];
  // Kubernetes needs no ports on an ExternalName Service and Istio ignores them; the host's own ports are the ones matched.
  const ports = (declared.length > 0 ? declared : concretePorts).filter((p) => !steered.ports.has(p.number));
  return steered.paths.concat(
    ports.flatMap((port) => {
      const matched = concretePorts.find((p) => p.number === port.number);
      return matched && concrete
        ? pathsVia(ctx, concrete, target, matched, service.namespace, { service, host, registered: true })
        : pathsVia(ctx, service, target, port, service.namespace, { service, host, registered: false });
    }),
  );
}

/**
 * The paths of an ExternalName Service's ports that an HTTP or GRPC route attaches to (GAMMA), from the
 * Service's namespace and those of consumer routes, and the ports so steered in the Service's own namespace.
 * The alias gets a virtual host of its own for such a route (route.go `BuildSidecarVirtualHostWrapper` keeps
 * aliases that a VirtualService names), so the route, not the alias, decides; it gets no listener
 * (listener.go `buildSidecarOutboundListener` skips `model.Alias`), so a TCP or TLS route changes nothing.
 */
function steeredAlias(ctx: NavigationContext, service: Resource, host: string, declared: ServicePort[]): { paths: EgressPath[]; ports: Set<number> } {
  const paths: EgressPath[] = [];
  const ports = new Set<number>();
  const { namespaces, attached } = clientNamespaces(ctx, service);
  if (!attached) return { paths, ports };
  for (const namespace of namespaces) {
    for (const port of declared) {
      const route = gatewayApiRouteFor(ctx, service, port, namespace);
      if (route?.kind !== 'HTTPRoute' && route?.kind !== 'GRPCRoute') continue;
      paths.push(...pathsVia(ctx, service, host, port, namespace));
      if (namespace === service.namespace) ports.add(port.number);
    }
  }
  return { paths, ports };
}

/** The egress paths of the hosts a VirtualService routes, through the ServiceEntries or Services that declare them, as its namespace sees them. */
export function virtualServicePaths(vs: Resource, ctx: NavigationContext): EgressPath[] {
  if (vs.group !== ISTIO_NETWORKING || vs.kind !== 'VirtualService') return [];
  ctx = seenBy(ctx, vs);
  const out: EgressPath[] = [];
  const seen = new Set<string>();
  for (const host of hostsOf(vs)) {
    // A wildcard host routes the concrete hosts it covers too; few VirtualServices have one, so the scan stays rare.
    const covered = isWildcard(host)
      ? ctx.index
          .ofKind('ServiceEntry', ISTIO_NETWORKING)
          .filter((se) => isVisibleIn(ctx.index, se, vs.namespace) && hostsOf(se).some((h) => !isWildcard(h) && hostSubsetOf(h, host)))
          .map((se) => ({ kind: 'ServiceEntry' as const, resource: se }))
      : [];
    for (const entry of [...registryLookup(ctx.index, host, vs.namespace, ctx.settings), ...covered]) {
      if (entry.kind === 'assumed') continue;
      const definer = entry.resource;
      const hosts =
        entry.kind === 'Service' ? [host] : hostsOf(definer).filter((h) => h === host || hostSubsetOf(h, host) || (isWildcard(h) && hostSubsetOf(host, h)));
      // Ports the VirtualService's mesh rules match count too: a client may call a port the Service does not list.
      const matched = [...routeDestinations(vs)].filter((d) => !d.mirror && ruleGateways(vs, d).includes(MESH_GATEWAY)).flatMap((d) => d.matchPorts);
      const declared = portsOf(definer);
      const ports = [...declared, ...matched.filter((n) => !declared.some((p) => p.number === n)).map((n) => ({ number: n, protocol: '' }))];
      for (const definedHost of hosts) {
        for (const port of ports) {
          const key = `${definedHost}:${port.number}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(...pathsVia(ctx, definer, definedHost, port, vs.namespace));
        }
      }
    }
  }
  return out;
}

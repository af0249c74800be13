/**
 * The egress path of an external host, in the user's words: from the client namespace through its
 * sidecar, maybe through the egress gateway, to the host and port, with the TLS mode of each hop
 * and, for direct traffic, what the outbound traffic policy says. A broken link is named, not
 * hidden. Every step asks mesh/, as the analyzers do. Istio VirtualServices, and Gateway API
 * routes attached to a ServiceEntry that lead to a Gateway API egress gateway and on by its route.
 */
import { GATEWAY_API, ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { hostMatches, isWildcard } from '../index/hosts';
import { egressGatewayRoutesTo, routeDestinations, ruleGateways, type RouteDestination } from '../mesh/routes';
import { gatewayServers, isPassthroughServer } from '../mesh/gateway-servers';
import { registryLookup } from '../mesh/registry';
import { hostsOf } from '../mesh/hosts';
import { isVisibleTo } from '../mesh/export-to';
import { outboundPolicy } from '../mesh/sidecar-scope';
import { effectiveDestinationRule } from '../mesh/destination-rules';
import { clientTls, ORIGINATING_TLS_MODES } from '../mesh/client-tls';
import { isRecord } from '../data';
import { gatewayBehindHost, gatewayPlacement, MESH_GATEWAY } from '../mesh/gateways';
import { spanAtPath } from '../parse/yaml-path';
import type { NavigationContext } from './references';

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
  /** The resource that defines this hop (the egress gateway's Gateway, the route), when the workspace has one. */
  resource?: Resource;
}

interface ServicePort {
  number: number;
  targetPort?: number;
  protocol: string;
}

/** The ports of a ServiceEntry (`number`, `targetPort`) or a Kubernetes Service (`port`; its `targetPort` is the pod's, not the destination's). */
function portsOf(r: Resource): ServicePort[] {
  const ports: unknown[] = Array.isArray(r.spec.ports) ? r.spec.ports : [];
  const protocol = (p: Record<string, unknown>) => (typeof p.protocol === 'string' ? p.protocol.toUpperCase() : '');
  if (r.kind === 'Service') return ports.filter(isRecord).flatMap((p) => (typeof p.port === 'number' ? [{ number: p.port, protocol: protocol(p) }] : []));
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

const GATEWAY_API_ROUTES = ['HTTPRoute', 'TLSRoute', 'TCPRoute', 'GRPCRoute'];

/** The port protocols each kind of Gateway API route carries: HTTP routes see requests, TLS routes see TLS by SNI, TCP routes anything. */
const ROUTE_PROTOCOLS: Record<string, (protocol: string) => boolean> = {
  HTTPRoute: (p) => ['', 'HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(p),
  GRPCRoute: (p) => ['', 'HTTP2', 'GRPC'].includes(p),
  TLSRoute: (p) => ['TLS', 'HTTPS'].includes(p),
  TCPRoute: () => true,
};

/**
 * A Gateway API route attached to a ServiceEntry (a `parentRef` of kind ServiceEntry, for every
 * port or the one it names) that carries the port's protocol: it, not a VirtualService, steers the mesh's traffic.
 */
function gatewayApiRouteFor(ctx: NavigationContext, se: Resource, port: ServicePort): Resource | undefined {
  if (se.kind !== 'ServiceEntry') return undefined;
  for (const kind of GATEWAY_API_ROUTES) {
    if (!ROUTE_PROTOCOLS[kind](port.protocol)) continue;
    for (const route of ctx.index.withTag(kind, `ns:${se.namespace}`)) {
      if (route.group !== GATEWAY_API) continue;
      const parents: unknown[] = Array.isArray(route.spec.parentRefs) ? route.spec.parentRefs : [];
      const attached = (p: unknown) =>
        isRecord(p) &&
        p.kind === 'ServiceEntry' &&
        p.name === se.name &&
        (p.namespace ?? route.namespace) === se.namespace &&
        (typeof p.port !== 'number' || p.port === port.number);
      if (parents.some(attached)) return route;
    }
  }
  return undefined;
}

/** The first backend of a Gateway API route's first rule: its kind (Service when unwritten), name, namespace and port. */
function firstBackend(route: Resource): { kind: string; name: string; namespace: string; port?: number } | undefined {
  const rules: unknown[] = Array.isArray(route.spec.rules) ? route.spec.rules : [];
  for (const rule of rules) {
    const refs: unknown[] = isRecord(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : [];
    const ref = refs.find((r) => isRecord(r) && typeof r.name === 'string');
    if (!isRecord(ref)) continue;
    return {
      kind: typeof ref.kind === 'string' ? ref.kind : 'Service',
      name: String(ref.name),
      namespace: typeof ref.namespace === 'string' ? ref.namespace : route.namespace,
      ...(typeof ref.port === 'number' ? { port: ref.port } : {}),
    };
  }
  return undefined;
}

/**
 * The Gateway API Gateway whose deployed Service is `service` in `namespace`: Istio's gateway
 * controller names it `<gateway>-<gatewayClassName>` (pilot/pkg/config/kube/gateway/deploymentcontroller.go).
 */
function gatewayApiGatewayOf(ctx: NavigationContext, service: string, namespace: string): Resource | undefined {
  return ctx.index
    .withTag('Gateway', `ns:${namespace}`)
    .find((g) => g.group === GATEWAY_API && typeof g.spec.gatewayClassName === 'string' && `${g.name}-${g.spec.gatewayClassName}` === service);
}

/** A Gateway API route attached to `gateway` whose hostnames (none: every host) admit `host`: where the gateway sends it. */
function gatewayApiForward(ctx: NavigationContext, gateway: Resource, host: string): Resource | undefined {
  for (const kind of GATEWAY_API_ROUTES) {
    for (const route of ctx.index.withTag(kind, `ns:${gateway.namespace}`)) {
      if (route.group !== GATEWAY_API) continue;
      const parents: unknown[] = Array.isArray(route.spec.parentRefs) ? route.spec.parentRefs : [];
      const attached = parents.some(
        (p) => isRecord(p) && p.name === gateway.name && (p.kind ?? 'Gateway') === 'Gateway' && (p.namespace ?? route.namespace) === gateway.namespace,
      );
      const hostnames: unknown[] = Array.isArray(route.spec.hostnames) ? route.spec.hostnames : [];
      if (attached && (hostnames.length === 0 || hostnames.some((h) => typeof h === 'string' && (h === host || hostMatches(h, host))))) return route;
    }
  }
  return undefined;
}

/** The first route of a mesh rule (not a mirror) of the VirtualServices visible from `namespace` that applies to `host` on `port`. */
function meshRoute(ctx: NavigationContext, host: string, port: number, namespace: string): { vs: Resource; route: RouteDestination } | undefined {
  const services = ctx.index.matchingHost('VirtualService', host).filter((vs) => vs.group === ISTIO_NETWORKING && isVisibleTo(vs, namespace));
  for (const vs of services) {
    for (const route of routeDestinations(vs)) {
      if (route.mirror || !ruleGateways(vs, route).includes(MESH_GATEWAY)) continue;
      if (route.matchPorts.length > 0 && !route.matchPorts.includes(port)) continue;
      return { vs, route };
    }
  }
  return undefined;
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

function render(namespace: string, hops: string[], broken?: string): string {
  return `${namespace} → ${hops.join(' → ')}${broken ? ` ✗ ${broken}` : ''}`;
}

/** The path from `namespace` to `host` on `port`, declared by `definer` (a ServiceEntry or a Kubernetes Service). */
function pathVia(ctx: NavigationContext, definer: Resource, host: string, port: ServicePort, namespace: string): EgressPath {
  const hops = ['sidecar'];
  const steps: PathStep[] = [{ kind: 'sidecar', name: namespace, port: port.number, protocol: port.protocol }];
  const make = (broken?: string, at?: { vs: Resource; path: (string | number)[] }): EgressPath => {
    const span = at && spanAtPath(at.vs.document.ast, at.path);
    return {
      host,
      port: port.number,
      namespace,
      hops,
      ...(broken ? { broken } : {}),
      ...(span && at ? { brokenAt: { uri: at.vs.uri, ...span } } : {}),
      text: render(namespace, hops, broken),
      steps,
      definer,
    };
  };
  const attached = gatewayApiRouteFor(ctx, definer, port);
  const backend = attached && firstBackend(attached);
  const gateway = backend && backend.kind === 'Service' ? gatewayApiGatewayOf(ctx, backend.name, backend.namespace) : undefined;
  if (attached && backend && gateway) {
    // The route sends the mesh's traffic to a Gateway API egress gateway, which forwards it by its own route.
    const routeNote = `${attached.kind} ${attached.name}`;
    const gwHost = `${backend.name}.${backend.namespace}.svc.cluster.local`;
    const gwPort = backend.port ?? port.number;
    const listeners: unknown[] = Array.isArray(gateway.spec.listeners) ? gateway.spec.listeners : [];
    const listener = listeners.find((l) => isRecord(l) && l.port === gwPort) as Record<string, any> | undefined;
    const mode = tlsTowards(ctx, gwHost, namespace, undefined, gwPort).mode ?? (listener?.tls?.mode === 'Passthrough' ? 'TLS passthrough' : undefined);
    const gwStep: PathStep = {
      kind: 'egress-gateway',
      name: gwHost,
      port: gwPort,
      protocol: typeof listener?.protocol === 'string' ? listener.protocol.toUpperCase() : '',
      ...(mode ? { tls: mode } : {}),
      note: routeNote,
      resource: gateway,
    };
    steps.push(gwStep);
    hops.push(`${backend.name}:${gwPort}${mode ? ` (${mode})` : ''}`);
    const forward = listener ? gatewayApiForward(ctx, gateway, host) : undefined;
    const target = forward && firstBackend(forward);
    if (!listener || !forward || !target) {
      const broken = !listener ? `Gateway ${gateway.name} has no listener on port ${gwPort}` : `no route at Gateway ${gateway.name} for ${host}:${gwPort}`;
      steps.push({ kind: 'host', name: host, port: gwPort, protocol: '', broken });
      return make(broken, { vs: attached, path: ['spec', 'parentRefs'] });
    }
    const finalPort = target.port ?? gwPort;
    const note = originated(tlsTowards(ctx, host, gateway.namespace, undefined, finalPort).mode);
    hops.push(`${host}:${finalPort}${note ? ` (${note})` : ''}`);
    steps.push({
      kind: 'host',
      name: host,
      port: finalPort,
      protocol: protocolAt(definer, finalPort),
      ...(note ? { tls: note } : mode === 'TLS passthrough' ? { tls: 'TLS from the application' } : {}),
      note: `${forward.kind} ${forward.name}`,
    });
    return make();
  }
  if (attached && !(backend && backend.kind !== 'Service')) {
    // A backend that is a Service but no Gateway's: where it leads is not known here.
    const why = backend ? `backend ${backend.name} is not a Gateway's Service` : 'no backend';
    hops.push(`${attached.kind} ${attached.name} (${why})`);
    steps.push({ kind: 'route', name: `${attached.kind} ${attached.name}`, protocol: '', note: why, resource: attached });
    return make();
  }
  const mesh = meshRoute(ctx, host, port.number, namespace);
  const through = mesh && gatewayBehindHost(ctx.index, ctx.settings, mesh.route.host);
  if (mesh && through) {
    const gwPort = mesh.route.port ?? port.number;
    const tls = tlsTowards(ctx, mesh.route.host, namespace, mesh.route.subset, gwPort);
    const gwName = shortHost(mesh.route.host);
    const forward = egressGatewayRoutesTo(ctx.index, ctx.settings, host, through).find(
      (r) => r.route.matchPorts.length === 0 || r.route.matchPorts.includes(gwPort),
    );
    const server = forward ? gatewayServers(forward.gateway).find((s) => s.port === gwPort) : undefined;
    const gwStep: PathStep = {
      kind: 'egress-gateway',
      name: mesh.route.host,
      port: gwPort,
      protocol: server?.protocol ?? '',
      note: `VirtualService ${mesh.vs.name}`,
      ...(forward ? { resource: forward.gateway } : {}),
    };
    steps.push(gwStep);
    if (tls.missingSubset) {
      hops.push(`${gwName}:${gwPort}`);
      gwStep.broken = `subset "${mesh.route.subset}" is not defined for ${mesh.route.host}`;
      return make(gwStep.broken, { vs: mesh.vs, path: [...mesh.route.path, 'subset'] });
    }
    const mode = tls.mode ?? (server && isPassthroughServer(server) ? 'TLS passthrough' : undefined);
    hops.push(`${gwName}:${gwPort}${mode ? ` (${mode})` : ''}`);
    if (mode) gwStep.tls = mode;
    if (!forward) {
      const broken = `no route at the egress gateway for ${host}:${gwPort}`;
      steps.push({ kind: 'host', name: host, port: gwPort, protocol: '', broken });
      return make(broken, { vs: mesh.vs, path: [...mesh.route.path, 'host'] });
    }
    const finalPort = forward.route.port ?? gwPort;
    // The gateway proxy looks the DestinationRule up from the namespace its pods run in.
    const [gatewayNamespace] = gatewayPlacement(ctx.index, ctx.settings, forward.gateway).namespaces;
    const gatewayTls = tlsTowards(ctx, host, gatewayNamespace, forward.route.subset, finalPort);
    const note = originated(gatewayTls.mode);
    hops.push(`${host}:${finalPort}${note ? ` (${note})` : ''}`);
    steps.push({
      kind: 'host',
      name: host,
      port: finalPort,
      protocol: protocolAt(definer, finalPort),
      ...(note ? { tls: note } : mode === 'TLS passthrough' ? { tls: 'TLS from the application' } : {}),
      note: `VirtualService ${forward.vs.name}`,
    });
    return make();
  }
  const target = port.targetPort ?? port.number;
  const sidecarTls = tlsTowards(ctx, host, namespace, mesh?.route.subset, port.number);
  const tlsNote = originated(sidecarTls.mode);
  const policy = outboundPolicy(ctx.index, ctx.settings, namespace);
  const policyNote = policy.mode === 'REGISTRY_ONLY' ? `REGISTRY_ONLY: allowed by ${definer.kind} ${definer.name}` : 'ALLOW_ANY';
  const routedBy = attached ? `${attached.kind} ${attached.name}` : mesh ? `VirtualService ${mesh.vs.name}` : undefined;
  const notes = [tlsNote, policyNote, routedBy].filter((n): n is string => n !== undefined);
  hops.push(`${host}:${target} (${notes.join('; ')})`);
  steps.push({
    kind: 'host',
    name: host,
    port: target,
    protocol: tlsNote ? protocolAt(definer, target) || port.protocol : port.protocol,
    ...(tlsNote ? { tls: tlsNote } : {}),
    note: [policyNote, routedBy].filter((n) => n !== undefined).join('; '),
  });
  return make();
}

/** One line for a code lens: the host and port the client calls, then its path. */
export function pathTitle(p: EgressPath): string {
  return `${p.host}:${p.port}: ${p.text}`;
}

/**
 * The egress paths a ServiceEntry opens, one per host and port, from the ServiceEntry's own
 * namespace. Wildcard hosts get the path of the wildcard itself (what a route for it does).
 */
export function serviceEntryPaths(se: Resource, ctx: NavigationContext): EgressPath[] {
  if (se.group !== ISTIO_NETWORKING || se.kind !== 'ServiceEntry') return [];
  const out: EgressPath[] = [];
  for (const host of hostsOf(se)) for (const port of portsOf(se)) out.push(pathVia(ctx, se, host, port, se.namespace));
  return out;
}

/** The egress paths of the hosts a VirtualService routes, through the ServiceEntries or Services that declare them, as its namespace sees them. */
export function virtualServicePaths(vs: Resource, ctx: NavigationContext): EgressPath[] {
  if (vs.group !== ISTIO_NETWORKING || vs.kind !== 'VirtualService') return [];
  const out: EgressPath[] = [];
  const seen = new Set<string>();
  for (const host of hostsOf(vs)) {
    // A wildcard host routes the concrete hosts it covers too; few VirtualServices have one, so the scan stays rare.
    const covered = isWildcard(host)
      ? ctx.index
          .ofKind('ServiceEntry', ISTIO_NETWORKING)
          .filter((se) => isVisibleTo(se, vs.namespace) && hostsOf(se).some((h) => !isWildcard(h) && hostMatches(host, h)))
          .map((se) => ({ kind: 'ServiceEntry' as const, resource: se }))
      : [];
    for (const entry of [...registryLookup(ctx.index, host, vs.namespace, ctx.settings), ...covered]) {
      if (entry.kind === 'assumed') continue;
      const definer = entry.resource;
      const hosts =
        entry.kind === 'Service' ? [host] : hostsOf(definer).filter((h) => h === host || hostMatches(host, h) || (isWildcard(h) && hostMatches(h, host)));
      // Ports the VirtualService's mesh rules match count too: a client may call a port the Service does not list.
      const matched = [...routeDestinations(vs)].filter((d) => !d.mirror && ruleGateways(vs, d).includes(MESH_GATEWAY)).flatMap((d) => d.matchPorts);
      const declared = portsOf(definer);
      const ports = [...declared, ...matched.filter((n) => !declared.some((p) => p.number === n)).map((n) => ({ number: n, protocol: '' }))];
      for (const definedHost of hosts) {
        for (const port of ports) {
          const key = `${definedHost}:${port.number}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(pathVia(ctx, definer, definedHost, port, vs.namespace));
        }
      }
    }
  }
  return out;
}

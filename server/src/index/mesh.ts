/**
 * Istio's rules for how resources find each other, over an IndexReader: gateway references,
 * exportTo visibility, service registry lookups (ServiceEntry and Kubernetes Service), route
 * destinations, workload selectors, and the effective outbound traffic policy per namespace.
 * Analyzers share these so that they agree with each other. Which DestinationRule a proxy uses is
 * decided in mesh/destination-rules.ts.
 */
import type { IndexReader } from './workspace-index';
import { ISTIO_NETWORKING, GATEWAY_API, type Resource } from '../parse/resource';
import type { OutboundMode } from '../parse/mesh-config';
import { effectiveDestinationRule } from '../mesh/destination-rules';
import { hostAsIstioNamesIt } from '../mesh/hosts';
import { DEFAULT_ROOT_NAMESPACE } from '../mesh/root-namespace';
import { resolveHost, hostMatches, isWildcard, CLUSTER_DOMAIN } from './hosts';
import type { Settings } from '../settings';
import type { YamlPath } from '../parse/yaml-path';
import { isRecord } from '../data';
import {
  egressGatewayNamespace,
  gatewayBehindHost,
  gatewayPlacement,
  gatewaySelector,
  gatewaySelects,
  resolveGatewayName,
  type EgressGateway,
} from '../mesh/gateways';

/** The reserved gateway name for the sidecars of the mesh. */
export const MESH_GATEWAY = 'mesh';

/** Hosts every cluster has, even when the workspace does not define them. */
const ASSUMED_HOSTS = new Set([`kube-dns.kube-system.${CLUSTER_DOMAIN}`, `kubernetes.default.${CLUSTER_DOMAIN}`, `istiod.istio-system.${CLUSTER_DOMAIN}`]);

export interface GatewayRef {
  namespace: string;
  name: string;
  /** True when the reference named its namespace (`ns/name`). */
  qualified: boolean;
  /** True when the namespace is the referring resource's and its file does not write it (kubectl -n or a kustomization decides). */
  namespaceAssumed?: boolean;
}

/**
 * A gateway reference as written in a VirtualService in `namespace`; undefined for `mesh`.
 * Follows Istio's resolveGatewayName: `ns/name`, `./name` (the VirtualService's namespace), a short
 * `name` (same namespace), and the legacy dotted forms `name.ns` and `name.ns.svc.cluster.local`,
 * whose second label is the namespace. `namespaceWritten` is false when the VirtualService's namespace
 * was not written in its file, so a short reference's namespace is assumed, not known.
 */
export function parseGatewayRef(ref: string, namespace: string, namespaceWritten = true): GatewayRef | undefined {
  if (ref === MESH_GATEWAY) return undefined;
  const resolved = resolveGatewayName(ref, namespace);
  if (ref.includes('/') || ref.includes('.')) return { ...resolved, qualified: true };
  return { ...resolved, qualified: false, ...(namespaceWritten ? {} : { namespaceAssumed: true }) };
}

/** Where the Gateway's name sits in a reference as written: the text a rename replaces. */
export function gatewayRefNameSpan(ref: string): { start: number; end: number } {
  const slash = ref.indexOf('/');
  if (slash >= 0) return { start: slash + 1, end: ref.length };
  const dot = ref.indexOf('.');
  return { start: 0, end: dot < 0 ? ref.length : dot };
}

/** Every gateway reference of a VirtualService (`spec.gateways` and each match's `gateways`), with its YAML path. */
export function* gatewayReferences(vs: Resource): Generator<{ ref: string; path: YamlPath }> {
  const top = vs.spec.gateways;
  if (Array.isArray(top)) for (let i = 0; i < top.length; i++) if (typeof top[i] === 'string') yield { ref: top[i], path: ['spec', 'gateways', i] };
  for (const protocol of ['http', 'tls', 'tcp']) {
    const rules = vs.spec[protocol];
    if (!Array.isArray(rules)) continue;
    for (let i = 0; i < rules.length; i++) {
      const matches = isRecord(rules[i]) && Array.isArray(rules[i].match) ? rules[i].match : [];
      for (let j = 0; j < matches.length; j++) {
        const gateways = isRecord(matches[j]) && Array.isArray(matches[j].gateways) ? matches[j].gateways : [];
        for (let k = 0; k < gateways.length; k++) {
          if (typeof gateways[k] === 'string') yield { ref: gateways[k], path: ['spec', protocol, i, 'match', j, 'gateways', k] };
        }
      }
    }
  }
}

export function findGateway(index: IndexReader, ref: GatewayRef): Resource[] {
  return index.find(ISTIO_NETWORKING, 'Gateway', ref.namespace, ref.name);
}

/** The gateways a VirtualService applies to: `spec.gateways`, or the mesh when none is listed. */
export function boundGateways(vs: Resource): string[] {
  const g = vs.spec.gateways;
  return Array.isArray(g) && g.length > 0 ? g.filter((x): x is string => typeof x === 'string') : [MESH_GATEWAY];
}

/** `exportTo` of a resource; a Kubernetes Service's comes from its `networking.istio.io/exportTo` annotation. */
export function exportTo(r: Resource): string[] {
  if (r.kind === 'Service' && r.group === '') {
    const a = r.annotations['networking.istio.io/exportTo'];
    return a
      ? a
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : ['*'];
  }
  const e = r.spec.exportTo;
  return Array.isArray(e) && e.length > 0 ? e.map(String) : ['*'];
}

/** Whether a resource is visible to workloads (or config) in `namespace`. */
export function isVisibleTo(r: Resource, namespace: string): boolean {
  for (const e of exportTo(r)) {
    if (e === '*' || e === namespace || (e === '.' && r.namespace === namespace)) return true;
  }
  return false;
}

/** ServiceEntries that define `host` (exactly, or through a wildcard), visible from `namespace`. */
export function serviceEntriesFor(index: IndexReader, host: string, namespace: string): Resource[] {
  return index.matchingHost('ServiceEntry', host).filter((se) => se.group === ISTIO_NETWORKING && isVisibleTo(se, namespace));
}

/** Kubernetes Services whose FQDN is `host`, visible from `namespace`. */
export function servicesFor(index: IndexReader, host: string, namespace: string): Resource[] {
  return index.withHost('Service', host).filter((s) => isVisibleTo(s, namespace));
}

/**
 * Whether `host` is an egress gateway's Service: the settings' egress gateway, or, given the index,
 * a Service of the workspace whose pods an Istio Gateway selects (`gatewayBehindHost`).
 */
export function isEgressGatewayHost(host: string, settings: Settings, index?: IndexReader): boolean {
  return host === settings.egressGateway.host.toLowerCase() || (index !== undefined && gatewayBehindHost(index, settings, host) !== undefined);
}

/** Hosts that exist in every cluster or by the user's settings: kube-dns, istiod, the egress gateway. */
export function isAssumedHost(host: string, settings: Settings): boolean {
  return ASSUMED_HOSTS.has(host) || isEgressGatewayHost(host, settings);
}

export type RegistryEntry = { kind: 'ServiceEntry' | 'Service'; resource: Resource } | { kind: 'assumed' };

/** What the service registry knows of `host`, as seen from `namespace`; empty when nothing does. */
export function registryLookup(index: IndexReader, host: string, namespace: string, settings: Settings): RegistryEntry[] {
  const out: RegistryEntry[] = [];
  for (const se of serviceEntriesFor(index, host, namespace)) out.push({ kind: 'ServiceEntry', resource: se });
  for (const s of servicesFor(index, host, namespace)) out.push({ kind: 'Service', resource: s });
  if (out.length === 0 && (isAssumedHost(host, settings) || kubernetesGatewayForService(index, host).length > 0)) out.push({ kind: 'assumed' });
  return out;
}

/** The namespace of a cluster-local host `<name>.<namespace>.svc.cluster.local`; undefined for other hosts. */
export function clusterLocalNamespace(host: string): string | undefined {
  return /^[^.*]+\.([^.]+)\.svc\.cluster\.local$/.exec(host)?.[1];
}

/**
 * The Kubernetes Gateway API Gateway behind `host` when it is the Service Istio deploys for one
 * (`<name>-istio.<namespace>.svc.cluster.local`): that Service exists in the cluster, not in the workspace.
 */
export function kubernetesGatewayForService(index: IndexReader, host: string): Resource[] {
  const m = /^([^.]+)-istio\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  return m ? index.find(GATEWAY_API, 'Gateway', m[2], m[1]) : [];
}

/**
 * Whether the workspace describes the Services of `namespace`: it declares a Kubernetes Service
 * there, or a ServiceEntry for a host there. When it does not, the Services of that namespace live
 * elsewhere (another repository, a Helm chart), and a missing one proves nothing.
 *  */
export function describesNamespaceServices(index: IndexReader, namespace: string): boolean {
  return (
    index.withTag('Service', `ns:${namespace}`).length > 0 ||
    index.withTag('ServiceEntry', `cluster-ns:${namespace}`).some((se) => se.group === ISTIO_NETWORKING)
  );
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
      const base = { protocol, ruleIndex: i, rule, matchGateways, matchPorts };
      const routes = Array.isArray(rule.route) ? rule.route : [];
      for (let j = 0; j < routes.length; j++) {
        const d = isRecord(routes[j]) ? routes[j].destination : undefined;
        if (isRecord(d) && typeof d.host === 'string')
          yield { ...base, path: ['spec', protocol, i, 'route', j, 'destination'], ...destinationFields(d, vs.namespace), mirror: false };
      }
      if (protocol === 'http') {
        if (isRecord(rule.mirror) && typeof rule.mirror.host === 'string')
          yield { ...base, path: ['spec', 'http', i, 'mirror'], ...destinationFields(rule.mirror, vs.namespace), mirror: true };
        const mirrors = Array.isArray(rule.mirrors) ? rule.mirrors : [];
        for (let j = 0; j < mirrors.length; j++) {
          const d = isRecord(mirrors[j]) ? mirrors[j].destination : undefined;
          if (isRecord(d) && typeof d.host === 'string')
            yield { ...base, path: ['spec', 'http', i, 'mirrors', j, 'destination'], ...destinationFields(d, vs.namespace), mirror: true };
        }
      }
    }
  }
}

function destinationFields(d: Record<string, any>, namespace: string) {
  const port = isRecord(d.port) && typeof d.port.number === 'number' ? d.port.number : undefined;
  return { destination: d, host: resolveHost(String(d.host), namespace), port, subset: typeof d.subset === 'string' ? d.subset : undefined };
}

/**
 * The gateways a rule applies to: its matches' gateways that the VirtualService is also bound to, or
 * all of the VirtualService's. Istio gives a VirtualService only to the gateways of `spec.gateways`
 * (push_context.go `getGatewayNames`), so a match naming another gateway runs nowhere.
 */
export function ruleGateways(vs: Resource, d: Pick<RouteDestination, 'matchGateways'>): string[] {
  const bound = boundGateways(vs);
  if (d.matchGateways.length === 0) return bound;
  const key = (ref: string) => {
    const g = parseGatewayRef(ref, vs.namespace);
    return g ? `${g.namespace}/${g.name}` : MESH_GATEWAY;
  };
  const boundKeys = new Set(bound.map(key));
  return d.matchGateways.filter((ref) => boundKeys.has(key(ref)));
}

/** Whether labels satisfy a selector (every selector label present with the same value). */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The kinds whose pods a workload selector can pick. */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'WorkloadEntry'];

/** The pod labels of a workload resource (a Pod's own, a controller's pod template's). */
export function podLabels(r: Resource): Record<string, string> {
  if (r.kind === 'Pod' || r.kind === 'WorkloadEntry')
    return r.kind === 'WorkloadEntry' && isRecord(r.spec.labels) ? (r.spec.labels as Record<string, string>) : r.labels;
  const t = r.spec.template;
  return isRecord(t) && isRecord(t.metadata) && isRecord(t.metadata.labels) ? (t.metadata.labels as Record<string, string>) : {};
}

/** Workloads in the workspace, of any kind that carries pod labels. */
export function workloads(index: IndexReader): Resource[] {
  return WORKLOAD_KINDS.flatMap((k) => index.ofKind(k));
}

/** Workloads in one namespace. */
export function workloadsIn(index: IndexReader, namespace: string): Resource[] {
  return WORKLOAD_KINDS.flatMap((k) => index.withTag(k, `ns:${namespace}`));
}

/** Workloads whose pod labels satisfy a non-empty selector, found through the first label. */
export function workloadsMatching(index: IndexReader, selector: Record<string, string>): Resource[] {
  const [first] = Object.entries(selector);
  if (!first) return workloads(index);
  return WORKLOAD_KINDS.flatMap((k) => index.withTag(k, `label:${first[0]}=${first[1]}`)).filter((w) => labelsMatch(selector, podLabels(w)));
}

export interface EffectivePolicy {
  mode: OutboundMode;
  /** Where the mode comes from: a Sidecar in the namespace, the mesh config, or the user's setting. */
  origin: 'sidecar' | 'mesh-config' | 'setting';
  source?: Resource;
}

/** Hosts of a ServiceEntry (as written) or VirtualService (short names qualified in its namespace). */
export function hostsOf(r: Resource): string[] {
  const raw = Array.isArray(r.spec.hosts) ? r.spec.hosts : [];
  return raw.filter((h): h is string => typeof h === 'string').map((h) => hostAsIstioNamesIt(r.kind, h, r.namespace));
}

/** Whether a gateway server hosts entry (namespace/host, any-namespace, dot for the gateway namespace, wildcards) admits a VirtualService host. */
export function serverHostAdmits(entry: string, host: string, vsNamespace: string, gatewayNamespace: string): boolean {
  const slash = entry.indexOf('/');
  let ns = '*';
  let h = entry;
  if (slash >= 0) {
    ns = entry.slice(0, slash);
    h = entry.slice(slash + 1);
  }
  if (ns === '.') ns = gatewayNamespace;
  if (ns !== '*' && ns !== vsNamespace) return false;
  const pattern = h.toLowerCase();
  return hostMatches(pattern, host) || (isWildcard(host) && hostMatches(host, pattern));
}

/** Gateway server protocols whose listener speaks plain HTTP (routes come from `http` rules). */
export const HTTP_PROTOCOLS: ReadonlySet<string> = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);
/** Server and ServiceEntry port protocols that carry TLS. */
export const TLS_PROTOCOLS: ReadonlySet<string> = new Set(['HTTPS', 'TLS']);

/** One server of an Istio Gateway, read defensively. */
export interface GatewayServer {
  index: number;
  port?: number;
  /** Upper-case; '' when missing. */
  protocol: string;
  /** Upper-case `tls.mode`; PASSTHROUGH (Istio's default) when a `tls` block omits it; undefined without a `tls` block. */
  tlsMode?: string;
  /** True when `tls.mode` is written. */
  tlsModeExplicit: boolean;
  httpsRedirect: boolean;
  hosts: string[];
}

export function gatewayServers(gw: Resource): GatewayServer[] {
  const servers = Array.isArray(gw.spec.servers) ? gw.spec.servers : [];
  const out: GatewayServer[] = [];
  servers.forEach((s: unknown, index: number) => {
    if (!isRecord(s)) return;
    const port = isRecord(s.port) && typeof s.port.number === 'number' ? s.port.number : undefined;
    const protocol = isRecord(s.port) && typeof s.port.protocol === 'string' ? s.port.protocol.toUpperCase() : '';
    const tls = isRecord(s.tls) ? s.tls : undefined;
    const tlsModeExplicit = typeof tls?.mode === 'string';
    const tlsMode = tls ? (tlsModeExplicit ? String(tls.mode).toUpperCase() : 'PASSTHROUGH') : undefined;
    const hosts = Array.isArray(s.hosts) ? s.hosts.filter((h): h is string => typeof h === 'string') : [];
    out.push({ index, port, protocol, tlsMode, tlsModeExplicit, httpsRedirect: tls?.httpsRedirect === true, hosts });
  });
  return out;
}

/** Whether a Gateway server passes TLS through unopened (a TLS or HTTPS server in PASSTHROUGH or AUTO_PASSTHROUGH mode). */
export function isPassthroughServer(s: GatewayServer): boolean {
  return TLS_PROTOCOLS.has(s.protocol) && (s.tlsMode === 'PASSTHROUGH' || s.tlsMode === 'AUTO_PASSTHROUGH');
}

/** Whether an Istio Gateway's selector picks the egress gateway's pods (`egressGateway.selector` in the settings). An empty selector does not count. */
export function selectsEgressGateway(gw: Resource, settings: Settings): boolean {
  const selector = gatewaySelector(gw);
  return Object.keys(selector).length > 0 && labelsMatch(selector, settings.egressGateway.selector);
}

/** A gateway reference of a VirtualService resolved to the Istio Gateway the workspace defines for it. */
export interface ResolvedGateway {
  /** The reference as written. */
  ref: string;
  gateway: Resource;
}

/** The Istio Gateways that gateway references (as written in `vs`) name, skipping `mesh` and references the workspace cannot resolve. */
export function resolveGatewayRefs(index: IndexReader, vs: Resource, refs: readonly string[]): ResolvedGateway[] {
  const out: ResolvedGateway[] = [];
  for (const ref of refs) {
    const parsed = parseGatewayRef(ref, vs.namespace, vs.namespaceExplicit);
    if (!parsed) continue;
    const gateway = findGateway(index, parsed).find((g) => g.group === ISTIO_NETWORKING);
    if (gateway) out.push({ ref, gateway });
  }
  return out;
}

/**
 * The Gateways a VirtualService's gateway-side rules run on, for a mesh route that sends traffic to
 * the egress gateway at `host` (the settings' when omitted): the bound Istio Gateways that select
 * that gateway's pods, or every bound Istio Gateway when none of them does.
 */
export function egressGatewaysOf(index: IndexReader, vs: Resource, settings: Settings, host?: string): ResolvedGateway[] {
  const bound = resolveGatewayRefs(index, vs, boundGateways(vs));
  const gateway = host === undefined ? undefined : gatewayBehindHost(index, settings, host);
  const selects = (gw: Resource) => (gateway?.origin === 'workspace' ? gatewaySelects(gw, gateway) : selectsEgressGateway(gw, settings));
  const egress = bound.filter((b) => selects(b.gateway));
  return egress.length > 0 ? egress : bound;
}

/** Client TLS modes in which the proxy itself originates TLS toward the destination. */
export const ORIGINATING_TLS_MODES: ReadonlySet<string> = new Set(['SIMPLE', 'MUTUAL']);

/** One `tls` block as written in a DestinationRule: top level, per port, in a subset, or per port in a subset. */
export interface TlsBlock {
  tls: Record<string, any>;
  /** Path of the `tls` map. */
  path: YamlPath;
  /** Upper-case `tls.mode`; '' when missing. */
  mode: string;
  /** The port of a `portLevelSettings` entry; undefined for a block that covers every port. */
  port?: number;
  /** The subset whose `trafficPolicy` holds the block. */
  subset?: string;
  /** For a block covering every port: the ports whose own port-level `tls` in the same policy replaces it. */
  overriddenPorts: number[];
}

/** Every `tls` block of a DestinationRule, each with the ports it governs. */
export function tlsBlocks(dr: Resource): TlsBlock[] {
  const out: TlsBlock[] = [];
  const modeOf = (tls: Record<string, any>) => (typeof tls.mode === 'string' ? tls.mode.toUpperCase() : '');
  const visit = (policy: unknown, base: YamlPath, subset: string | undefined) => {
    if (!isRecord(policy)) return;
    const pls = Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [];
    const overriddenPorts: number[] = [];
    pls.forEach((p: unknown, i: number) => {
      if (!isRecord(p) || !isRecord(p.tls)) return;
      const port = isRecord(p.port) && typeof p.port.number === 'number' ? p.port.number : undefined;
      if (port !== undefined) overriddenPorts.push(port);
      out.push({ tls: p.tls, path: [...base, 'portLevelSettings', i, 'tls'], mode: modeOf(p.tls), port, subset, overriddenPorts: [] });
    });
    if (isRecord(policy.tls)) out.push({ tls: policy.tls, path: [...base, 'tls'], mode: modeOf(policy.tls), subset, overriddenPorts });
  };
  visit(dr.spec.trafficPolicy, ['spec', 'trafficPolicy'], undefined);
  const subsets = Array.isArray(dr.spec.subsets) ? dr.spec.subsets : [];
  subsets.forEach((s: unknown, i: number) => {
    if (isRecord(s)) visit(s.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy'], typeof s.name === 'string' ? s.name : undefined);
  });
  return out;
}

/** A route destination in a rule that runs on an Istio Gateway selecting the egress gateway. */
export interface EgressGatewayRoute {
  vs: Resource;
  route: RouteDestination;
  gateway: Resource;
}

/**
 * Where the egress gateway forwards traffic for `host`: destinations equal to `host` (or matched by it,
 * when it is a wildcard) in gateway-side rules, those bound to an Istio Gateway that selects the egress
 * gateway (`through`, a workspace egress gateway, or the settings' by default), of the VirtualServices whose hosts match `host`.
 */
export function egressGatewayRoutesTo(index: IndexReader, settings: Settings, host: string, through?: EgressGateway): EgressGatewayRoute[] {
  const selects = (gw: Resource) => (through?.origin === 'workspace' ? gatewaySelects(gw, through) : selectsEgressGateway(gw, settings));
  const out: EgressGatewayRoute[] = [];
  for (const vs of index.matchingHost('VirtualService', host)) {
    if (vs.group !== ISTIO_NETWORKING) continue;
    for (const route of routeDestinations(vs)) {
      if (route.host !== host && !(isWildcard(host) && hostMatches(host, route.host))) continue;
      const gw = resolveGatewayRefs(index, vs, ruleGateways(vs, route)).find((g) => selects(g.gateway));
      if (gw) out.push({ vs, route, gateway: gw.gateway });
    }
  }
  return out;
}

/**
 * Mesh rules that send traffic of clients in `namespace` to the egress gateway: route destinations
 * (not mirrors) whose host is the egress gateway's, in rules that apply to the mesh, of VirtualServices
 * visible from `namespace`. The namespace's own VirtualServices come first, then those exported to it by
 * name; those exported to every namespace are consulted only when there are none, and then only a few
 * (see `someWithTag`), so that the answer depends on the namespace's routes, not on every route to the gateway.
 */
export function meshRoutesToEgressGateway(index: IndexReader, settings: Settings, namespace: string): { vs: Resource; route: RouteDestination }[] {
  const host = settings.egressGateway.host.toLowerCase();
  const own = index.withTag('VirtualService', `mesh-route-in:${host}|${namespace}`);
  const named = index.withTag('VirtualService', `mesh-route:${host}|${namespace}`).filter((vs) => vs.namespace !== namespace);
  const candidates = own.length + named.length > 0 ? [...own, ...named] : index.someWithTag('VirtualService', `mesh-route:${host}|*`);
  const out: { vs: Resource; route: RouteDestination }[] = [];
  for (const vs of candidates) {
    if (vs.group !== ISTIO_NETWORKING || !isVisibleTo(vs, namespace)) continue;
    for (const route of routeDestinations(vs)) {
      if (!route.mirror && isEgressGatewayHost(route.host, settings) && ruleGateways(vs, route).includes(MESH_GATEWAY)) out.push({ vs, route });
    }
  }
  return out;
}

/**
 * Whether a Sidecar egress entry (`ns/host`, `./host`, `*\/host`, `~/host`) in `sidecarNamespace`
 * imports `host` (a concrete or wildcard name) declared by a resource in `serviceNamespace`.
 */
export function sidecarHostImports(entry: string, sidecarNamespace: string, serviceNamespace: string, host: string): boolean {
  const slash = entry.indexOf('/');
  if (slash < 0) return false;
  const ns = entry.slice(0, slash);
  const dnsName = entry
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (ns.startsWith('~')) return false;
  if (ns !== '*' && (ns === '.' ? sidecarNamespace : ns) !== serviceNamespace) return false;
  return dnsName === '*' || hostMatches(dnsName, host);
}

/**
 * Whether labels satisfy a Kubernetes LabelSelector (`matchLabels` and `matchExpressions` with In,
 * NotIn, Exists, DoesNotExist). An empty or missing selector matches everything.
 */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return true;
  if (isRecord(selector.matchLabels) && !Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === String(v))) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  return expressions.every((e) => {
    const key = String(e.key ?? '');
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
}

/** The labels of a namespace: its Namespace object's in the workspace, plus `kubernetes.io/metadata.name`, which Kubernetes always sets. */
export function namespaceLabels(index: IndexReader, name: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const ns of index.withTag('Namespace', `name:${name}`)) if (ns.group === '') Object.assign(labels, ns.labels);
  labels['kubernetes.io/metadata.name'] = name;
  return labels;
}

/** Whether a workload looks like a gateway proxy: an `istio` label, an `app` label naming a gateway, or any workload in istio-system. */
export function isGatewayWorkload(w: Resource): boolean {
  const labels = podLabels(w);
  return 'istio' in labels || /gateway/.test(labels.app ?? '') || w.namespace === DEFAULT_ROOT_NAMESPACE;
}

/**
 * Namespaces where gateway proxies run: the egress gateway's, those of Kubernetes Gateways (Istio
 * deploys their proxies beside them) and those of the gateway workloads the workspace declares.
 * It scans workloads, so call it for few resources.
 */
export function gatewayNamespaces(index: IndexReader, settings: Settings): Set<string> {
  const out = new Set([egressGatewayNamespace(settings)]);
  for (const gw of index.ofKind('Gateway', GATEWAY_API)) out.add(gw.namespace);
  for (const w of workloads(index)) if (isGatewayWorkload(w)) out.add(w.namespace);
  return out;
}

/**
 * The namespace of the gateway proxy that applies a DestinationRule without `workloadSelector`, when
 * a gateway does: the rule's own namespace when a gateway runs there, else the namespace of the egress
 * gateway's pods when that gateway forwards to the rule's host and the rule is the one it uses for that host there.
 * Undefined otherwise (sidecars only).
 */
export function gatewayApplyingDestinationRule(index: IndexReader, settings: Settings, dr: Resource): string | undefined {
  if (isRecord(dr.spec.workloadSelector)) return undefined;
  if (gatewayNamespaces(index, settings).has(dr.namespace)) return dr.namespace;
  const host = typeof dr.spec.host === 'string' ? resolveHost(dr.spec.host, dr.namespace) : '';
  if (host === '') return undefined;
  // The gateway applies the rule only when it is the one the gateway's namespace looks up for the host (push_context.go destinationRule).
  const applies = (ns: string) => effectiveDestinationRule(index, ns, host)?.rules.some((r) => r.namespace === dr.namespace && r.name === dr.name) ?? false;
  for (const route of egressGatewayRoutesTo(index, settings, host)) {
    const seen = gatewayPlacement(index, settings, route.gateway).namespaces.find(applies);
    if (seen !== undefined) return seen;
  }
  return undefined;
}

/** The namespaces a resource is exported to, with '.' resolved: '*' for all; empty for '~' (nowhere). */
export function exportScopes(r: Resource): Set<string> {
  const out = new Set<string>();
  for (const e of exportTo(r)) {
    if (e === '*') return new Set(['*']);
    if (e === '.') out.add(r.namespace);
    else if (!e.startsWith('~')) out.add(e);
  }
  return out;
}

/** Whether two resources are visible in at least one common namespace (the scope test of IST0109 and IST0177). */
export function scopesOverlap(a: Resource, b: Resource): boolean {
  const sa = exportScopes(a);
  const sb = exportScopes(b);
  if (sa.size === 0 || sb.size === 0) return false;
  if (sa.has('*') || sb.has('*')) return true;
  return [...sa].some((s) => sb.has(s));
}

/** A `credentialName` (or `credentialNames` entry) of a DestinationRule or Gateway, with the namespaces where the proxy reads the Secret. */
export interface CredentialReference {
  path: YamlPath;
  /** The value as written, trimmed. */
  written: string;
  /** The Secret's name (after a `namespace/` prefix, when one is written). */
  name: string;
  /** Where the proxy looks for it: the written namespace, or the proxy's. */
  namespaces: string[];
  /** Who reads it, as a clause for messages ("the egress gateway reads it"). */
  reader: string;
}

interface RawCredential {
  path: YamlPath;
  value: unknown;
  namespaces: () => string[];
  reader: string;
}

/**
 * Where the proxy that applies a DestinationRule's client TLS reads its Secrets: the gateway's
 * namespace when a gateway applies the rule, else the rule's own namespace (its sidecars).
 */
function destinationRuleCredentialReader(dr: Resource, index: IndexReader, settings: Settings): { namespaces: string[]; reader: string } {
  const gateway = dr.spec.workloadSelector === undefined ? gatewayApplyingDestinationRule(index, settings, dr) : undefined;
  return gateway === undefined
    ? {
        namespaces: [dr.namespace],
        reader: dr.spec.workloadSelector === undefined ? 'the sidecars of this namespace read it' : 'the sidecars this rule selects read it',
      }
    : { namespaces: [gateway], reader: gateway === egressGatewayNamespace(settings) ? 'the egress gateway reads it' : 'the gateway there reads it' };
}

/** The namespaces where the proxy applying a Gateway or DestinationRule reads a `credentialName` without a namespace prefix, and who that proxy is. */
export function credentialReader(r: Resource, index: IndexReader, settings: Settings): { namespaces: string[]; reader: string } {
  return r.kind === 'Gateway'
    ? { namespaces: gatewayPodNamespaces(r, index, settings), reader: "the gateway's pods read it" }
    : destinationRuleCredentialReader(r, index, settings);
}

function destinationRuleCredentials(dr: Resource, index: IndexReader, settings: Settings): RawCredential[] {
  let target: { namespaces: string[]; reader: string } | undefined;
  const resolve = () => (target ??= destinationRuleCredentialReader(dr, index, settings));
  return tlsBlocks(dr).map((b) => ({
    path: [...b.path, 'credentialName'],
    value: b.tls.credentialName,
    namespaces: () => resolve().namespaces,
    get reader() {
      return resolve().reader;
    },
  }));
}

/** The namespaces of the pods a Gateway selects: declared workloads, else the egress gateway's or the usual ones. */
function gatewayPodNamespaces(gw: Resource, index: IndexReader, settings: Settings): string[] {
  return gatewayPlacement(index, settings, gw).namespaces;
}

function gatewayCredentials(gw: Resource, index: IndexReader, settings: Settings): RawCredential[] {
  const out: RawCredential[] = [];
  let namespaces: string[] | undefined;
  const podNamespaces = () => (namespaces ??= gatewayPodNamespaces(gw, index, settings));
  const servers: unknown[] = Array.isArray(gw.spec.servers) ? gw.spec.servers : [];
  servers.forEach((s, i) => {
    if (!isRecord(s) || !isRecord(s.tls)) return;
    out.push({
      path: ['spec', 'servers', i, 'tls', 'credentialName'],
      value: s.tls.credentialName,
      namespaces: podNamespaces,
      reader: "the gateway's pods read it",
    });
    if (Array.isArray(s.tls.credentialNames)) {
      s.tls.credentialNames.forEach((value: unknown, j: number) =>
        out.push({ path: ['spec', 'servers', i, 'tls', 'credentialNames', j], value, namespaces: podNamespaces, reader: "the gateway's pods read it" }),
      );
    }
  });
  return out;
}

/**
 * The Secret references of an Istio DestinationRule (client TLS) or Gateway (server TLS). The proxy
 * reads the Secret in its own namespace: the gateway pods' for a Gateway and for a DestinationRule
 * a gateway applies, the rule's own for sidecars (Istio's credentials.go, `credentialName` with an
 * optional `namespace/` prefix). Values that are not Secrets (`configmap://`, SDS URLs) are left out.
 */
export function credentialReferences(r: Resource, index: IndexReader, settings: Settings): CredentialReference[] {
  if (r.group !== ISTIO_NETWORKING || (r.kind !== 'Gateway' && r.kind !== 'DestinationRule')) return [];
  const raw = r.kind === 'Gateway' ? gatewayCredentials(r, index, settings) : destinationRuleCredentials(r, index, settings);
  const out: CredentialReference[] = [];
  for (const c of raw) {
    if (typeof c.value !== 'string' || c.value.trim() === '' || c.value.includes('://')) continue;
    const written = c.value.trim();
    const slash = written.indexOf('/');
    const name = slash >= 0 ? written.slice(slash + 1) : written;
    const namespaces = slash >= 0 ? [written.slice(0, slash)] : c.namespaces();
    out.push({ path: c.path, written, name, namespaces, reader: c.reader });
  }
  return out;
}

/** The Secrets a credential reference finds where the proxy reads it (`<name>` or the CA-only `<name>-cacert`). */
export function secretsForCredential(index: IndexReader, ref: Pick<CredentialReference, 'name' | 'namespaces'>): Resource[] {
  return ref.namespaces.flatMap((ns) => [...index.find('', 'Secret', ns, ref.name), ...index.find('', 'Secret', ns, `${ref.name}-cacert`)]);
}

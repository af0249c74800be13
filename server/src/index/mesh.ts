/**
 * Istio's rules for how resources find each other, over an IndexReader: gateway references,
 * exportTo visibility, service registry lookups (ServiceEntry and Kubernetes Service), the
 * DestinationRules a client sees, route destinations, workload selectors, and the effective
 * outbound traffic policy per namespace. Analyzers share these so that they agree with each other.
 */
import type { IndexReader } from './workspace-index';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { outboundMode, type OutboundMode } from '../parse/mesh-config';
import { resolveHost, hostMatches, isWildcard, CLUSTER_DOMAIN } from './hosts';
import type { Settings } from '../settings';
import type { YamlPath } from '../parse/yaml-path';

/** The reserved gateway name for the sidecars of the mesh. */
export const MESH_GATEWAY = 'mesh';

/** Istio's root namespace: config there applies to every namespace. */
export const ROOT_NAMESPACE = 'istio-system';

/** Hosts every cluster has, even when the workspace does not define them. */
const ASSUMED_HOSTS = new Set([`kube-dns.kube-system.${CLUSTER_DOMAIN}`, `kubernetes.default.${CLUSTER_DOMAIN}`, `istiod.istio-system.${CLUSTER_DOMAIN}`]);

const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface GatewayRef {
  namespace: string;
  name: string;
  /** True when the reference named its namespace (`ns/name`). */
  qualified: boolean;
}

/** A gateway reference as written in a VirtualService in `namespace`; undefined for `mesh`. */
export function parseGatewayRef(ref: string, namespace: string): GatewayRef | undefined {
  if (ref === MESH_GATEWAY) return undefined;
  const slash = ref.indexOf('/');
  if (slash >= 0) return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1), qualified: true };
  // Istio also accepts `name.namespace.svc.cluster.local`-style references to gateways.
  const dotted = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(ref);
  if (dotted) return { namespace: dotted[2], name: dotted[1], qualified: true };
  return { namespace, name: ref, qualified: false };
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
    return a ? a.split(',').map((s) => s.trim()).filter(Boolean) : ['*'];
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

export function isEgressGatewayHost(host: string, settings: Settings): boolean {
  return host === settings.egressGateway.host.toLowerCase();
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
  if (out.length === 0 && isAssumedHost(host, settings)) out.push({ kind: 'assumed' });
  return out;
}

/**
 * DestinationRules for `host` that a client in `namespace` sees, in Istio's lookup order:
 * the client's namespace, then the host's own (for cluster-local hosts), then the root namespace;
 * exported rules from other namespaces last.
 */
export function destinationRulesFor(index: IndexReader, host: string, namespace: string): Resource[] {
  const candidates = index.matchingHost('DestinationRule', host).filter((dr) => dr.group === ISTIO_NETWORKING && isVisibleTo(dr, namespace));
  const hostNamespace = host.endsWith(`.${CLUSTER_DOMAIN}`) ? host.split('.')[1] : undefined;
  const rank = (dr: Resource) => (dr.namespace === namespace ? 0 : dr.namespace === hostNamespace ? 1 : dr.namespace === ROOT_NAMESPACE ? 2 : 3);
  return [...candidates].sort((a, b) => rank(a) - rank(b));
}

export function subsetNames(dr: Resource): string[] {
  const subsets = dr.spec.subsets;
  return Array.isArray(subsets) ? subsets.filter(isRecord).map((s) => String(s.name ?? '')).filter(Boolean) : [];
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

export function* routeDestinations(vs: Resource): Generator<RouteDestination> {
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
        if (isRecord(d) && typeof d.host === 'string') yield { ...base, path: ['spec', protocol, i, 'route', j, 'destination'], ...destinationFields(d, vs.namespace), mirror: false };
      }
      if (protocol === 'http') {
        if (isRecord(rule.mirror) && typeof rule.mirror.host === 'string') yield { ...base, path: ['spec', 'http', i, 'mirror'], ...destinationFields(rule.mirror, vs.namespace), mirror: true };
        const mirrors = Array.isArray(rule.mirrors) ? rule.mirrors : [];
        for (let j = 0; j < mirrors.length; j++) {
          const d = isRecord(mirrors[j]) ? mirrors[j].destination : undefined;
          if (isRecord(d) && typeof d.host === 'string') yield { ...base, path: ['spec', 'http', i, 'mirrors', j, 'destination'], ...destinationFields(d, vs.namespace), mirror: true };
        }
      }
    }
  }
}

function destinationFields(d: Record<string, any>, namespace: string) {
  const port = isRecord(d.port) && typeof d.port.number === 'number' ? d.port.number : undefined;
  return { destination: d, host: resolveHost(String(d.host), namespace), port, subset: typeof d.subset === 'string' ? d.subset : undefined };
}

/** The gateways a rule applies to: its matches' gateways, or all of the VirtualService's. */
export function ruleGateways(vs: Resource, d: Pick<RouteDestination, 'matchGateways'>): string[] {
  return d.matchGateways.length > 0 ? d.matchGateways : boundGateways(vs);
}

/** Whether labels satisfy a selector (every selector label present with the same value). */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'WorkloadEntry'];

/** The pod labels of a workload resource (a Pod's own, a controller's pod template's). */
export function podLabels(r: Resource): Record<string, string> {
  if (r.kind === 'Pod' || r.kind === 'WorkloadEntry') return r.kind === 'WorkloadEntry' && isRecord(r.spec.labels) ? (r.spec.labels as Record<string, string>) : r.labels;
  const t = r.spec.template;
  return isRecord(t) && isRecord(t.metadata) && isRecord(t.metadata.labels) ? (t.metadata.labels as Record<string, string>) : {};
}

/** Workloads in the workspace, of any kind that carries pod labels. */
export function workloads(index: IndexReader): Resource[] {
  return WORKLOAD_KINDS.flatMap((k) => index.ofKind(k));
}

export interface EffectivePolicy {
  mode: OutboundMode;
  /** Where the mode comes from: a Sidecar in the namespace, the mesh config, or the user's setting. */
  origin: 'sidecar' | 'mesh-config' | 'setting';
  source?: Resource;
}

/**
 * The outbound traffic policy for workloads in `namespace`: a namespace-wide Sidecar (no
 * workloadSelector) that sets one, else the mesh config in an IstioOperator or the `istio`
 * ConfigMap, else the setting (Istio's default ALLOW_ANY unless the user says otherwise).
 */
export function effectiveOutboundPolicy(index: IndexReader, settings: Settings, namespace: string): EffectivePolicy {
  const sidecars = [...index.ofKind('Sidecar').filter((s) => s.group === ISTIO_NETWORKING && !s.spec.workloadSelector)];
  const local = sidecars.find((s) => s.namespace === namespace && sidecarMode(s)) ?? sidecars.find((s) => s.namespace === ROOT_NAMESPACE && sidecarMode(s));
  if (local) return { mode: sidecarMode(local)!, origin: 'sidecar', source: local };
  for (const kind of ['IstioOperator', 'ConfigMap']) {
    for (const r of index.ofKind(kind)) {
      const mode = outboundMode(r.meshConfig);
      if (mode) return { mode, origin: 'mesh-config', source: r };
    }
  }
  return { mode: settings.outboundTrafficPolicy, origin: 'setting' };
}

function sidecarMode(s: Resource): OutboundMode | undefined {
  const mode = s.spec.outboundTrafficPolicy?.mode;
  return mode === 'ALLOW_ANY' || mode === 'REGISTRY_ONLY' ? mode : undefined;
}

/** Hosts of a ServiceEntry or VirtualService, fully qualified in its namespace. */
export function hostsOf(r: Resource): string[] {
  const raw = Array.isArray(r.spec.hosts) ? r.spec.hosts : [];
  return raw.filter((h): h is string => typeof h === 'string').map((h) => resolveHost(h, r.namespace));
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

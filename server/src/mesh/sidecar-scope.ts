/**
 * What the sidecars of a namespace import, the way Istio builds a SidecarScope (pilot/pkg/model/sidecar.go):
 * the Sidecar in effect (the namespace's own without `workloadSelector`, else the root namespace's,
 * `DefaultSidecarScopeForNamespace`), the services and VirtualServices its egress hosts import
 * (`convertIstioListenerToWrapper`, `selectServices`, `SelectVirtualServices`), the destinations of
 * imported VirtualServices ("Infer more possible destinations from virtual services"), and the outbound
 * traffic policy. An egress listener with a `port` imports only services that declare that port
 * (`serviceMatchingListenerPort`), and traffic to a port is routed by the listener for that port, else
 * by the one without (`GetEgressListenerForRDS`).
 */
import type { IndexReader } from '../index/workspace-index';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { Settings } from '../settings';
import { outboundMode, type OutboundMode } from '../parse/mesh-config';
import { routeDestinations, ruleGateways } from './routes';
import { MESH_GATEWAY } from './gateways';
import { hostsOf } from './hosts';
import { isRecord } from '../data';
import { hostSubsetOf, hostsMatch } from './host-match';
import { MESH_CONFIG_KINDS, rootNamespace } from './root-namespace';
import { isVisibleIn } from './export-defaults';

/** The hosts one egress listener imports from one namespace (`*` for any), as Istio's hostClassification keeps them. */
interface HostClassification {
  exact: Set<string>;
  all: string[];
  excluded: string[];
}

/** The egress hosts of a Sidecar as they apply to workloads in one namespace. */
export interface SidecarScope {
  /** The Sidecar in effect; undefined when there is none, which imports everything. */
  sidecar?: Resource;
  /** The workloads' namespace (`.` in the hosts means this namespace, even for the root namespace's Sidecar). */
  namespace: string;
  /** One entry per egress listener; undefined when the Sidecar has no `egress` (every host of every namespace). */
  listeners?: Map<string, HostClassification>[];
  /**
   * The port of each egress listener (same order as `listeners`), and whether it imports only services
   * declaring that port: not for HTTP_PROXY, a generic proxy (`needsPortMatch`).
   */
  listenerPorts?: { number?: number; matchPort: boolean }[];
}

const namespaceWide = (index: IndexReader, namespace: string) =>
  index.withTag('Sidecar', `ns:${namespace}`).filter((s) => s.group === ISTIO_NETWORKING && !isRecord(s.spec.workloadSelector));

/**
 * The Sidecar that applies to workloads of `namespace` that no Sidecar selects: the namespace's own
 * Sidecar without `workloadSelector`, else the root namespace's (DefaultSidecarScopeForNamespace,
 * `meshRootSidecarConfig`), else none.
 */
export function namespaceSidecar(index: IndexReader, namespace: string): Resource | undefined {
  return namespaceWide(index, namespace)[0] ?? namespaceWide(index, rootNamespace(index))[0];
}

/** Parses egress hosts (`ns/host`, `./host`, `*\/host`, `~ns/host`) for workloads in `namespace` (convertIstioListenerToWrapper). */
function classify(hosts: string[], namespace: string): Map<string, HostClassification> {
  const out = new Map<string, HostClassification>();
  for (const entry of hosts) {
    const parts = entry.trim().split('/');
    if (parts.length !== 2) continue;
    let [ns] = parts;
    const name = parts[1].toLowerCase();
    const excluded = ns.startsWith('~');
    if (excluded) ns = ns.slice(1) || '*';
    if (ns === '.') ns = namespace;
    let c = out.get(ns);
    if (!c) out.set(ns, (c = { exact: new Set(), all: [], excluded: [] }));
    if (excluded) {
      c.excluded.push(name);
      continue;
    }
    if (!name.startsWith('*')) c.exact.add(name);
    c.all.push(name);
  }
  return out;
}

/** The scope a Sidecar gives workloads in `namespace` (its own namespace, or any namespace for the root namespace's Sidecar). */
export function scopeOf(sidecar: Resource | undefined, namespace: string): SidecarScope {
  const egress: unknown[] = Array.isArray(sidecar?.spec.egress) ? sidecar.spec.egress : [];
  if (!sidecar || egress.length === 0) return { sidecar, namespace };
  const records = egress.filter(isRecord);
  const listeners = records.map((l) => classify(Array.isArray(l.hosts) ? l.hosts.filter((h): h is string => typeof h === 'string') : [], namespace));
  const listenerPorts = records.map((l) => {
    const number = isRecord(l.port) && typeof l.port.number === 'number' && l.port.number !== 0 ? l.port.number : undefined;
    const proxy = isRecord(l.port) && String(l.port.protocol ?? '').toUpperCase() === 'HTTP_PROXY';
    return { number, matchPort: number !== undefined && !proxy };
  });
  return { sidecar, namespace, listeners, listenerPorts };
}

/**
 * The scope some egress hosts of a Sidecar give workloads in `namespace` on their own: one listener's
 * hosts, or a single entry, so that navigation can say what one entry imports with the same rules.
 */
export function hostsScope(sidecar: Resource, hosts: string[], namespace: string): SidecarScope {
  return { sidecar, namespace, listeners: [classify(hosts, namespace)] };
}

/** The scope of the workloads of `namespace` that no Sidecar selects. */
export function sidecarScope(index: IndexReader, namespace: string): SidecarScope {
  return scopeOf(namespaceSidecar(index, namespace), namespace);
}

const isExcluded = (c: HostClassification | undefined, host: string) => !!c && c.excluded.some((e) => hostSubsetOf(host, e));

/** hostClassification.Matches: an exact entry imports only that host; a wildcard on either side compares by SubsetOf. */
function matchesService(c: HostClassification, host: string): boolean {
  if (c.exact.has(host)) return true;
  return c.all.some((h) => (host.startsWith('*') || h.startsWith('*')) && hostSubsetOf(host, h));
}

/** Whether one listener's hosts import the service (selectServices, matchingService). */
function listenerImports(l: Map<string, HostClassification>, serviceNamespace: string, host: string): boolean {
  const own = l.get(serviceNamespace);
  const any = l.get('*');
  if (isExcluded(own, host) || isExcluded(any, host)) return false;
  return (own !== undefined && matchesService(own, host)) || (any !== undefined && matchesService(any, host));
}

/**
 * Whether the scope imports the service `host` (as declared: a ServiceEntry's `*.example.com` stays
 * a wildcard) defined in `serviceNamespace` (selectServices): an entry for that namespace or `*`, not
 * excluded by a `~` entry. So `ns/api.example.com` does not import a ServiceEntry for `*.example.com`.
 * Given the ports the service declares, a listener with a port imports it only when it declares that
 * port (serviceMatchingListenerPort).
 */
export function importsService(scope: SidecarScope, serviceNamespace: string, host: string, servicePorts?: readonly number[]): boolean {
  if (!scope.listeners) return true;
  return scope.listeners.some((l, i) => {
    const port = scope.listenerPorts?.[i];
    if (port?.matchPort && servicePorts !== undefined && !servicePorts.includes(port.number!)) return false;
    return listenerImports(l, serviceNamespace, host);
  });
}

/**
 * Whether traffic to `host` on `port` is routed by the scope: the listener for that port (the one
 * whose `port` is it, else the first without a port: sidecar.go `GetEgressListenerForRDS`) imports the
 * service, and a listener with a port only when the service declares it (serviceMatchingListenerPort).
 */
export function importsServiceOnPort(scope: SidecarScope, serviceNamespace: string, host: string, port: number, servicePorts: readonly number[]): boolean {
  if (!scope.listeners) return true;
  const ports = scope.listenerPorts ?? [];
  let i = ports.findIndex((p) => p.number === port);
  if (i < 0) i = ports.findIndex((p) => p.number === undefined);
  if (i < 0) return false;
  if (ports[i].matchPort && !servicePorts.includes(port)) return false;
  return listenerImports(scope.listeners[i], serviceNamespace, host);
}

/** hostClassification.VSMatches with Istio's VirtualService semantics: an exact host exactly, wildcards in either direction. */
function matchesVirtualServiceHost(c: HostClassification, host: string): boolean {
  if (c.exact.has(host)) return true;
  return c.all.some((h) => (host.startsWith('*') || h.startsWith('*')) && hostsMatch(host, h));
}

/** Whether the scope imports a VirtualService (SelectVirtualServices): one of its hosts matches an entry for its namespace or `*`, and is not excluded. */
export function importsVirtualService(scope: SidecarScope, vs: Resource): boolean {
  if (!scope.listeners) return true;
  const hosts = hostsOf(vs);
  return scope.listeners.some((l) => {
    const own = l.get(vs.namespace);
    const any = l.get('*');
    return hosts.some(
      (h) =>
        !isExcluded(own, h) &&
        !isExcluded(any, h) &&
        ((own !== undefined && matchesVirtualServiceHost(own, h)) || (any !== undefined && matchesVirtualServiceHost(any, h))),
    );
  });
}

/**
 * Whether the scope reaches `host` because a VirtualService it imports sends mesh traffic there: Istio
 * adds the destinations of imported VirtualServices to the scope ("Infer more possible destinations from
 * virtual services", since 1.5), whatever the egress hosts say. It reads the VirtualServices with a
 * route to `host` only.
 */
export function importedAsDestination(index: IndexReader, scope: SidecarScope, host: string): boolean {
  return index
    .withTag('VirtualService', `dest:${host}`)
    .some(
      (vs) =>
        vs.group === ISTIO_NETWORKING &&
        isVisibleIn(index, vs, scope.namespace) &&
        importsVirtualService(scope, vs) &&
        [...routeDestinations(vs)].some((d) => d.host === host && ruleGateways(vs, d).includes(MESH_GATEWAY)),
    );
}

/** The outbound traffic policy a Sidecar sets, if a valid one. */
export function sidecarOutboundMode(s: Resource | undefined): OutboundMode | undefined {
  const mode = s?.spec.outboundTrafficPolicy?.mode;
  return mode === 'ALLOW_ANY' || mode === 'REGISTRY_ONLY' ? mode : undefined;
}

/** The mesh config's outbound traffic policy (an IstioOperator's or the `istio` ConfigMap's), else the user's setting. */
export function meshOutboundPolicy(index: IndexReader, settings: Settings): EffectivePolicy {
  for (const kind of MESH_CONFIG_KINDS) {
    for (const r of index.withTag(kind, 'mesh-config')) {
      const mode = outboundMode(r.meshConfig);
      if (mode) return { mode, origin: 'mesh-config', source: r };
    }
  }
  return { mode: settings.outboundTrafficPolicy, origin: 'setting' };
}

/**
 * The outbound traffic policy of workloads in `namespace` that no Sidecar selects
 * (initSidecarScopeInternalIndexes): the Sidecar in effect sets it, else the mesh config. A namespace
 * with its own Sidecar that sets none takes the mesh config's, not the root namespace Sidecar's.
 */
export function outboundPolicy(index: IndexReader, settings: Settings, namespace: string): EffectivePolicy {
  const sidecar = namespaceSidecar(index, namespace);
  const mode = sidecarOutboundMode(sidecar);
  return mode && sidecar ? { mode, origin: 'sidecar', source: sidecar } : meshOutboundPolicy(index, settings);
}

export interface EffectivePolicy {
  mode: OutboundMode;
  /** Where the mode comes from: a Sidecar in the namespace, the mesh config, or the user's setting. */
  origin: 'sidecar' | 'mesh-config' | 'setting';
  source?: Resource;
}

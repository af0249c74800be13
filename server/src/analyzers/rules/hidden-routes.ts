/**
 * The hosts a VirtualService routes for the sidecars of a namespace that the namespace's Sidecar scope
 * does not import, shared by `sidecar-hides-egress` (the namespace's own Sidecar) and
 * `root-sidecar-hides-egress` (the root namespace's Sidecar, for namespaces without their own).
 * It follows pilot/pkg/model/sidecar.go: `selectServices` and `SelectVirtualServices` for the imports,
 * and "Infer more possible destinations from virtual services" in `collectImportedServices`; traffic on a
 * port is routed by the egress listener for that port (`GetEgressListenerForRDS`, which
 * networking/core/httproute.go `BuildSidecarOutboundVirtualHosts` asks for the services of a port).
 */
import type { IndexReader } from '../../index/workspace-index';
import type { Settings } from '../../settings';
import type { Resource } from '../../parse/resource';
import { hostSubsetOf } from '../../mesh/host-match';
import { routeDestinations, ruleGateways } from '../../mesh/routes';
import { boundGateways, isEgressGatewayHost, MESH_GATEWAY } from '../../mesh/gateways';
import { serviceEntriesFor } from '../../mesh/registry';
import { hostAsIstioNamesIt, hostsOf } from '../../mesh/hosts';
import { importedAsDestination, importsService, importsServiceOnPort, importsVirtualService, type SidecarScope } from '../../mesh/sidecar-scope';
import { isRecord } from '../../data';
import type { YamlPath } from '../../parse/yaml-path';

/** A host a VirtualService routes that the scope leaves out, with the ServiceEntry that defines it. */
export interface HiddenRoute {
  host: string;
  se: Resource;
  /** The host as the ServiceEntry declares it (a wildcard stays a wildcard). */
  declared: string;
  /** Where the VirtualService names the host: its `hosts` entry, else the route destination's `host`. */
  at: YamlPath;
  /** Set when an egress listener imports the host, but not the one that routes this port of it. */
  port?: number;
}

/**
 * Where a host is routed and on which ports: those written (a destination's `port`, else its rule's
 * match ports), or undefined for every port the ServiceEntry declares.
 */
interface Routed {
  at: YamlPath;
  ports?: Set<number>;
}

/** Adds the ports a rule routes a host on to what is known; a rule that names none routes every port. */
function addPorts(routed: Routed, ports: readonly number[] | undefined, first: boolean): void {
  if (ports === undefined || ports.length === 0) routed.ports = undefined;
  else if (first) routed.ports = new Set(ports);
  else if (routed.ports) for (const p of ports) routed.ports.add(p);
}

/** The port numbers a ServiceEntry declares. */
export const declaredPorts = (se: Resource): number[] =>
  (Array.isArray(se.spec.ports) ? se.spec.ports : [])
    .map((p: unknown) => (isRecord(p) ? p.number : undefined))
    .filter((n: unknown): n is number => typeof n === 'number');

/**
 * The hosts `vs` routes for the mesh that workloads in `scope.namespace` need and the scope does not import.
 * The destinations of a VirtualService the scope imports come with it ("Infer more possible destinations
 * from virtual services"), so only its own hosts can be missing then, and the egress gateway it routes to
 * never is; a host the scope does not know at all (no ServiceEntry seen there) is another check's business.
 */
export function hiddenRoutedHosts(index: IndexReader, settings: Settings, scope: SidecarScope, vs: Resource): HiddenRoute[] {
  const ns = scope.namespace;
  const imported = importsVirtualService(scope, vs);
  const routed = new Map<string, Routed>();
  const meshRoutes = [...routeDestinations(vs)].filter((d) => !d.mirror && ruleGateways(vs, d).includes(MESH_GATEWAY));
  if (boundGateways(vs).includes(MESH_GATEWAY)) {
    const written: unknown[] = Array.isArray(vs.spec.hosts) ? vs.spec.hosts : [];
    // The clients send the VirtualService's hosts to the ports its mesh rules match, else to any port.
    const ruleKeys = new Set(meshRoutes.map((d) => `${d.protocol}|${d.ruleIndex}`));
    const matchPorts = meshRoutes.filter((d) => ruleKeys.delete(`${d.protocol}|${d.ruleIndex}`)).map((d) => d.matchPorts);
    for (const host of hostsOf(vs)) {
      const i = written.findIndex((h) => typeof h === 'string' && hostAsIstioNamesIt(vs.kind, h, vs.namespace) === host);
      const r: Routed = { at: i >= 0 ? ['spec', 'hosts', i] : ['spec', 'hosts'] };
      addPorts(r, matchPorts.length > 0 && matchPorts.every((m) => m.length > 0) ? matchPorts.flat() : undefined, true);
      routed.set(host, r);
    }
  }
  if (!imported)
    for (const d of meshRoutes) {
      if (isEgressGatewayHost(d.host, settings, index)) continue;
      const ports = d.port !== undefined ? [d.port] : d.matchPorts;
      const known = routed.get(d.host);
      if (known) addPorts(known, ports, false);
      else {
        const r: Routed = { at: [...d.path, 'host'] };
        addPorts(r, ports, true);
        routed.set(d.host, r);
      }
    }
  const out: HiddenRoute[] = [];
  for (const [host, { at, ports }] of routed) {
    const entriesForHost = serviceEntriesFor(index, host, ns);
    if (entriesForHost.length === 0) continue;
    const declared = (se: Resource) => hostsOf(se).find((h) => h === host || hostSubsetOf(host, h)) ?? host;
    const found = { host, se: entriesForHost[0], declared: declared(entriesForHost[0]), at };
    // Istio infers a destination only when a service has exactly that host, not through a wildcard ServiceEntry.
    const inferred = () => entriesForHost.some((se) => declared(se) === host) && importedAsDestination(index, scope, host);
    if (!entriesForHost.some((se) => importsService(scope, se.namespace, declared(se), declaredPorts(se)))) {
      if (!inferred()) out.push(found);
      continue;
    }
    // Some listener imports the host; each port it is routed on must be imported by that port's listener.
    // An HTTP_PROXY listener takes the clients' traffic for every port, so ports tell nothing then.
    if (scope.listenerPorts?.some((l) => l.number !== undefined && !l.matchPort)) continue;
    // Only ports the ServiceEntries declare: a route to another port is vs-destination-port's business.
    const servicePorts = new Set(entriesForHost.flatMap(declaredPorts));
    const hiddenPort = [...servicePorts]
      .filter((p) => !ports || ports.has(p))
      .sort((a, b) => a - b)
      .find((p) => !entriesForHost.some((se) => importsServiceOnPort(scope, se.namespace, declared(se), p, declaredPorts(se))));
    // No inferred destination helps here: a listener that imports the service explicitly keeps only its own
    // port of it, and the listeners of a port are built from their own imports (`ilw.services`), not the inferred ones.
    if (hiddenPort !== undefined) out.push({ ...found, port: hiddenPort });
  }
  return out;
}

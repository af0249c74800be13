/**
 * The hosts a VirtualService routes for the sidecars of a namespace that the namespace's Sidecar scope
 * does not import, shared by `sidecar-hides-egress` (the namespace's own Sidecar) and
 * `root-sidecar-hides-egress` (the root namespace's Sidecar, for namespaces without their own).
 * It follows pilot/pkg/model/sidecar.go: `selectServices` and `SelectVirtualServices` for the imports,
 * and "Infer more possible destinations from virtual services" in `collectImportedServices`.
 */
import type { IndexReader } from '../../index/workspace-index';
import type { Settings } from '../../settings';
import type { Resource } from '../../parse/resource';
import { hostMatches } from '../../index/hosts';
import { routeDestinations, ruleGateways } from '../../mesh/routes';
import { boundGateways, isEgressGatewayHost, MESH_GATEWAY } from '../../mesh/gateways';
import { serviceEntriesFor } from '../../mesh/registry';
import { hostAsIstioNamesIt, hostsOf } from '../../mesh/hosts';
import { importedAsDestination, importsService, importsVirtualService, type SidecarScope } from '../../mesh/sidecar-scope';
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
  const routed = new Map<string, YamlPath>();
  if (boundGateways(vs).includes(MESH_GATEWAY)) {
    const written: unknown[] = Array.isArray(vs.spec.hosts) ? vs.spec.hosts : [];
    for (const host of hostsOf(vs)) {
      const i = written.findIndex((h) => typeof h === 'string' && hostAsIstioNamesIt(vs.kind, h, vs.namespace) === host);
      routed.set(host, i >= 0 ? ['spec', 'hosts', i] : ['spec', 'hosts']);
    }
  }
  if (!imported)
    for (const d of routeDestinations(vs))
      if (!routed.has(d.host) && ruleGateways(vs, d).includes(MESH_GATEWAY) && !isEgressGatewayHost(d.host, settings, index))
        routed.set(d.host, [...d.path, 'host']);
  const out: HiddenRoute[] = [];
  for (const [host, at] of routed) {
    const entriesForHost = serviceEntriesFor(index, host, ns);
    if (entriesForHost.length === 0) continue;
    const declared = (se: Resource) => hostsOf(se).find((h) => h === host || hostMatches(h, host)) ?? host;
    if (entriesForHost.some((se) => importsService(scope, se.namespace, declared(se), declaredPorts(se)))) continue;
    // Istio infers a destination only when a service has exactly that host, not through a wildcard ServiceEntry.
    if (entriesForHost.some((se) => declared(se) === host) && importedAsDestination(index, scope, host)) continue;
    out.push({ host, se: entriesForHost[0], declared: declared(entriesForHost[0]), at });
  }
  return out;
}

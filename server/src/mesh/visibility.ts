/**
 * Where a VirtualService's rules run, and whether the resources they need are seen there.
 * Rules bound to `mesh` run in the sidecars of every namespace the VirtualService is exported to
 * whose Sidecar imports it; rules bound to a Gateway run in the gateway proxy, which sees the mesh
 * as its own namespace does. Which DestinationRule a namespace picks is not decided here.
 */
import type { IndexReader } from '../index/workspace-index';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { Settings } from '../settings';
import { exportScopes, hostsOf, isVisibleTo, MESH_GATEWAY, resolveGatewayRefs, ROOT_NAMESPACE, sidecarEgressHosts, sidecarHostImports } from '../index/mesh';
import { gatewayPlacement } from './gateways';

/** A place where a rule runs: the sidecars of a namespace, or the proxies of a Gateway in a namespace. */
export type RuleSite =
  | {
      via: 'mesh';
      /** A namespace, or `*` for every namespace. */
      namespace: string;
    }
  | {
      via: 'gateway';
      /** The reference as written. */
      ref: string;
      gateway: Resource;
      /** The namespace the gateway's proxies run in. */
      namespace: string;
      /** False when the namespace is where gateways usually run, not a fact of the workspace. */
      known: boolean;
    };

/** Whether a resource (ServiceEntry, Service, VirtualService, DestinationRule) is seen by proxies in `namespace` (its `exportTo`). */
export function seenFrom(r: Resource, namespace: string): boolean {
  return isVisibleTo(r, namespace);
}

/**
 * The Sidecar that scopes the sidecars of `namespace`: the namespace's own without
 * `workloadSelector`, else the root namespace's without one; undefined when neither exists.
 */
export function namespaceSidecar(index: IndexReader, namespace: string): Resource | undefined {
  const wide = (ns: string) => index.withTag('Sidecar', `ns:${ns}`).find((s) => s.group === ISTIO_NETWORKING && s.spec.workloadSelector === undefined);
  return wide(namespace) ?? wide(ROOT_NAMESPACE);
}

/**
 * Whether the sidecars of `namespace` import a VirtualService: without a Sidecar (or one without
 * `egress`) they import every VirtualService exported to them; otherwise one of its hosts must
 * match an egress `hosts` entry for the VirtualService's namespace, `.` meaning the sidecar's own.
 * Follows pilot/pkg/model/sidecar.go (egress listeners select virtual services by `namespace/host`).
 */
export function sidecarImportsVirtualService(index: IndexReader, namespace: string, vs: Resource): boolean {
  const sidecar = namespaceSidecar(index, namespace);
  const entries = sidecar && sidecarEgressHosts(sidecar);
  if (!entries) return true;
  const hosts = hostsOf(vs);
  return entries.some((e) => hosts.some((h) => sidecarHostImports(e, namespace, vs.namespace, h)));
}

/**
 * Where the rules of `vs` that apply to `gateways` (references as written, `mesh` included) run.
 * Mesh rules run in each namespace the VirtualService is exported to whose Sidecar imports it (`*`
 * when it is exported everywhere); gateway rules run in the namespaces of the Gateway's proxies,
 * since a gateway lists the VirtualServices exported to its own namespace (pilot/pkg/model/push_context.go
 * `VirtualServicesForGateway(proxyNamespace, gateway)`). References the workspace cannot resolve are left out.
 */
export function ruleSites(index: IndexReader, settings: Settings, vs: Resource, gateways: readonly string[]): RuleSite[] {
  const out: RuleSite[] = [];
  if (gateways.includes(MESH_GATEWAY)) {
    for (const ns of exportScopes(vs)) if (ns === '*' || sidecarImportsVirtualService(index, ns, vs)) out.push({ via: 'mesh', namespace: ns });
  }
  for (const { ref, gateway } of resolveGatewayRefs(index, vs, gateways)) {
    const placement = gatewayPlacement(index, settings, gateway);
    for (const namespace of placement.namespaces) out.push({ via: 'gateway', ref, gateway, namespace, known: placement.known });
  }
  return out;
}

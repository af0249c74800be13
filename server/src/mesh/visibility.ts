/**
 * Where a VirtualService's rules run, and whether the resources they need are seen there.
 * Rules bound to `mesh` run in the sidecars of every namespace the VirtualService is exported to
 * whose Sidecar imports it; rules bound to a Gateway run in the gateway proxy, which sees the mesh
 * as its own namespace does. Which DestinationRule a namespace picks is not decided here.
 */
import type { IndexReader } from '../index/workspace-index';
import type { Resource } from '../parse/resource';
import type { Settings } from '../settings';
import { exportScopesIn } from './export-defaults';
import { importsVirtualService, sidecarScope } from './sidecar-scope';
import { gatewayPlacement, MESH_GATEWAY, resolveGatewayRefs } from './gateways';

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

/** Whether the sidecars of `namespace` import a VirtualService (sidecar-scope.ts, after sidecar.go). */
export function sidecarImportsVirtualService(index: IndexReader, namespace: string, vs: Resource): boolean {
  return importsVirtualService(sidecarScope(index, namespace), vs);
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
    for (const ns of exportScopesIn(index, vs)) if (ns === '*' || sidecarImportsVirtualService(index, ns, vs)) out.push({ via: 'mesh', namespace: ns });
  }
  for (const { ref, gateway } of resolveGatewayRefs(index, vs, gateways)) {
    const placement = gatewayPlacement(index, settings, gateway);
    for (const namespace of placement.namespaces) out.push({ via: 'gateway', ref, gateway, namespace, known: placement.known });
  }
  return out;
}

/**
 * Kubernetes Gateway API resources as Istio reads them on the egress path: a route's backends as the
 * destinations Istio converts them into, the Service Istio deploys for a Gateway, and the route a
 * Gateway forwards a host by. It reads only through an `IndexReader` and knows nothing of LSP.
 */
import type { IndexReader } from '../index/workspace-index';
import { GATEWAY_API, ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { serviceHost } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { clusterLocalNamespace } from '../mesh/registry';
import { isRecord, listOf } from '../data';
import type { YamlPath } from '../parse/yaml-path';

export const GATEWAY_API_ROUTES = ['HTTPRoute', 'TLSRoute', 'TCPRoute', 'GRPCRoute'];

export interface Backend {
  /** `Service` when the backendRef does not say. */
  kind: string;
  name: string;
  namespace: string;
  port?: number;
}

/** A backend of a route's rule, with its weight and where it is written. */
export interface RouteBackend {
  backend: Backend;
  /** The backendRef's `weight` (1 when not written). */
  weight: number;
  /** Whether its rule splits traffic between several backends, so that the weight matters. */
  split: boolean;
  /** The backendRef, e.g. ['spec', 'rules', 0, 'backendRefs', 1]. */
  path: YamlPath;
}

/**
 * Every backend of every rule of a Gateway API route that names one and may receive traffic: a
 * backendRef of weight 0 gets none (conversion.go `buildHTTPDestination` drops it), and a rule whose
 * only backend it is sends none.
 */
export function routeBackends(route: Resource): RouteBackend[] {
  const out: RouteBackend[] = [];
  listOf(route.spec.rules).forEach((rule, i) => {
    if (!isRecord(rule)) return;
    const refs = listOf(rule.backendRefs)
      .map((ref, j) => ({ ref, j }))
      .filter((e): e is { ref: Record<string, any>; j: number } => isRecord(e.ref) && typeof e.ref.name === 'string')
      .map(({ ref, j }) => ({ ref, j, weight: typeof ref.weight === 'number' ? ref.weight : 1 }))
      .filter((e) => e.weight !== 0);
    for (const { ref, j, weight } of refs) {
      const backend: Backend = {
        kind: typeof ref.kind === 'string' ? ref.kind : 'Service',
        name: String(ref.name),
        namespace: typeof ref.namespace === 'string' ? ref.namespace : route.namespace,
        ...(typeof ref.port === 'number' ? { port: ref.port } : {}),
      };
      out.push({ backend, weight, split: refs.length > 1, path: ['spec', 'rules', i, 'backendRefs', j] });
    }
  });
  return out;
}

/**
 * The host a backend names, as Istio converts it (pilot/pkg/config/kube/gateway/conversion.go
 * `buildDestination`): a Service is `<name>.<namespace>.svc.cluster.local`, a `Hostname` its name; other kinds are not followed here.
 */
export function backendHost(backend: Backend): string | undefined {
  if (backend.kind === 'Service') return serviceHost(backend.name, backend.namespace);
  if (backend.kind === 'Hostname') return backend.name.toLowerCase();
  return undefined;
}

/** The host of the Service Istio deploys for a Gateway API Gateway (`<gateway>-<gatewayClassName>` in its namespace, deploymentcontroller.go). */
export function deployedServiceHost(gateway: Resource): string | undefined {
  return typeof gateway.spec.gatewayClassName === 'string' ? serviceHost(`${gateway.name}-${gateway.spec.gatewayClassName}`, gateway.namespace) : undefined;
}

/**
 * The Gateway API Gateway whose Service is `host` (`<service>.<namespace>.svc.cluster.local`): Istio's
 * gateway controller names that Service `<gateway>-<gatewayClassName>` (deploymentcontroller.go), in the Gateway's namespace.
 */
export function deployedGateway(index: IndexReader, host: string): Resource | undefined {
  const namespace = clusterLocalNamespace(host);
  if (namespace === undefined) return undefined;
  return index.withTag('Gateway', `ns:${namespace}`).find((g) => g.group === GATEWAY_API && deployedServiceHost(g) === host);
}

/** A Gateway API route attached to `gateway` whose hostnames (none: every host) admit `host`: where the gateway sends it. */
export function gatewayForwardRoute(index: IndexReader, gateway: Resource, host: string): Resource | undefined {
  for (const kind of GATEWAY_API_ROUTES) {
    for (const route of index.withTag(kind, `ns:${gateway.namespace}`)) {
      if (route.group !== GATEWAY_API) continue;
      const attached = listOf(route.spec.parentRefs).some(
        (p) => isRecord(p) && p.name === gateway.name && (p.kind ?? 'Gateway') === 'Gateway' && (p.namespace ?? route.namespace) === gateway.namespace,
      );
      const hostnames = listOf(route.spec.hostnames);
      if (attached && (hostnames.length === 0 || hostnames.some((h) => typeof h === 'string' && (h === host || hostSubsetOf(host, h))))) return route;
    }
  }
  return undefined;
}

/** A route's parent that is a host of the mesh rather than a Gateway: a Kubernetes Service or a ServiceEntry (GAMMA). */
interface MeshParent {
  kind: 'Service' | 'ServiceEntry';
  name: string;
  namespace: string;
  /** Set when the parentRef names one port: the route applies to that port only. */
  port?: number;
}

/**
 * A route's `parentRef` as a mesh parent, as Istio reads it (conversion.go `toInternalParentReference`:
 * group and kind default to the Gateway API's Gateway, so a Service needs `group: ""` and a ServiceEntry
 * `group: networking.istio.io`; `namespace` defaults to the route's); undefined for a Gateway or another kind.
 */
function meshParent(route: Resource, ref: unknown): MeshParent | undefined {
  if (!isRecord(ref) || typeof ref.name !== 'string') return undefined;
  const group = typeof ref.group === 'string' ? ref.group : GATEWAY_API;
  const kind = typeof ref.kind === 'string' ? ref.kind : 'Gateway';
  const isService = group === '' && kind === 'Service';
  if (!isService && !(group === ISTIO_NETWORKING && kind === 'ServiceEntry')) return undefined;
  return {
    kind: isService ? 'Service' : 'ServiceEntry',
    name: ref.name,
    namespace: typeof ref.namespace === 'string' ? ref.namespace : route.namespace,
    ...(typeof ref.port === 'number' ? { port: ref.port } : {}),
  };
}

/** Whether a route attaches to `definer` (a ServiceEntry or a core Service) on `port` (any port when not given), through one of its parentRefs. */
export function attachesTo(route: Resource, definer: Resource, port?: number): boolean {
  return listOf(route.spec.parentRefs).some((ref) => {
    const parent = meshParent(route, ref);
    return (
      parent !== undefined &&
      parent.kind === definer.kind &&
      (definer.kind === 'ServiceEntry' ? definer.group === ISTIO_NETWORKING : definer.group === '') &&
      parent.name === definer.name &&
      parent.namespace === definer.namespace &&
      (parent.port === undefined || port === undefined || parent.port === port)
    );
  });
}

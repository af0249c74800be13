/**
 * Gateways as Istio finds them: how a VirtualService's gateway reference names a Gateway, where a
 * Gateway's proxies run (the namespace whose view of the mesh they use), and which Services are
 * egress gateways, whether from the settings or declared in the workspace.
 * It does not decide what a gateway sees; visibility.ts does, from the namespaces answered here.
 */
import type { IndexReader } from '../index/workspace-index';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { Settings } from '../settings';
import { isRecord } from '../data';
import { labelsMatch, podLabels, workloadsMatching } from './workloads';
import { DEFAULT_ROOT_NAMESPACE } from './root-namespace';

/** Istio's root namespace, where the default egress gateway runs. */

/**
 * A gateway reference as Istio resolves it for a VirtualService in `namespace`: `ns/name` as
 * written, `./name` and a short `name` in the VirtualService's namespace, and the legacy dotted
 * forms `name.ns` and `name.ns.svc.cluster.local`, whose second label is the namespace.
 * Follows pilot/pkg/model/config.go resolveGatewayName; `mesh` is the caller's to handle.
 */
export function resolveGatewayName(ref: string, namespace: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const ns = ref.slice(0, slash);
    return { namespace: ns === '.' ? namespace : ns, name: ref.slice(slash + 1) };
  }
  const dot = ref.indexOf('.');
  if (dot < 0) return { namespace, name: ref };
  const rest = ref.slice(dot + 1);
  const next = rest.indexOf('.');
  return { namespace: next < 0 ? rest : rest.slice(0, next), name: ref.slice(0, dot) };
}

/**
 * The namespace of a Kubernetes Service host: `<name>.<namespace>`, `<name>.<namespace>.svc` or
 * `<name>.<namespace>.svc.<cluster domain>`; Istio's root namespace for any other host.
 * The generator and the analyzers both place the egress gateway with it, so they agree.
 */
export function serviceHostNamespace(host: string): string {
  const parts = host.trim().toLowerCase().split('.');
  if (parts.length >= 2 && parts[0] !== '' && parts[1] !== '' && (parts.length === 2 || parts[2] === 'svc')) return parts[1];
  return DEFAULT_ROOT_NAMESPACE;
}

/** The namespace the egress gateway from the settings runs in: the namespace of its Service host (istio-system by default). */
export function egressGatewayNamespace(settings: Settings): string {
  return serviceHostNamespace(settings.egressGateway.host);
}

/** A Gateway's selector as labels; empty when it has none. */
export function gatewaySelector(gw: Resource): Record<string, string> {
  return isRecord(gw.spec.selector) ? Object.fromEntries(Object.entries(gw.spec.selector).map(([k, v]) => [k, String(v)])) : {};
}

/** Where a Gateway's proxies run. `known` is false when the namespaces are Istio's usual places, not facts of the workspace. */
export interface GatewayPlacement {
  namespaces: string[];
  known: boolean;
}

/**
 * The namespaces of the proxies a Gateway configures: those of the workloads its selector picks,
 * else the egress gateway's of the settings when it selects that gateway (known only when the Gateway
 * is in that namespace too), else (the pods live
 * outside the workspace) Istio's root namespace and the Gateway's own, where gateways usually run.
 * A gateway proxy reads its configuration as its own namespace sees it (pilot/pkg/model/context.go
 * `ConfigNamespace`), so this is the namespace whose view its rules use. Workloads whose files write
 * no namespace make the answer assumed, not known.
 */
export function gatewayPlacement(index: IndexReader, settings: Settings, gw: Resource): GatewayPlacement {
  const selector = gatewaySelector(gw);
  if (Object.keys(selector).length > 0) {
    const workloads = workloadsMatching(index, selector);
    // A workload whose file writes no namespace goes wherever kubectl -n or a kustomization puts it.
    if (workloads.length > 0) return { namespaces: [...new Set(workloads.map((w) => w.namespace))].sort(), known: workloads.every((w) => w.namespaceExplicit) };
    // The settings' namespace is a default, not a fact: Helm installs the same labels in any namespace
    // (`helm install istio-egressgateway istio/gateway -n istio-egress`). It is known only for a Gateway in that namespace.
    if (labelsMatch(selector, settings.egressGateway.selector)) {
      const namespace = egressGatewayNamespace(settings);
      return { namespaces: [namespace], known: gw.namespace === namespace };
    }
  }
  return { namespaces: [...new Set([DEFAULT_ROOT_NAMESPACE, gw.namespace])], known: false };
}

/** An egress gateway: its Service host, the namespace its proxies run in and the labels its pods carry. */
export interface EgressGateway {
  host: string;
  namespace: string;
  selector: Record<string, string>;
  /** `settings` for `istioEgress.egressGateway`; `workspace` for a Service whose pods an Istio Gateway selects. */
  origin: 'settings' | 'workspace';
  service?: Resource;
  /** The Istio Gateways that select its pods (workspace gateways only). */
  gateways: Resource[];
}

/** The egress gateway of the settings. */
export function settingsEgressGateway(settings: Settings): EgressGateway {
  return {
    host: settings.egressGateway.host.toLowerCase(),
    namespace: egressGatewayNamespace(settings),
    selector: settings.egressGateway.selector,
    origin: 'settings',
    gateways: [],
  };
}

/**
 * The gateway proxy behind a Service host, when it is one: the settings' egress gateway, or a
 * Service of the workspace whose pods (those of its selector, or the declared workloads it
 * selects) an Istio Gateway selects. When mesh rules send traffic to such a host, it is an egress
 * gateway and gets every check the default one gets. Undefined for any other host.
 */
export function gatewayBehindHost(index: IndexReader, settings: Settings, host: string): EgressGateway | undefined {
  if (host === settings.egressGateway.host.toLowerCase()) return settingsEgressGateway(settings);
  if (!host.endsWith('.svc.cluster.local')) return undefined;
  for (const service of index.withHost('Service', host)) {
    if (service.group !== '' || !isRecord(service.spec.selector)) continue;
    const selector = Object.fromEntries(Object.entries(service.spec.selector).map(([k, v]) => [k, String(v)]));
    if (Object.keys(selector).length === 0) continue;
    const pods = workloadsMatching(index, selector)
      .filter((w) => w.namespace === service.namespace)
      .map(podLabels);
    const labelSets = pods.length > 0 ? pods : [selector];
    const gateways = new Map<string, Resource>();
    for (const labels of labelSets) {
      for (const [k, v] of Object.entries(labels)) {
        for (const gw of index.withTag('Gateway', `selector:${k}=${v}`)) {
          const gs = gatewaySelector(gw);
          if (gw.group === ISTIO_NETWORKING && Object.keys(gs).length > 0 && labelsMatch(gs, labels)) gateways.set(`${gw.namespace}/${gw.name}`, gw);
        }
      }
    }
    if (gateways.size === 0) continue;
    return { host, namespace: service.namespace, selector: labelSets[0], origin: 'workspace', service, gateways: [...gateways.values()] };
  }
  return undefined;
}

/** Whether an Istio Gateway selects the pods of an egress gateway (an empty selector does not count). */
export function gatewaySelects(gw: Resource, egress: Pick<EgressGateway, 'selector'>): boolean {
  const selector = gatewaySelector(gw);
  return Object.keys(selector).length > 0 && labelsMatch(selector, egress.selector);
}

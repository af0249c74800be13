/**
 * The service registry as a namespace sees it: the ServiceEntries and Kubernetes Services that define
 * a host and are exported there, the hosts every cluster has (kube-dns, istiod, the egress gateway), and
 * the Services Istio deploys for Kubernetes Gateways. It says what defines a host; which DestinationRule
 * or route applies to it is decided elsewhere.
 */
import { ISTIO_NETWORKING, GATEWAY_API, type Resource } from '../parse/resource';
import { CLUSTER_DOMAIN } from './hosts';
import type { Settings } from '../settings';
import type { IndexReader } from '../index/workspace-index';
import { isEgressGatewayHost } from './gateways';
import { isVisibleIn } from './export-defaults';

/** ServiceEntries that define `host` (exactly, or through a wildcard), visible from `namespace` (the mesh config's default exportTo included). */
export function serviceEntriesFor(index: IndexReader, host: string, namespace: string): Resource[] {
  return index.matchingHost('ServiceEntry', host).filter((se) => se.group === ISTIO_NETWORKING && isVisibleIn(index, se, namespace));
}

/** Kubernetes Services whose FQDN is `host`, visible from `namespace` (the mesh config's default exportTo included). */
export function servicesFor(index: IndexReader, host: string, namespace: string): Resource[] {
  return index.withHost('Service', host).filter((s) => isVisibleIn(index, s, namespace));
}

/** Hosts every cluster has, even when the workspace does not define them. */
const ASSUMED_HOSTS = new Set([`kube-dns.kube-system.${CLUSTER_DOMAIN}`, `kubernetes.default.${CLUSTER_DOMAIN}`, `istiod.istio-system.${CLUSTER_DOMAIN}`]);

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
function kubernetesGatewayForService(index: IndexReader, host: string): Resource[] {
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

/**
 * How a host written in a resource becomes the name Istio uses: a ServiceEntry's hosts are taken as
 * written (pilot/pkg/serviceregistry/serviceentry/conversion.go), while the short hosts of
 * VirtualServices and DestinationRules are qualified with the resource's namespace
 * (pilot/pkg/model/config.go ResolveShortnameToFQDN) to `<name>.<namespace>.svc.cluster.local`.
 * It does not decide what the host matches: host-match.ts does.
 */
import type { Resource } from '../parse/resource';

export const CLUSTER_DOMAIN = 'svc.cluster.local';

/** Whether a host is a wildcard (`*` or `*.example.com`). */
export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** A host as written in `namespace`, made fully qualified the way Istio does for Kubernetes short names. */
export function resolveHost(host: string, namespace: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h === '' || h.includes('.') || h === '*') return h;
  return `${h}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** The FQDN of a Kubernetes Service. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** A host as written in a resource of `kind` in `namespace`, as Istio names it. */
export function hostAsIstioNamesIt(kind: string, host: string, namespace: string): string {
  return kind === 'ServiceEntry' ? host.trim().toLowerCase().replace(/\.$/, '') : resolveHost(host, namespace);
}

/** Hosts of a ServiceEntry (as written) or VirtualService (short names qualified in its namespace). */
export function hostsOf(r: Resource): string[] {
  const raw = Array.isArray(r.spec.hosts) ? r.spec.hosts : [];
  return raw.filter((h): h is string => typeof h === 'string').map((h) => hostAsIstioNamesIt(r.kind, h, r.namespace));
}

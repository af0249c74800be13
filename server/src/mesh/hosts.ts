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
  const h = withoutFinalDot(host.trim().toLowerCase());
  if (h === '' || h.includes('.') || h === '*') return h;
  return `${h}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** A host without its final dot (`example.com.` is `example.com`); asked for every host the analyzers read, so without a regular expression. */
function withoutFinalDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** The FQDN of a Kubernetes Service. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** A host as written in a resource of `kind` in `namespace`, as Istio names it. */
export function hostAsIstioNamesIt(kind: string, host: string, namespace: string): string {
  return kind === 'ServiceEntry' ? withoutFinalDot(host.trim().toLowerCase()) : resolveHost(host, namespace);
}

/** Each resource's hosts, for the namespace they were qualified in: checks ask for them again and again. */
const hostsByResource = new WeakMap<Resource, { namespace: string; hosts: readonly string[] }>();

/** Hosts of a ServiceEntry (as written) or VirtualService (short names qualified in its namespace). Shared between callers, so frozen. */
export function hostsOf(r: Resource): readonly string[] {
  let known = hostsByResource.get(r);
  if (known?.namespace !== r.namespace) {
    const raw = Array.isArray(r.spec.hosts) ? r.spec.hosts : [];
    const hosts = raw.filter((h): h is string => typeof h === 'string').map((h) => hostAsIstioNamesIt(r.kind, h, r.namespace));
    hostsByResource.set(r, (known = { namespace: r.namespace, hosts: Object.freeze(hosts) }));
  }
  return known.hosts;
}

/**
 * Host names as Istio treats them: short names resolve to `<name>.<namespace>.svc.cluster.local`,
 * `*` wildcards match whole leading labels, and `namespace/host` forms appear in gateway bindings.
 */

export const CLUSTER_DOMAIN = 'svc.cluster.local';

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** A host as written in `namespace`, made fully qualified the way Istio does for Kubernetes short names. */
export function resolveHost(host: string, namespace: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h === '' || h.includes('.') || h === '*') return h;
  return `${h}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** Whether `pattern` (possibly `*.example.com` or `*`) matches the concrete or wildcard `host`. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (pattern.startsWith('*')) {
    const suffix = pattern.slice(1);
    if (host.startsWith('*')) return host.slice(1).endsWith(suffix);
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return false;
}

/** Whether two hosts, either possibly a wildcard, have any name in common. */
export function hostsIntersect(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/** The FQDN of a Kubernetes Service. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.${CLUSTER_DOMAIN}`;
}

/**
 * Host name matching as Istio's `host.Name` does it (pkg/config/host/name.go): one host is a subset
 * of another, two hosts match each other, and the most specific of several configured hosts for a
 * name. Hosts here are already qualified (see hosts.ts for short names); this module only
 * compares them. Every comparison of hosts in the extension goes through it.
 */
import { isWildcard } from './hosts';

/**
 * Whether every name `h` stands for is also named by `of` (host.Name.SubsetOf): `api.example.com` is a
 * subset of `*.example.com` and of `*`, but `*.example.com` is not a subset of `api.example.com`.
 */
export function hostSubsetOf(h: string, of: string): boolean {
  if (isWildcard(h) && isWildcard(of)) return h.length >= of.length && h.slice(1).endsWith(of.slice(1));
  if (isWildcard(h)) return false;
  if (isWildcard(of)) return h.length >= of.length && h.endsWith(of.slice(1));
  return h === of;
}

/** Whether two hosts name at least one common name (host.Name.Matches): either is a subset of the other. */
export function hostsMatch(a: string, b: string): boolean {
  return hostSubsetOf(a, b) || hostSubsetOf(b, a);
}

/**
 * The configured host that applies to `needle`, as Istio's MostSpecificHostMatch picks it
 * (pilot/pkg/model/config.go): the needle itself when configured, else the longest wildcard whose
 * suffix the needle ends with. A wildcard needle is matched against wildcards only. Undefined when none applies.
 */
export function mostSpecificHostMatch(needle: string, configured: Iterable<string>): string | undefined {
  const all = new Set(configured);
  if (all.has(needle)) return needle;
  const name = isWildcard(needle) ? needle.slice(1) : needle;
  let best: string | undefined;
  for (const h of all) {
    if (!isWildcard(h) || !name.endsWith(h.slice(1))) continue;
    if (best === undefined || h.length > best.length) best = h;
  }
  return best;
}

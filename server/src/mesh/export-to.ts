/**
 * Istio's `exportTo`: the namespaces a resource is exported to (a Kubernetes Service's from its
 * `networking.istio.io/exportTo` annotation), whether a namespace sees it, and whether two resources
 * share a namespace that sees both. Kept apart from visibility.ts, which imports the sidecar scope that
 * reads these, so that neither imports the other.
 */
import type { Resource } from '../parse/resource';

/** `exportTo` of a resource; a Kubernetes Service's comes from its `networking.istio.io/exportTo` annotation. */
export function exportTo(r: Resource): string[] {
  if (r.kind === 'Service' && r.group === '') {
    const a = r.annotations['networking.istio.io/exportTo'];
    return a
      ? a
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : ['*'];
  }
  const e = r.spec.exportTo;
  return Array.isArray(e) && e.length > 0 ? e.map(String) : ['*'];
}

/** Whether `exportTo` entries of a resource in namespace `own` let `namespace` see it. */
export function entriesAdmit(entries: readonly string[], own: string, namespace: string): boolean {
  return entries.some((e) => e === '*' || e === namespace || (e === '.' && own === namespace));
}

/** The namespaces `exportTo` entries of a resource in namespace `own` name, with '.' resolved: '*' for all; empty for '~' (nowhere). */
export function entryScopes(entries: readonly string[], own: string): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    if (e === '*') return new Set(['*']);
    if (e === '.') out.add(own);
    else if (!e.startsWith('~')) out.add(e);
  }
  return out;
}

/** The namespaces a resource is exported to by its written `exportTo` (see `entryScopes`). */
export function exportScopes(r: Resource): Set<string> {
  return entryScopes(exportTo(r), r.namespace);
}

/** Whether two resources are visible in at least one common namespace (the scope test of IST0109 and IST0177). */
export function scopesOverlap(a: Resource, b: Resource): boolean {
  const sa = exportScopes(a);
  const sb = exportScopes(b);
  if (sa.size === 0 || sb.size === 0) return false;
  if (sa.has('*') || sb.has('*')) return true;
  return [...sa].some((s) => sb.has(s));
}

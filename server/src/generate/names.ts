/**
 * Names for generated resources: DNS-1123 labels derived from a host, made unique against the
 * resources the workspace already has.
 */
import type { IndexReader } from '../index/workspace-index';

/** A DNS-1123 label from free text: `*.Wikipedia.org` → `wildcard-wikipedia-org`. */
export function nameFromHost(host: string): string {
  const label = host
    .toLowerCase()
    .replace(/^\*\./, 'wildcard-')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return (label || 'external').slice(0, 63).replace(/-$/, '');
}

/** `base`, or `base-2`, `base-3`, … — the first name no resource of that kind has in the namespace. */
export function uniqueName(index: IndexReader, group: string, kind: string, namespace: string, base: string, taken: ReadonlySet<string> = new Set()): string {
  const free = (n: string) => !taken.has(n) && index.find(group, kind, namespace, n).length === 0;
  if (free(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = `${base.slice(0, 63 - suffix.length)}${suffix}`;
    if (free(candidate)) return candidate;
  }
}

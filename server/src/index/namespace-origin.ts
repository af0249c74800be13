/**
 * How messages name a resource's namespace: a namespace its document does not write is not a fact,
 * so every message that prints one says where it came from: `default` assumed because
 * metadata.namespace is not set, or the kustomization that set it. It only words; the index decides
 * the namespace (WorkspaceIndex, kustomizations.ts).
 */
import type { Resource } from '../parse/resource';
import { fileLabel } from './versions';

type Placed = Pick<Resource, 'uri' | 'namespace' | 'namespaceExplicit' | 'namespaceFrom'>;

/**
 * Where a resource's namespace comes from, in words: empty when its document writes it,
 * `assumed: metadata.namespace is not set`, or `from kustomization.yaml` with the kustomization's path
 * relative to the file the message is shown in (`shownIn`, by default the resource's own).
 */
export function namespaceOriginText(r: Placed, shownIn: string = r.uri): string {
  if (r.namespaceFrom !== undefined) return `from ${fileLabel(shownIn, r.namespaceFrom)}`;
  return r.namespaceExplicit ? '' : 'assumed: metadata.namespace is not set';
}

/** `namespaceOriginText` as a parenthesis to put after the namespace, or empty. */
export function namespaceOrigin(r: Placed, shownIn?: string): string {
  const text = namespaceOriginText(r, shownIn);
  return text ? ` (${text})` : '';
}

/** `namespace "shop"` with its origin (see namespaceOrigin). */
export function inNamespace(r: Placed, shownIn?: string): string {
  return `namespace "${r.namespace}"${namespaceOrigin(r, shownIn)}`;
}

/** `shop/name` with the namespace's origin (see namespaceOrigin), for messages naming another resource. */
export function qualifiedName(r: Placed & Pick<Resource, 'name'>, shownIn?: string): string {
  return `${r.namespace}/${r.name}${namespaceOrigin(r, shownIn)}`;
}

/**
 * For a message listing other resources as `"name" (namespace, in file)`: one sentence per namespace
 * among them that is not written, saying where it came from (` Namespace "default" is assumed where
 * metadata.namespace is not set.`), so a long list does not repeat it; empty when every namespace is written.
 */
export function namespaceOriginsNote(rs: readonly Placed[], shownIn: string): string {
  const sentences = new Set<string>();
  for (const r of rs) {
    if (r.namespaceFrom !== undefined) sentences.add(`Namespace "${r.namespace}" is from ${fileLabel(shownIn, r.namespaceFrom)}.`);
    else if (!r.namespaceExplicit) sentences.add(`Namespace "${r.namespace}" is assumed where metadata.namespace is not set.`);
  }
  return [...sentences]
    .sort()
    .map((x) => ` ${x}`)
    .join('');
}

/**
 * Several versions of one object: documents with the same identity (group, kind, namespace, name) in
 * different files, or twice in one file. Applying one replaces the other, so they are alternatives
 * (revisions, per-environment copies, a tutorial's steps), never objects that coexist.
 * This module decides which version a resource sees: its own, else the nearest by path.
 * It does not know how the versions differ, and it does no I/O.
 */
import type { Resource } from '../parse/resource';
import type { RelatedLocation } from '../model';
import { nameSpanOf } from '../parse/name-spans';

/** The identity the API server keys an object by; the API version is not part of it. */
export function identityOf(r: Pick<Resource, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${r.group}|${r.kind}|${r.namespace}|${r.name}`;
}

/** Whether two resources are the same document (the same object, or a re-parse of it at the same place). */
function sameDocument(a: Pick<Resource, 'uri' | 'docIndex'>, b: Pick<Resource, 'uri' | 'docIndex'>): boolean {
  return a === b || (a.uri === b.uri && a.docIndex === b.docIndex);
}

function folderSegments(uri: string): string[] {
  const parts = uri.split('/');
  parts.pop();
  return parts;
}

/**
 * How near a definition in `candidate` is to a reader in `from`, smaller is nearer: the same file
 * (its later document first, as applying the file leaves it), then the same folder, then the deepest
 * common ancestor folder, preferring definitions directly in that folder over those in its subfolders.
 */
function distance(from: string, candidate: Pick<Resource, 'uri' | 'docIndex'>): [number, number, number] {
  if (candidate.uri === from) return [0, 0, -candidate.docIndex];
  const a = folderSegments(from);
  const b = folderSegments(candidate.uri);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [1 + (a.length - common), b.length - common, 0];
}

function compareDistance(from: string, x: Resource, y: Resource): number {
  const dx = distance(from, x);
  const dy = distance(from, y);
  for (let i = 0; i < 3; i++) if (dx[i] !== dy[i]) return dx[i] - dy[i];
  // Equally near: the path decides, so the answer never depends on the order files were read in.
  return x.uri < y.uri ? -1 : x.uri > y.uri ? 1 : 0;
}

/** The version of an object a reader in `from` uses among several: the nearest one by path. */
export function nearestVersion(from: string, versions: readonly Resource[]): Resource {
  let best = versions[0];
  for (const v of versions) if (compareDistance(from, v, best) < 0) best = v;
  return best;
}

/**
 * One version of each object among `resources`, as `viewer` sees the workspace: the viewer itself for
 * its own identity (its other versions are replaced by it, so they disappear), the nearest version for
 * every other identity. The order of the first occurrence of each identity is kept.
 */
export function oneVersionEach(resources: Resource[], viewer: Resource, identity: (r: Resource) => string = identityOf): Resource[] {
  if (resources.length === 0) return resources;
  const own = identity(viewer);
  if (resources.length === 1) {
    const [r] = resources;
    return identity(r) === own && !sameDocument(r, viewer) ? [] : resources;
  }
  const groups = new Map<string, Resource[]>();
  for (const r of resources) {
    const id = identity(r);
    const g = groups.get(id);
    if (g) g.push(r);
    else groups.set(id, [r]);
  }
  if (groups.size === resources.length && !groups.has(own)) return resources;
  const out: Resource[] = [];
  for (const [id, versions] of groups) {
    if (id === own) {
      const self = versions.find((v) => sameDocument(v, viewer));
      if (self) out.push(self);
    } else {
      out.push(versions.length === 1 ? versions[0] : nearestVersion(viewer.uri, versions));
    }
  }
  return out;
}

/** The other versions of `r` in `index`-like lookups: same identity, another document. */
export function otherVersions(r: Resource, sameIdentity: readonly Resource[]): Resource[] {
  return sameIdentity.filter((o) => !sameDocument(o, r));
}

/**
 * Where another resource's file is, for a message shown in `from`: "this file", or the path relative
 * to `from`'s folder (`gateway.yaml`, `../base/gateway.yaml`), so a message about two resources names both files.
 */
export function fileLabel(from: string, to: string): string {
  if (from === to) return 'this file';
  const a = folderSegments(from);
  const b = to.split('/');
  let common = 0;
  while (common < a.length && common < b.length - 1 && a[common] === b[common]) common++;
  const up = a.length - common;
  if (common < 3) return decodeURIComponent(to.replace(/^file:\/\//, ''));
  return decodeURIComponent([...Array<string>(up).fill('..'), ...b.slice(common)].join('/'));
}

/**
 * Markdown for a hover over a resource's name when other documents define the same object: where
 * they are, and that they are alternatives. Undefined when the resource is the only version.
 */
export function otherVersionsNote(r: Resource, sameIdentity: readonly Resource[]): string | undefined {
  const others = otherVersions(r, sameIdentity);
  if (others.length === 0) return undefined;
  const where = [...new Set(others.map((o) => `\`${fileLabel(r.uri, o.uri)}\``))].sort();
  return (
    `**${others.length} other version${others.length === 1 ? '' : 's'}** of ` +
    `${r.kind} ${r.namespace}/${r.name} (same kind, namespace and name) in ${where.join(', ')}. ` +
    'Applying one replaces the other, so they are alternatives, not a conflict; ' +
    'references from this file use this version, references from elsewhere the nearest one.'
  );
}

/**
 * Related locations for a finding on `r` when other documents define the same object: one at each
 * other version's name, so that the finding says where the alternatives are and that it is about this one.
 */
export function otherVersionsRelated(r: Resource, sameIdentity: readonly Resource[]): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  for (const o of otherVersions(r, sameIdentity)) {
    const span = nameSpanOf(o.document);
    if (span)
      out.push({
        uri: o.uri,
        ...span,
        message:
          `Another version of ${r.kind} ${r.namespace}/${r.name} (same kind, namespace and name): ` +
          'applying one replaces the other; this finding is about the version in ' +
          decodeURIComponent(r.uri.slice(r.uri.lastIndexOf('/') + 1)),
      });
  }
  return out;
}

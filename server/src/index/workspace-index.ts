/**
 * WorkspaceIndex: every parsed file of the workspace, and indexed lookups over their resources
 * by kind, by (group, kind, namespace, name) and by host. Updating one file touches only that
 * file's entries, so edits stay cheap at tens of thousands of resources. It does no I/O.
 */
import type { ParsedFile } from '../parse/parse';
import type { Resource } from '../parse/resource';
import { resolveHost, serviceHost, isWildcard, hostMatches } from './hosts';

/**
 * What an update changed: the dependency keys of every resource added, removed or edited (its
 * kind, its identity and its hosts). A reader whose recorded keys meet these may see a different answer.
 */
export interface IndexChange {
  uri: string;
  keys: Set<string>;
}

/**
 * The queries analyzers make, recording the dependency key of each one so that the checker knows
 * which changes can alter a file's findings.
 */
export interface IndexReader {
  ofKind(kind: string, group?: string): Resource[];
  countOfKind(kind: string): number;
  find(group: string, kind: string, namespace: string, name: string): Resource[];
  withHost(kind: string, host: string): Resource[];
  matchingHost(kind: string, host: string): Resource[];
}

export const kindKey = (kind: string) => `kind|${kind}`;
export const nameKey = (group: string, kind: string, namespace: string, name: string) => `name|${group}|${kind}|${namespace}|${name}`;
export const hostKey = (kind: string, host: string) => `host|${kind}|${host}`;
const wildcardKey = (kind: string) => `wildcard|${kind}`;

/** The keys under which a change to `r` is visible to readers. */
function dependencyKeys(r: Resource): string[] {
  const hosts = declaredHosts(r);
  const keys = [kindKey(r.kind), nameKey(r.group, r.kind, r.namespace, r.name), ...hosts.map((h) => hostKey(r.kind, h))];
  if (hosts.some(isWildcard)) keys.push(wildcardKey(r.kind));
  return keys;
}

const ISTIO_HOST_KINDS = new Set(['ServiceEntry', 'DestinationRule', 'VirtualService']);

/** The hosts a resource declares, fully qualified, for the host index. */
export function declaredHosts(r: Resource): string[] {
  if (r.family === 'istio' && ISTIO_HOST_KINDS.has(r.kind)) {
    const raw: unknown[] = r.kind === 'DestinationRule' ? [r.spec.host] : Array.isArray(r.spec.hosts) ? r.spec.hosts : [];
    const out: string[] = [];
    // A bare `*` is not a valid ServiceEntry or VirtualService host (the API server rejects it), so it
    // must not make the resource match every host.
    for (const h of raw) if (typeof h === 'string' && h.trim() !== '' && (h.trim() !== '*' || r.kind === 'DestinationRule')) out.push(resolveHost(h, r.namespace));
    return out;
  }
  if (r.family === 'kubernetes' && r.kind === 'Service' && r.group === '' && r.name) return [serviceHost(r.name, r.namespace)];
  return [];
}

function multimapAdd<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function multimapDelete<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

export class WorkspaceIndex implements IndexReader {
  private readonly byUri = new Map<string, ParsedFile>();
  private readonly byKind = new Map<string, Set<Resource>>();
  private readonly byName = new Map<string, Set<Resource>>();
  private readonly byHost = new Map<string, Set<Resource>>();
  /** Resources with at least one wildcard host, by kind: few, so scanned on lookups. */
  private readonly wildcards = new Map<string, Set<Resource>>();
  private revision = 0;

  /** Grows by one with every change; caches compare it to know when to recompute. */
  get version(): number {
    return this.revision;
  }

  get size(): number {
    return this.byUri.size;
  }

  /** Adds or replaces a file. */
  setFile(file: ParsedFile): IndexChange {
    const keys = new Set<string>();
    const old = this.byUri.get(file.uri);
    if (old) for (const r of old.resources) this.unindex(r, keys);
    this.byUri.set(file.uri, file);
    for (const r of file.resources) this.indexResource(r, keys);
    this.revision++;
    return { uri: file.uri, keys };
  }

  removeFile(uri: string): IndexChange {
    const keys = new Set<string>();
    const old = this.byUri.get(uri);
    if (old) {
      for (const r of old.resources) this.unindex(r, keys);
      this.byUri.delete(uri);
      this.revision++;
    }
    return { uri, keys };
  }

  /** A reader over this index that adds the key of every query it answers to `deps`. */
  tracked(deps: Set<string>): IndexReader {
    return {
      ofKind: (kind, group) => (deps.add(kindKey(kind)), this.ofKind(kind, group)),
      countOfKind: (kind) => (deps.add(kindKey(kind)), this.countOfKind(kind)),
      find: (group, kind, namespace, name) => (deps.add(nameKey(group, kind, namespace, name)), this.find(group, kind, namespace, name)),
      withHost: (kind, host) => (deps.add(hostKey(kind, host)), this.withHost(kind, host)),
      matchingHost: (kind, host) => (deps.add(hostKey(kind, host)), deps.add(wildcardKey(kind)), this.matchingHost(kind, host)),
    };
  }

  file(uri: string): ParsedFile | undefined {
    return this.byUri.get(uri);
  }

  files(): IterableIterator<ParsedFile> {
    return this.byUri.values();
  }

  uris(): IterableIterator<string> {
    return this.byUri.keys();
  }

  /** All resources of a kind (any group unless given). */
  ofKind(kind: string, group?: string): Resource[] {
    const all = this.byKind.get(kind);
    if (!all) return [];
    return group === undefined ? [...all] : [...all].filter((r) => r.group === group);
  }

  countOfKind(kind: string): number {
    return this.byKind.get(kind)?.size ?? 0;
  }

  /** Resources with this identity; more than one when the workspace defines it twice. */
  find(group: string, kind: string, namespace: string, name: string): Resource[] {
    const set = this.byName.get(nameKey(group, kind, namespace, name));
    return set ? [...set] : [];
  }

  /** Resources of `kind` declaring exactly this (fully qualified) host. */
  withHost(kind: string, host: string): Resource[] {
    const set = this.byHost.get(hostKey(kind, host));
    return set ? [...set] : [];
  }

  /** Resources of `kind` with a host equal to `host` or a wildcard host matching it. */
  matchingHost(kind: string, host: string): Resource[] {
    const out = new Set(this.withHost(kind, host));
    for (const r of this.wildcards.get(kind) ?? []) {
      if (declaredHosts(r).some((h) => isWildcard(h) && hostMatches(h, host))) out.add(r);
    }
    return [...out];
  }

  /** Namespaces mentioned anywhere: Namespace objects and every resource's namespace. */
  namespaces(): Set<string> {
    const out = new Set<string>();
    for (const r of this.ofKind('Namespace')) out.add(r.name);
    for (const set of this.byKind.values()) for (const r of set) out.add(r.namespace);
    return out;
  }

  private indexResource(r: Resource, keys: Set<string>): void {
    for (const k of dependencyKeys(r)) keys.add(k);
    multimapAdd(this.byKind, r.kind, r);
    multimapAdd(this.byName, nameKey(r.group, r.kind, r.namespace, r.name), r);
    const hosts = declaredHosts(r);
    for (const h of hosts) multimapAdd(this.byHost, hostKey(r.kind, h), r);
    if (hosts.some(isWildcard)) multimapAdd(this.wildcards, r.kind, r);
  }

  private unindex(r: Resource, keys: Set<string>): void {
    for (const k of dependencyKeys(r)) keys.add(k);
    multimapDelete(this.byKind, r.kind, r);
    multimapDelete(this.byName, nameKey(r.group, r.kind, r.namespace, r.name), r);
    for (const h of declaredHosts(r)) multimapDelete(this.byHost, hostKey(r.kind, h), r);
    multimapDelete(this.wildcards, r.kind, r);
  }
}

/**
 * WorkspaceIndex: every parsed file of the workspace, and indexed lookups over their resources
 * by kind, by (group, kind, namespace, name) and by host. Updating one file touches only that
 * file's entries, so edits stay cheap at tens of thousands of resources. It does no I/O.
 */
import type { ParsedFile } from '../parse/parse';
import { takeDerived } from '../parse/parsed-record';
import type { Resource } from '../parse/resource';
import { resolveHost, serviceHost, isWildcard, CLUSTER_DOMAIN, hostAsIstioNamesIt } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { isRecord, SetMap } from '../data';
import { oneVersionEach } from './versions';
import { meshesMeet } from './meshes';
import { CLUSTER_SCOPED_KINDS, KustomizationGraph, pathKey, type KustomizedNamespace } from './kustomizations';
import { routeDestinations, ruleGateways } from '../mesh/routes';
import { MESH_GATEWAY } from '../mesh/gateways';
import { exportScopes } from '../mesh/export-to';
import { WORKLOAD_KINDS } from '../mesh/workloads';
import { hashText, intern, internWhole, KeysByParts } from './compact';

/**
 * What an update changed: the dependency keys of every resource added, removed or edited (its
 * kind, its identity and its hosts). A reader whose recorded keys meet these may see a different answer.
 */
export interface IndexChange {
  uri: string;
  keys: Set<string>;
  /** Other files whose resources changed namespace because a kustomization changed: their own findings may differ. */
  reindexed?: string[];
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
  /** Resources of `kind` carrying a secondary key (see `tagsOf`), such as `ns:shop` or `dest:<host>`. */
  withTag(kind: string, tag: string): Resource[];
  /**
   * A few (at most `SOME`) resources of `kind` carrying a tag, for questions such as "does any
   * VirtualService export a route to the egress gateway": the reader depends on those few and on
   * whether there are any, not on every resource with the tag.
   */
  someWithTag(kind: string, tag: string): Resource[];
  /** The distinct names of the resources of a kind in a group, in index order: what a did-you-mean compares with. */
  namesOf(kind: string, group: string): readonly string[];
  /**
   * `compute`'s answer, which must depend only on what it reads through the reader it is given (not
   * on settings), kept under `key` until a change to the index meets the keys it read (or replaces a
   * resource it may hold), and shared by every reader that asks, when all readers see the same workspace
   * (no object defined twice, one mesh); the keys it read are recorded for each reader that asks. Callers
   * must not modify the answer. Readers without it compute.
   */
  shared?<T>(key: string, compute: (reader: IndexReader) => T): T;
}

/** How many resources `someWithTag` returns. */
const SOME = 3;

const kindKey = (kind: string) => `kind|${kind}`;
export const nameKey = (group: string, kind: string, namespace: string, name: string) => `name|${group}|${kind}|${namespace}|${name}`;
const hostKey = (kind: string, host: string) => `host|${kind}|${host}`;
const wildcardKey = (kind: string) => `wildcard|${kind}`;
const tagKey = (kind: string, tag: string) => `tag|${kind}|${tag}`;
/** The tag in `tagKey(kind, tag)`: what follows `tag|`, the kind and `|`. */
const tagIn = (kind: string, key: string) => key.slice(kind.length + 5);
/** Fires when the first `SOME` resources with a tag change: see `someWithTag`. */
const someKey = (kind: string, tag: string) => `some|${kind}|${tag}`;

/**
 * The interned keys of a tracked reader's lookups, found by their parts (see `KeysByParts`): the same
 * strings as `kindKey`, `nameKey`, `hostKey`, `tagKey`, `someKey` and `wildcardKey` give.
 */
const readKeys = {
  kind: new KeysByParts(kindKey),
  name: new KeysByParts(nameKey),
  host: new KeysByParts(hostKey),
  tag: new KeysByParts(tagKey),
  some: new KeysByParts(someKey),
  wildcard: new KeysByParts(wildcardKey),
};

/**
 * Secondary keys that let analyzers look up narrowly instead of scanning a kind:
 * `ns:<namespace>` for every resource; `subset:<host>|<name>` for DestinationRule subsets, and
 * `host-in:<host>|<namespace>` for a DestinationRule's host in its namespace; `name:<name>` for cluster-scoped Namespaces and for Gateways;
 * `dest:<host>` for each route destination host of a VirtualService; for each route (not mirror) of a
 * rule that applies to the mesh, `mesh-dest:<host>`, `mesh-route:<host>|<scope>` per namespace it is exported to (`*` for all)
 * and `mesh-route-in:<host>|<namespace>` when it is visible in its own namespace, and, when the host is a
 * Kubernetes Service's, `mesh-svc-route:<scope>` for the same namespaces (its own included when visible there); `credential:<name>`,
 * `certificate:<path>` and `server-host:<host>` (without its namespace part) for Gateway servers, `selector:<key>=<value>`
 * for a Gateway's or a Kubernetes Service's selector; `cluster-ns:<namespace>` for ServiceEntry hosts in a
 * namespace's cluster domain; `label:<key>=<value>` for a workload's pod labels; `mesh-config` for
 * resources that carry the mesh config.
 */
function tagsOf(r: Resource): string[] {
  const tags = [`ns:${r.namespace}`];
  if (r.kind === 'Namespace' || r.kind === 'Gateway') tags.push(`name:${r.name}`);
  if (r.meshConfig) tags.push('mesh-config');
  const spec = r.spec;
  if (r.family === 'istio' && r.kind === 'VirtualService') {
    for (const section of ['http', 'tls', 'tcp']) {
      for (const rule of Array.isArray(spec[section]) ? spec[section] : []) {
        if (!isRecord(rule)) continue;
        const dests = [
          ...(Array.isArray(rule.route) ? rule.route.map((x: any) => x?.destination) : []),
          rule.mirror,
          ...(Array.isArray(rule.mirrors) ? rule.mirrors.map((x: any) => x?.destination) : []),
        ];
        for (const d of dests) if (isRecord(d) && typeof d.host === 'string') tags.push(`dest:${resolveHost(d.host, r.namespace)}`);
      }
    }
    const scopes = exportScopes(r);
    for (const d of routeDestinations(r)) {
      if (d.mirror || !ruleGateways(r, d).includes(MESH_GATEWAY)) continue;
      const inOwn = scopes.has('*') || scopes.has(r.namespace);
      tags.push(`mesh-dest:${d.host}`);
      for (const scope of scopes) tags.push(`mesh-route:${d.host}|${scope}`);
      if (inOwn) tags.push(`mesh-route-in:${d.host}|${r.namespace}`);
      if (d.host.endsWith(`.${CLUSTER_DOMAIN}`)) {
        for (const scope of scopes) tags.push(`mesh-svc-route:${scope}`);
        if (inOwn) tags.push(`mesh-svc-route:${r.namespace}`);
      }
    }
  }
  if (r.family === 'istio' && r.kind === 'DestinationRule' && typeof spec.host === 'string') {
    const host = resolveHost(spec.host, r.namespace);
    tags.push(`host-in:${host}|${r.namespace}`);
    for (const s of Array.isArray(spec.subsets) ? spec.subsets : []) if (isRecord(s) && typeof s.name === 'string') tags.push(`subset:${host}|${s.name}`);
  }
  if (r.kind === 'Service' && r.group === '' && isRecord(spec.selector))
    for (const [k, v] of Object.entries(spec.selector)) tags.push(`selector:${k}=${String(v)}`);
  if (r.family === 'istio' && r.kind === 'Gateway') {
    if (isRecord(spec.selector)) for (const [k, v] of Object.entries(spec.selector)) tags.push(`selector:${k}=${String(v)}`);
    for (const server of Array.isArray(spec.servers) ? spec.servers : []) {
      const tls = isRecord(server) && isRecord(server.tls) ? server.tls : undefined;
      if (typeof tls?.credentialName === 'string') tags.push(`credential:${tls.credentialName}`);
      if (typeof tls?.serverCertificate === 'string') tags.push(`certificate:${tls.serverCertificate}`);
      for (const h of isRecord(server) && Array.isArray(server.hosts) ? server.hosts : []) {
        if (typeof h === 'string') tags.push(`server-host:${h.slice(h.indexOf('/') + 1).toLowerCase()}`);
      }
    }
  }
  if (r.family === 'istio' && r.kind === 'ServiceEntry') {
    for (const h of declaredHosts(r)) {
      const m = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(h);
      if (m) tags.push(`cluster-ns:${m[1]}`);
    }
  }
  if (WORKLOAD_KINDS.includes(r.kind)) {
    const t = spec.template;
    const labels = r.kind === 'Pod' ? r.labels : r.kind === 'WorkloadEntry' ? spec.labels : isRecord(t) && isRecord(t.metadata) ? t.metadata.labels : undefined;
    if (isRecord(labels)) for (const [k, v] of Object.entries(labels)) tags.push(`label:${k}=${String(v)}`);
  }
  return [...new Set(tags)];
}

/** A shared answer (see `IndexReader.shared`) and the index keys its computation read. */
interface SharedAnswer {
  value: unknown;
  deps: readonly string[];
  /** The last reader (see `tracked`) that recorded `deps`: a reader asks for the same answer again and again. */
  recordedBy: number;
}

/** What the index stores of a resource, computed once. */
interface Entry {
  /** The resource's file and document number (see `slotOf`). */
  slot: string;
  hosts: string[];
  /** How many tags the resource has (see `tagsOf`); the tags themselves are read from `keys`. */
  tagCount: number;
  /** The dependency keys, which are also the index's map keys: kind, identity, one per host (in the order of `hosts`), one per tag, wildcard. */
  keys: string[];
  /**
   * A hash of the resource's text, namespace and place among the file's documents, to tell an edited
   * resource from an untouched one. Its offset in the file is left out: a document that only moved
   * within its file (because an earlier one grew) is not a change, and readers that show a location
   * in it look the position up when they publish.
   */
  fingerprint: string;
}

const entries = new WeakMap<Resource, Entry>();
/** The hash of the text each indexed resource is read from (see `hashDocumentTexts`). */
const textHashes = new WeakMap<Resource, string>();

/**
 * Hashes the text each resource of a file is read from: its document, and the text before it since
 * the previous one when that may hold a directive (`%TAG`), which changes how the document reads.
 * The same text reads the same, at the same offsets within the document, so findings kept relative
 * to the document stay right; a change of layout inside a document is a change, comments and blank
 * lines between documents are not.
 */
function hashDocumentTexts(file: ParsedFile, derived: (IndexParts | undefined)[]): void {
  let from = 0;
  for (const d of file.documents) {
    if (d.resource) {
      textHashes.set(d.resource, derived[d.index]?.textHash ?? documentTextHash(file.text, from, d.start, d.end));
      entries.delete(d.resource);
    }
    from = d.end;
  }
}

/** The hash `hashDocumentTexts` gives the document from `start` to `end`, the previous one ending at `from`. */
function documentTextHash(text: string, from: number, start: number, end: number): string {
  return hashText(text, text.slice(from, start).includes('%') ? from : start, end);
}

/**
 * What the index derives from a resource and its file's text alone: worked out where the file is parsed
 * (a parse thread, see parse/parsed-record.ts) and sent with its record, so that indexing the file here
 * only interns and files the keys. They hold while the resource keeps the namespace they were derived for.
 */
export interface IndexParts {
  namespace: string;
  /** See `hashDocumentTexts`. */
  textHash: string;
  hosts: string[];
  tagCount: number;
  /** Interned (see `derivedParts` and `Entry.keys`). */
  keys: string[];
}

/**
 * `IndexParts` as a record carries them across threads: a string (host or key) that an earlier document of the
 * file, or an earlier place in this one, has written already is its number among the file's distinct strings,
 * in the order they first come. A file's documents share most of their keys (the kinds, the namespace's tags,
 * a host's), so each distinct string is copied to the index's thread and interned once per file, not once per use.
 */
export interface RecordedIndexParts extends Omit<IndexParts, 'hosts' | 'keys'> {
  hosts: (string | number)[];
  keys: (string | number)[];
}

/** Each document's `IndexParts` (null for a document without a resource), for `parsedRecord` to send with the file. */
export function indexPartsOf(file: ParsedFile): (RecordedIndexParts | null)[] {
  let from = 0;
  const numbers = new Map<string, number>();
  const recorded = (s: string): string | number => {
    const n = numbers.get(s);
    if (n !== undefined) return n;
    numbers.set(s, numbers.size);
    return s;
  };
  return file.documents.map((d) => {
    const r = d.resource;
    let parts: RecordedIndexParts | null = null;
    if (r) {
      const { hosts, tagCount, keys } = keysOf(r);
      parts = {
        namespace: r.namespace,
        textHash: documentTextHash(file.text, from, d.start, d.end),
        hosts: hosts.map(recorded),
        tagCount,
        keys: keys.map(recorded),
      };
    }
    from = d.end;
    return parts;
  });
}

const isPartial = (p: unknown): p is Partial<RecordedIndexParts> => typeof p === 'object' && p !== null;

/**
 * The parts a record brought for each document (see `indexPartsOf`), their strings interned, where they have their
 * shape: nothing from another thread is trusted. A file with any part out of shape is worked out here whole, as the
 * numbers of its later parts would not name the right strings. Records keep their parts only until the index takes
 * them (`takeDerived`), so a cache file never holds them.
 */
function derivedParts(file: ParsedFile): (IndexParts | undefined)[] {
  const derived = takeDerived(file);
  if (!Array.isArray(derived) || derived.length !== file.documents.length) return [];
  const distinct: string[] = [];
  const strings = (list: unknown): string[] | undefined => {
    if (!Array.isArray(list)) return undefined;
    const out = new Array<string>(list.length);
    for (let i = 0; i < list.length; i++) {
      const s: unknown = list[i];
      // A string from a record was copied from another thread or read from a cache file, so it is in one piece already.
      if (typeof s === 'string') distinct.push((out[i] = internWhole(s)));
      else if (typeof s === 'number' && Number.isInteger(s) && s >= 0 && s < distinct.length) out[i] = distinct[s];
      else return undefined;
    }
    return out;
  };
  const out: (IndexParts | undefined)[] = [];
  for (const q of derived) {
    if (q === null) {
      out.push(undefined);
      continue;
    }
    if (!isPartial(q) || typeof q.namespace !== 'string' || typeof q.textHash !== 'string' || !Number.isSafeInteger(q.tagCount)) return [];
    const hosts = strings(q.hosts);
    const keys = hosts && strings(q.keys);
    if (!hosts || !keys || keys.length < 2 + hosts.length + q.tagCount!) return [];
    out.push({ namespace: q.namespace, textHash: q.textHash, hosts, tagCount: q.tagCount!, keys });
  }
  return out;
}

/** A resource's hosts and dependency keys (see `Entry`), keys not interned yet. */
function keysOf(r: Resource): Pick<IndexParts, 'hosts' | 'tagCount' | 'keys'> {
  // Arrays grown by `push` keep spare room; the index holds these for every resource, so they are copied to size.
  const hosts = declaredHosts(r).slice();
  const tags = tagsOf(r);
  const keys = [
    kindKey(r.kind),
    nameKey(r.group, r.kind, r.namespace, r.name),
    ...hosts.map((h) => hostKey(r.kind, h)),
    ...tags.map((t) => tagKey(r.kind, t)),
    ...(hosts.some(isWildcard) ? [wildcardKey(r.kind)] : []),
  ];
  return { hosts, tagCount: tags.length, keys };
}

/**
 * Adds to `out` every key a lookup that finds `r` records: its entry's keys, and the `someKey` of each of
 * its tags, as `someWithTag` may answer with it.
 */
function keysOfEntry(r: Resource, out: Set<string>): void {
  const e = entryOf(r);
  for (const k of e.keys) out.add(k);
  for (let i = 0; i < e.tagCount; i++) out.add(someKey(r.kind, tagIn(r.kind, e.keys[2 + e.hosts.length + i])));
}

/** The index's entry for a resource; `parts`, when given, are those of its record, with their keys interned already (see `derivedParts`). */
function entryOf(r: Resource, parts: Pick<IndexParts, 'hosts' | 'tagCount' | 'keys'> | undefined = undefined): Entry {
  let e = entries.get(r);
  if (!e) {
    const { hosts, tagCount, keys } = parts ?? keysOf(r);
    // A resource never indexed (its file's text unknown here) is fingerprinted by its data.
    let content = textHashes.get(r);
    if (content === undefined) {
      try {
        content = JSON.stringify(r.value);
      } catch {
        content = String(Math.random());
      }
    }
    const slot = `${r.uri}#${r.docIndex}`;
    // Joined into one piece (see `intern`): maps keyed by slots (the index's, the checker's) compare it with slots of the same length.
    slot.charCodeAt(0);
    // A hash rather than the content itself: the index keeps one per document.
    e = {
      slot,
      hosts,
      tagCount,
      // The keys are interned: resources that share a key (a namespace's tags, a kind) share one copy.
      keys: parts ? keys : keys.map(intern),
      fingerprint: hashText(`${r.docIndex}|${r.namespace}|${r.namespaceFrom ?? ''}|${content}`),
    };
    entries.set(r, e);
  }
  return e;
}

const ISTIO_HOST_KINDS = new Set(['ServiceEntry', 'DestinationRule', 'VirtualService']);

/** The hosts a resource declares, as Istio names them (see mesh/hosts.ts), for the host index. */
function declaredHosts(r: Resource): string[] {
  if (r.family === 'istio' && ISTIO_HOST_KINDS.has(r.kind)) {
    const raw: unknown[] = r.kind === 'DestinationRule' ? [r.spec.host] : Array.isArray(r.spec.hosts) ? r.spec.hosts : [];
    const out: string[] = [];
    // A bare `*` is not a valid ServiceEntry or VirtualService host (the API server rejects it), so it
    // must not make the resource match every host.
    for (const h of raw)
      if (typeof h === 'string' && h.trim() !== '' && (h.trim() !== '*' || r.kind === 'DestinationRule')) out.push(hostAsIstioNamesIt(r.kind, h, r.namespace));
    return out;
  }
  if (r.family === 'kubernetes' && r.kind === 'Service' && r.group === '' && r.name) return [serviceHost(r.name, r.namespace)];
  return [];
}

/**
 * A resource's place in the index: its file and document number. An untouched document that moved
 * within its file keeps its place, so the new Resource replaces the old one without reordering.
 */
export const slotOf = (r: Resource): string => entryOf(r).slot;

/** A resource's text, namespace and document number, hashed: equal fingerprints in the same slot mean an unchanged resource. */
export const fingerprintOf = (r: Resource): string => entryOf(r).fingerprint;

/** The namespace of a resource under a kustomization's setting: cluster-scoped kinds keep theirs. */
function namespaceOf(r: Resource, source: KustomizedNamespace | undefined): { namespace: string; explicit: boolean; from?: string } {
  if (source && !CLUSTER_SCOPED_KINDS.has(r.kind)) return { namespace: source.namespace, explicit: true, from: source.from };
  const m = isRecord(r.value.metadata) ? r.value.metadata.namespace : undefined;
  const written = typeof m === 'string' && m !== '' ? m : undefined;
  return { namespace: written ?? 'default', explicit: written !== undefined };
}

/** Sets a resource's namespace fields (see namespaceOf); when they change, its index entry is computed anew. */
function placeNamespace(r: Resource, source: KustomizedNamespace | undefined): void {
  const next = namespaceOf(r, source);
  if (next.namespace === r.namespace && next.explicit === r.namespaceExplicit && next.from === r.namespaceFrom) return;
  r.namespace = next.namespace;
  r.namespaceExplicit = next.explicit;
  if (next.from === undefined) delete r.namespaceFrom;
  else r.namespaceFrom = next.from;
  entries.delete(r);
}

/** Whether two resources are in the same place: the same file and document number (see `slotOf`). */
const sameSlot = (a: Resource, b: Resource) => a.docIndex === b.docIndex && a.uri === b.uri;

/**
 * Resources by key in insertion order, and within a key by slot so that a resource can be replaced in place.
 * Most keys (an identity, a host, most tags) have one resource, which is held as itself rather than in a map of one.
 */
class Multimap {
  private readonly byKey = new Map<string, Resource | Map<string, Resource>>();

  /** Puts `r` in its `slot` under `key`, in place of what the slot held; returns how many resources the key had before. */
  add(key: string, r: Resource, slot: string): number {
    const held = this.byKey.get(key);
    if (held === undefined) {
      this.byKey.set(key, r);
      return 0;
    }
    if (held instanceof Map) {
      const before = held.size;
      held.set(slot, r);
      return before;
    }
    if (sameSlot(held, r)) this.byKey.set(key, r);
    else
      this.byKey.set(
        key,
        new Map([
          [slotOf(held), held],
          [slot, r],
        ]),
      );
    return 1;
  }

  /** Takes what `slot` (the slot of `r`) holds under `key` away. */
  delete(key: string, r: Resource, slot: string): void {
    const held = this.byKey.get(key);
    if (held === undefined) return;
    if (!(held instanceof Map)) {
      if (sameSlot(held, r)) this.byKey.delete(key);
      return;
    }
    held.delete(slot);
    if (held.size === 0) this.byKey.delete(key);
    else if (held.size === 1) this.byKey.set(key, held.values().next().value as Resource);
  }

  size(key: string): number {
    const held = this.byKey.get(key);
    return held === undefined ? 0 : held instanceof Map ? held.size : 1;
  }

  values(key: string): Resource[] {
    const held = this.byKey.get(key);
    return held === undefined ? [] : held instanceof Map ? [...held.values()] : [held];
  }

  /** The first `n` resources under `key`. */
  first(key: string, n: number): Resource[] {
    const held = this.byKey.get(key);
    if (held === undefined) return [];
    if (!(held instanceof Map)) return [held];
    const out: Resource[] = [];
    for (const r of held.values()) {
      if (out.length === n) break;
      out.push(r);
    }
    return out;
  }

  /** Whether `r` is what its `slot` holds under `key`. */
  holds(key: string, r: Resource, slot: string): boolean {
    const held = this.byKey.get(key);
    return held instanceof Map ? held.get(slot) === r : held === r;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  *all(): Generator<Resource> {
    for (const held of this.byKey.values()) {
      if (held instanceof Map) yield* held.values();
      else yield held;
    }
  }
}

const distinctNames = (rs: Resource[]): string[] => [...new Set(rs.map((r) => r.name))];

export class WorkspaceIndex implements IndexReader {
  private readonly byUri = new Map<string, ParsedFile>();
  private readonly byKind = new Multimap();
  private readonly byName = new Multimap();
  private readonly byHost = new Multimap();
  private readonly byTag = new Multimap();
  /** Resources with at least one wildcard host, by kind: few, so scanned on lookups. */
  private readonly wildcards = new Multimap();
  private revision = 0;
  private meshOf: ((uri: string) => string | undefined) | undefined;
  private readonly kustomizations = new KustomizationGraph();
  /** Indexed files by path key, to find the files kustomizations list. */
  private readonly uriByPath = new Map<string, string>();
  /** Files with a resource whose namespace a kustomization set. */
  private readonly kustomized = new Set<string>();
  /** `namesOf` answers by group and kind, valid while `revision` is unchanged. */
  private names = { revision: -1, byKind: new Map<string, readonly string[]>() };
  /** Identities (group, kind, namespace, name) that more than one document defines. */
  private duplicated = 0;
  /**
   * The answers of `IndexReader.shared` with the keys each read. An answer is kept until a change meets
   * those keys (see `forgetAnswers`), not only while nothing changes: while a workspace loads, a file is
   * indexed between the checks of a few documents, and most answers (a namespace's DestinationRule for the
   * egress gateway, the mesh's default exportTo) read nothing the next file adds.
   */
  private readonly sharedAnswers = new Map<string, SharedAnswer>();
  /** The keys of the shared answers that read each index key. */
  private readonly answersReading = new SetMap<string, string>();
  /** How many tracked readers have been made: each reader's number. */
  private readers = 0;

  /** Grows by one with every change; caches compare it to know when to recompute. */
  get version(): number {
    return this.revision;
  }

  get size(): number {
    return this.byUri.size;
  }

  /**
   * Adds or replaces a file. The change lists only the keys of resources that were added, removed
   * or edited: an edit to one document of a file leaves readers of its other documents alone.
   */
  setFile(file: ParsedFile): IndexChange {
    const keys = new Set<string>();
    const old = this.byUri.get(file.uri);
    const derived = derivedParts(file);
    hashDocumentTexts(file, derived);
    this.placeNamespaces(file);
    for (const r of file.resources) {
      const parts = derived[r.docIndex];
      if (parts?.namespace === r.namespace) entryOf(r, parts);
    }
    // Resources whose content and document number did not change are replaced in place and contribute no keys.
    const previous = new Map<string, Resource>();
    for (const r of old?.resources ?? []) previous.set(entryOf(r).fingerprint, r);
    const unchanged: Resource[] = [];
    const added: Resource[] = [];
    for (const r of file.resources) {
      const before = previous.get(entryOf(r).fingerprint);
      if (before && before.uri === r.uri && before.docIndex === r.docIndex) {
        previous.delete(entryOf(r).fingerprint);
        unchanged.push(r);
      } else added.push(r);
    }
    for (const r of previous.values()) this.unindex(r, keys);
    this.byUri.set(file.uri, file);
    // An unchanged resource is a new object all the same, in a new document that may have moved: shared
    // answers holding the old one are computed again, though readers' findings need not be.
    const replaced = new Set<string>();
    for (const r of unchanged) {
      this.replace(r);
      keysOfEntry(r, replaced);
    }
    for (const r of added) this.indexResource(r, keys);
    this.uriByPath.set(pathKey(file.uri), file.uri);
    const reindexed = this.kustomizations.set(file.uri, file.kustomization) ? this.applyKustomizations(keys) : [];
    this.forgetAnswers(keys);
    this.forgetAnswers(replaced);
    this.revision++;
    return { uri: file.uri, keys, ...(reindexed.length > 0 ? { reindexed } : {}) };
  }

  removeFile(uri: string): IndexChange {
    const keys = new Set<string>();
    const old = this.byUri.get(uri);
    let reindexed: string[] = [];
    if (old) {
      for (const r of old.resources) this.unindex(r, keys);
      this.byUri.delete(uri);
      this.uriByPath.delete(pathKey(uri));
      this.kustomized.delete(uri);
      if (this.kustomizations.set(uri, undefined)) reindexed = this.applyKustomizations(keys);
      this.forgetAnswers(keys);
      this.revision++;
    }
    return { uri, keys, ...(reindexed.length > 0 ? { reindexed } : {}) };
  }

  /**
   * Gives each namespaced resource of a file the namespace the kustomizations listing the file set
   * (see kustomizations.ts), else the one it writes, else `default`. The file is not indexed yet.
   */
  private placeNamespaces(file: ParsedFile): void {
    if (this.kustomizations.size === 0 && !this.kustomized.has(file.uri)) return;
    const source = this.kustomizations.namespaceOf(file.uri);
    for (const r of file.resources) placeNamespace(r, source);
    if (file.resources.some((r) => r.namespaceFrom !== undefined)) this.kustomized.add(file.uri);
    else this.kustomized.delete(file.uri);
  }

  /**
   * After a kustomization changed: re-indexes the resources of every file whose namespace it changes,
   * adding their old and new keys to `keys`, and returns those files.
   */
  private applyKustomizations(keys: Set<string>): string[] {
    const candidates = new Set(this.kustomized);
    for (const p of this.kustomizations.listed()) {
      const uri = this.uriByPath.get(p);
      if (uri !== undefined) candidates.add(uri);
    }
    const out: string[] = [];
    for (const uri of [...candidates].sort()) {
      const file = this.byUri.get(uri);
      if (!file) continue;
      const source = this.kustomizations.namespaceOf(uri);
      const moved = file.resources.filter((r) => {
        const next = namespaceOf(r, source);
        return next.namespace !== r.namespace || next.from !== r.namespaceFrom;
      });
      if (moved.length === 0) continue;
      for (const r of moved) {
        this.unindex(r, keys);
        placeNamespace(r, source);
        this.indexResource(r, keys);
      }
      if (file.resources.some((r) => r.namespaceFrom !== undefined)) this.kustomized.add(uri);
      else this.kustomized.delete(uri);
      out.push(uri);
    }
    return out;
  }

  /**
   * Splits the workspace into meshes analysed separately: `meshOf` names the mesh of a file (a path;
   * meshes may nest), or undefined for files shared by every mesh. Readers with a viewer see only
   * its mesh, the meshes nested in it and the shared files above it (see meshes.ts).
   */
  setMeshes(meshOf: ((uri: string) => string | undefined) | undefined): void {
    this.meshOf = meshOf;
    this.sharedAnswers.clear();
    this.answersReading.clear();
    this.revision++;
  }

  /** Drops the shared answers that read any of `keys`: a change to what they read may change them. */
  private forgetAnswers(keys: Iterable<string>): void {
    for (const k of keys) {
      const readers = this.answersReading.get(k);
      if (readers.size === 0) continue;
      // A copy: each answer dropped leaves the list of every key it read, this one included.
      for (const key of [...readers]) {
        const answer = this.sharedAnswers.get(key);
        if (!answer) continue;
        this.sharedAnswers.delete(key);
        for (const d of answer.deps) this.answersReading.delete(d, key);
      }
    }
  }

  /** The mesh a file belongs to under `setMeshes`; undefined when shared by all (or when there is one mesh). */
  meshOfUri(uri: string): string | undefined {
    return this.meshOf?.(uri);
  }

  /**
   * A reader over this index that adds the key of every query it answers to `deps`. With a `viewer`,
   * answers are the workspace as that resource sees it: one version of each object (its own for its
   * identity, else the nearest by path, see versions.ts), and only its mesh and the shared files.
   */
  tracked(deps: Set<string>, viewer?: Resource): IndexReader {
    // Whether the viewer is the indexed version of its identity, asked once (see `sameForAll`).
    let viewerIndexed: boolean | undefined;
    const isViewerIndexed = () => (viewerIndexed ??= !viewer || this.isIndexed(viewer));
    let view = (rs: Resource[]) => rs;
    if (viewer) {
      const mesh = this.meshOfUri(viewer.uri);
      const meshOf = this.meshOf;
      view =
        mesh === undefined || !meshOf
          ? // No identity defined twice: each object's one version is the one seen, and the viewer's own is the viewer itself.
            (rs) => (this.duplicated === 0 && isViewerIndexed() ? rs : oneVersionEach(rs, viewer))
          : (rs) =>
              oneVersionEach(
                rs.filter((r) => meshesMeet(mesh, meshOf(r.uri))),
                viewer,
              );
    }
    // A key is found once per query by its parts, already interned, recorded and used for the lookup: the index's multimaps are keyed by the same strings.
    const read = (key: string) => {
      deps.add(key);
      return key;
    };
    // Tells the shared answers whose keys this reader has recorded from the others (see `SharedAnswer.recordedBy`).
    const id = ++this.readers;
    // Every reader sees the same workspace when no object is defined twice and there is one mesh: a
    // viewer then sees each object's only version, provided the viewer is the indexed resource itself.
    const sameForAll = () => {
      if (this.meshOf || this.duplicated > 0) return false;
      return isViewerIndexed();
    };
    const reader: IndexReader = {
      ofKind: (kind, group) => (read(readKeys.kind.of(kind)), view(this.ofKind(kind, group))),
      countOfKind: (kind) => (read(readKeys.kind.of(kind)), this.meshOf && viewer ? view(this.ofKind(kind)).length : this.countOfKind(kind)),
      find: (group, kind, namespace, name) => view(this.byName.values(read(readKeys.name.of(group, kind, namespace, name)))),
      withHost: (kind, host) => view(this.byHost.values(read(readKeys.host.of(kind, host)))),
      matchingHost: (kind, host) => {
        const key = read(readKeys.host.of(kind, host));
        read(readKeys.wildcard.of(kind));
        return view(this.matchingHostByKey(kind, host, key));
      },
      withTag: (kind, tag) => view(this.byTag.values(read(readKeys.tag.of(kind, tag)))),
      // `someWithTag` may answer with any few of the tagged resources; split into meshes, the viewer's mesh could hold none of those few, so it reads them all.
      someWithTag: (kind, tag) =>
        this.meshOf && viewer
          ? (read(readKeys.tag.of(kind, tag)), view(this.withTag(kind, tag)))
          : (read(readKeys.some.of(kind, tag)), view(this.someWithTag(kind, tag))),
      // One version of each object has the names of all of them, so only a split into meshes changes the answer.
      namesOf: (kind, group) =>
        this.meshOf && viewer
          ? (read(readKeys.kind.of(kind)), distinctNames(view(this.ofKind(kind, group))))
          : (read(readKeys.kind.of(kind)), this.namesOf(kind, group)),
      shared: <T>(key: string, compute: (reader: IndexReader) => T): T => {
        if (!sameForAll()) return compute(reader);
        let answer = this.sharedAnswers.get(key);
        if (!answer) {
          const keys = new Set<string>();
          answer = { value: compute(this.tracked(keys, viewer)), deps: [...keys], recordedBy: 0 };
          this.sharedAnswers.set(key, answer);
          for (const k of answer.deps) this.answersReading.add(k, key);
        }
        // A reader asks for the same answer again and again (the mesh's default exportTo, once per resource it looks at): its keys are recorded once.
        // Another reader in between makes this one add them again, which changes nothing.
        if (answer.recordedBy !== id) {
          answer.recordedBy = id;
          for (const k of answer.deps) deps.add(k);
        }
        return answer.value as T;
      },
    };
    return reader;
  }

  /** Whether `r` is the resource the index holds in its slot. An indexed resource has its entry, with its identity key interned already. */
  private isIndexed(r: Resource): boolean {
    const e = entries.get(r);
    return e ? this.byName.holds(e.keys[1], r, e.slot) : this.byName.holds(nameKey(r.group, r.kind, r.namespace, r.name), r, slotOf(r));
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
    const all = this.byKind.values(kind);
    return group === undefined ? all : all.filter((r) => r.group === group);
  }

  countOfKind(kind: string): number {
    return this.byKind.size(kind);
  }

  /** Resources with this identity; more than one when the workspace defines it twice. */
  find(group: string, kind: string, namespace: string, name: string): Resource[] {
    return this.byName.values(nameKey(group, kind, namespace, name));
  }

  /** Resources of `kind` declaring exactly this (fully qualified) host. */
  withHost(kind: string, host: string): Resource[] {
    return this.byHost.values(hostKey(kind, host));
  }

  /** Resources of `kind` with a host equal to `host` or a wildcard host matching it. */
  matchingHost(kind: string, host: string): Resource[] {
    return this.matchingHostByKey(kind, host, hostKey(kind, host));
  }

  private matchingHostByKey(kind: string, host: string, key: string): Resource[] {
    const exact = this.byHost.values(key);
    if (!this.wildcards.has(kind)) return exact;
    const out = new Set(exact);
    // An indexed resource's hosts are its entry's (see `declaredHosts`).
    for (const r of this.wildcards.values(kind)) if (entryOf(r).hosts.some((h) => isWildcard(h) && hostSubsetOf(host, h))) out.add(r);
    return [...out];
  }

  withTag(kind: string, tag: string): Resource[] {
    return this.byTag.values(tagKey(kind, tag));
  }

  someWithTag(kind: string, tag: string): Resource[] {
    return this.someByKey(tagKey(kind, tag));
  }

  /** `someWithTag` by the tag's key. */
  private someByKey(key: string): Resource[] {
    return this.byTag.first(key, SOME);
  }

  namesOf(kind: string, group: string): readonly string[] {
    if (this.names.revision !== this.revision) this.names = { revision: this.revision, byKind: new Map() };
    const key = `${group}/${kind}`;
    let names = this.names.byKind.get(key);
    // Frozen: did-you-mean keeps what it derives from a list it can trust not to change (see schema/suggest.ts).
    if (!names) this.names.byKind.set(key, (names = Object.freeze(distinctNames(this.ofKind(kind, group)))));
    return names;
  }

  /**
   * Namespaces mentioned anywhere: Namespace objects and every resource's namespace. With a `viewer`
   * and the workspace split into meshes (`setMeshes`), only those of the viewer's mesh and the shared files.
   */
  namespaces(viewer?: Resource): Set<string> {
    const meshOf = this.meshOf;
    const mesh = viewer && meshOf ? meshOf(viewer.uri) : undefined;
    const seen = (r: Resource) => mesh === undefined || !meshOf || meshesMeet(mesh, meshOf(r.uri));
    const out = new Set<string>();
    for (const r of this.ofKind('Namespace')) if (seen(r)) out.add(r.name);
    for (const r of this.byKind.all()) if (seen(r)) out.add(r.namespace);
    return out;
  }

  /** Adds a resource; `keys` receives its keys, and the `someKey` of each tag whose first few it joins. */
  private indexResource(r: Resource, keys: Set<string>): void {
    const e = entryOf(r);
    const slot = e.slot;
    for (const k of e.keys) keys.add(k);
    this.byKind.add(r.kind, r, slot);
    // The entry's keys are the map keys, interned already (see `entryOf`).
    const name = e.keys[1];
    if (this.byName.add(name, r, slot) === 1 && this.byName.size(name) === 2) this.duplicated++;
    for (let i = 0; i < e.hosts.length; i++) this.byHost.add(e.keys[2 + i], r, slot);
    for (let i = 0; i < e.tagCount; i++) {
      const key = e.keys[2 + e.hosts.length + i];
      if (this.byTag.add(key, r, slot) < SOME) keys.add(someKey(r.kind, tagIn(r.kind, key)));
    }
    if (e.hosts.some(isWildcard)) this.wildcards.add(r.kind, r, slot);
  }

  private unindex(r: Resource, keys: Set<string>): void {
    const e = entryOf(r);
    const slot = e.slot;
    for (const k of e.keys) keys.add(k);
    this.byKind.delete(r.kind, r, slot);
    const name = e.keys[1];
    const before = this.byName.size(name);
    this.byName.delete(name, r, slot);
    if (before === 2 && this.byName.size(name) === 1) this.duplicated--;
    for (let i = 0; i < e.hosts.length; i++) this.byHost.delete(e.keys[2 + i], r, slot);
    for (let i = 0; i < e.tagCount; i++) {
      const key = e.keys[2 + e.hosts.length + i];
      if (this.someByKey(key).includes(r)) keys.add(someKey(r.kind, tagIn(r.kind, key)));
      this.byTag.delete(key, r, slot);
    }
    this.wildcards.delete(r.kind, r, slot);
  }

  /** Puts `next` in the place of the unchanged resource of the same file and document number. */
  private replace(next: Resource): void {
    const e = entryOf(next);
    const slot = e.slot;
    this.byKind.add(next.kind, next, slot);
    this.byName.add(e.keys[1], next, slot);
    for (let i = 0; i < e.hosts.length; i++) this.byHost.add(e.keys[2 + i], next, slot);
    for (let i = 0; i < e.tagCount; i++) this.byTag.add(e.keys[2 + e.hosts.length + i], next, slot);
    if (e.hosts.some(isWildcard)) this.wildcards.add(next.kind, next, slot);
  }
}

/**
 * Entries kept per document (see `slotOf`) while the document and what it read are unchanged: the
 * bookkeeping the `Checker`'s findings and the `PathSummary`'s paths share. Each entry names the
 * index keys it read; a change forgets the entries that read a key it touched and those of
 * documents no longer in the changed file.
 */
import { SetMap } from '../data';
import { slotOf, type IndexChange, type WorkspaceIndex } from './workspace-index';

export interface DependentEntry {
  uri: string;
  fingerprint: string;
  /** Dependency keys of every index lookup made for this entry. */
  deps: Iterable<string>;
}

const sizeOf = (keys: Iterable<string>): number => {
  if (Array.isArray(keys)) return keys.length;
  if (keys instanceof Set) return keys.size;
  return [...keys].length;
};

export class DependentCache<E extends DependentEntry> {
  private readonly entries = new Map<string, E>();
  /** A file to its documents' slots. */
  private readonly slots = new SetMap<string, string>();
  /**
   * Dependency key to the entries that read it, as slot and entry pairs (`[slot, entry, slot, entry, …]`) in the order they were set.
   * Thousands of entries read a key and each reads dozens, so setting an entry only appends a pair per key, and forgetting one
   * leaves its pairs behind: a pair counts while its slot still holds its entry.
   * The lists are rebuilt without such stale pairs when those outnumber the live ones.
   */
  private readers = new Map<string, (string | E)[]>();
  /** Pairs in `readers`, and those of them whose entry is still kept. */
  private pairs = 0;
  private livePairs = 0;

  /** `onForget` is told of each entry dropped, for bookkeeping of the owner's own. */
  constructor(private readonly onForget: (slot: string, entry: E) => void = () => undefined) {}

  /** The entry of a slot, whatever its fingerprint. */
  get(slot: string): E | undefined {
    return this.entries.get(slot);
  }

  set(slot: string, entry: E): void {
    this.forget(slot);
    this.entries.set(slot, entry);
    this.slots.add(entry.uri, slot);
    for (const key of entry.deps) this.addReader(key, slot, entry);
    if (this.pairs > 2 * this.livePairs + 4096) this.compact();
  }

  forget(slot: string): void {
    const entry = this.entries.get(slot);
    if (!entry) return;
    this.entries.delete(slot);
    this.slots.delete(entry.uri, slot);
    this.livePairs -= sizeOf(entry.deps);
    this.onForget(slot, entry);
  }

  /**
   * Forgets the entries that read a key the change touched, and those of the changed file's
   * documents that are no longer in it; returns the files of the former.
   */
  changed(change: IndexChange, index: WorkspaceIndex): Set<string> {
    const files = new Set<string>();
    for (const key of change.keys) {
      const list = this.readers.get(key);
      if (!list) continue;
      // Every entry still in the list is forgotten now, so the list goes with them.
      this.readers.delete(key);
      this.pairs -= list.length / 2;
      for (let i = 0; i < list.length; i += 2) {
        const slot = list[i] as string;
        const entry = list[i + 1] as E;
        if (this.entries.get(slot) !== entry) continue;
        files.add(entry.uri);
        this.forget(slot);
      }
    }
    const current = new Set((index.file(change.uri)?.resources ?? []).map(slotOf));
    for (const slot of [...this.slots.get(change.uri)]) if (!current.has(slot)) this.forget(slot);
    return files;
  }

  clear(): void {
    this.entries.clear();
    this.slots.clear();
    this.readers.clear();
    this.pairs = this.livePairs = 0;
  }

  private addReader(key: string, slot: string, entry: E): void {
    const list = this.readers.get(key);
    if (list) list.push(slot, entry);
    else this.readers.set(key, [slot, entry]);
    this.pairs++;
    this.livePairs++;
  }

  /** Rebuilds the lists from the entries kept, which are in the order they were set, so each list keeps its order. */
  private compact(): void {
    this.readers = new Map();
    this.pairs = this.livePairs = 0;
    for (const [slot, entry] of this.entries) for (const key of entry.deps) this.addReader(key, slot, entry);
  }
}

/**
 * Entries kept per document (see `slotOf`) while the document and what it read are unchanged: the
 * bookkeeping the `Checker`'s findings and the `PathSummary`'s paths share. Each entry is set with
 * the index keys it read; a change forgets the entries that read a key it touched and those of
 * documents no longer in the changed file. It keeps each key–entry link once, from the key's side
 * (an entry does not keep the keys it read): thousands of entries read dozens of keys each.
 */
import { SetMap } from '../data';
import { slotOf, type IndexChange, type WorkspaceIndex } from './workspace-index';

export interface DependentEntry {
  uri: string;
  fingerprint: string;
}

/** An entry as the cache holds it: in its slot, with how many keys it read. */
interface Held<E> {
  slot: string;
  entry: E;
  reads: number;
}

export class DependentCache<E extends DependentEntry> {
  private readonly entries = new Map<string, Held<E>>();
  /** A file to its documents' slots. */
  private readonly slots = new SetMap<string, string>();
  /**
   * Dependency key to the entries that read it, in the order they were set: one entry on its own (most keys have a single
   * reader), else a list. Setting an entry only adds it to the lists of its keys, and forgetting one leaves it there: a
   * listed entry counts while its slot still holds it. The lists drop such stale entries when those outnumber the live ones.
   */
  private readers = new Map<string, Held<E> | Held<E>[]>();
  /** Entries listed in `readers`, and those of them still kept. */
  private links = 0;
  private liveLinks = 0;

  /** `onForget` is told of each entry dropped, for bookkeeping of the owner's own. */
  constructor(private readonly onForget: (slot: string, entry: E) => void = () => undefined) {}

  /** The entry of a slot, whatever its fingerprint. */
  get(slot: string): E | undefined {
    return this.entries.get(slot)?.entry;
  }

  /** Keeps `entry` in `slot` until a change touches one of the keys it read (`deps`, each once). */
  set(slot: string, entry: E, deps: Iterable<string>): void {
    this.forget(slot);
    const held: Held<E> = { slot, entry, reads: 0 };
    this.entries.set(slot, held);
    this.slots.add(entry.uri, slot);
    for (const key of deps) {
      const list = this.readers.get(key);
      if (list === undefined) this.readers.set(key, held);
      else if (Array.isArray(list)) list.push(held);
      else this.readers.set(key, [list, held]);
      held.reads++;
    }
    this.links += held.reads;
    this.liveLinks += held.reads;
    if (this.links > 2 * this.liveLinks + 4096) this.compact();
  }

  forget(slot: string): void {
    const held = this.entries.get(slot);
    if (!held) return;
    this.entries.delete(slot);
    this.slots.delete(held.entry.uri, slot);
    this.liveLinks -= held.reads;
    this.onForget(slot, held.entry);
  }

  /**
   * Forgets the entries that read a key the change touched, and those of the changed file's
   * documents that are no longer in it; returns the files of the former.
   */
  changed(change: IndexChange, index: WorkspaceIndex): Set<string> {
    const files = new Set<string>();
    for (const key of change.keys) {
      const list = this.readers.get(key);
      if (list === undefined) continue;
      // Every entry still listed is forgotten now, so the list goes with them.
      this.readers.delete(key);
      for (const held of Array.isArray(list) ? list : [list]) {
        this.links--;
        if (this.entries.get(held.slot) !== held) continue;
        files.add(held.entry.uri);
        this.forget(held.slot);
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
    this.links = this.liveLinks = 0;
  }

  /** How many key–entry links are held, stale ones included: the memory the cache takes grows with it. */
  heldLinks(): number {
    return this.links;
  }

  /** Drops the stale entries from every list, keeping each list's order. */
  private compact(): void {
    const live = (held: Held<E>) => this.entries.get(held.slot) === held;
    for (const [key, list] of this.readers) {
      const kept = Array.isArray(list) ? list.filter(live) : live(list) ? [list] : [];
      if (kept.length === 0) this.readers.delete(key);
      else if (kept.length === 1) this.readers.set(key, kept[0]);
      else if (kept.length < (list as Held<E>[]).length) this.readers.set(key, kept);
    }
    this.links = this.liveLinks;
  }
}

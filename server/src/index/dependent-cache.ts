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

export class DependentCache<E extends DependentEntry> {
  private readonly entries = new Map<string, E>();
  /** A file to its documents' slots. */
  private readonly slots = new SetMap<string, string>();
  /** Dependency key to the slots whose entries read it. */
  private readonly readers = new SetMap<string, string>();

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
    for (const key of entry.deps) this.readers.add(key, slot);
  }

  forget(slot: string): void {
    const entry = this.entries.get(slot);
    if (!entry) return;
    this.entries.delete(slot);
    this.slots.delete(entry.uri, slot);
    for (const key of entry.deps) this.readers.delete(key, slot);
    this.onForget(slot, entry);
  }

  /**
   * Forgets the entries that read a key the change touched, and those of the changed file's
   * documents that are no longer in it; returns the files of the former.
   */
  changed(change: IndexChange, index: WorkspaceIndex): Set<string> {
    const files = new Set<string>();
    for (const key of change.keys) {
      for (const slot of [...this.readers.get(key)]) {
        files.add(this.entries.get(slot)!.uri);
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
  }
}

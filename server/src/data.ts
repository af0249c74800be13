/**
 * Guards for the untyped data YAML parses into: the core reads `spec` fields through these
 * instead of casting, so a wrong shape in a user's file is skipped, never trusted.
 */

/** A mapping (not null, not a list). */
export const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The items of a list field, or nothing when it is absent or not a list. */
export function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A non-empty string field, or undefined. */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const NO_VALUES: ReadonlySet<never> = new Set();

/** A map from keys to sets of values that forgets a key when its last value goes. */
export class SetMap<K, V> {
  private readonly map = new Map<K, Set<V>>();

  add(key: K, value: V): void {
    let set = this.map.get(key);
    if (!set) this.map.set(key, (set = new Set()));
    set.add(value);
  }

  delete(key: K, value: V): void {
    const set = this.map.get(key);
    if (!set) return;
    set.delete(value);
    if (set.size === 0) this.map.delete(key);
  }

  /** The values of `key` (empty when it has none); iterate a copy to delete while iterating. */
  get(key: K): ReadonlySet<V> {
    return this.map.get(key) ?? NO_VALUES;
  }

  clear(): void {
    this.map.clear();
  }
}

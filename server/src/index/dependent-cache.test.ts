import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependentCache, type DependentEntry } from './dependent-cache';
import { WorkspaceIndex } from './workspace-index';

/** Sets an entry of file `uri` in `slot` that read `deps`; returns the keys. */
const set = (cache: DependentCache<DependentEntry>, slot: string, uri: string, ...deps: string[]): string[] => {
  cache.set(slot, { uri, fingerprint: '' }, deps);
  return deps;
};
const change = (...keys: string[]) => ({ uri: 'file:///elsewhere.yaml', keys: new Set(keys) });

test('a change forgets the entries that read one of its keys, and names their files in the order the entries were set', () => {
  const forgotten: string[] = [];
  const cache = new DependentCache<DependentEntry>((slot) => forgotten.push(slot));
  set(cache, 'c#0', 'file:///c.yaml', 'kind|Gateway');
  set(cache, 'a#0', 'file:///a.yaml', 'kind|Gateway', 'tag|VirtualService|ns:shop');
  set(cache, 'b#0', 'file:///b.yaml', 'tag|VirtualService|ns:shop');
  // Set again: it moves behind the others, and its earlier keys no longer count.
  set(cache, 'c#0', 'file:///c.yaml', 'tag|VirtualService|ns:shop');
  assert.deepEqual([...cache.changed(change('kind|Gateway'), new WorkspaceIndex())], ['file:///a.yaml']);
  assert.deepEqual(forgotten, ['c#0', 'a#0']);
  assert.deepEqual([...cache.changed(change('tag|VirtualService|ns:shop'), new WorkspaceIndex())], ['file:///b.yaml', 'file:///c.yaml']);
  assert.equal(cache.get('b#0'), undefined);
  assert.deepEqual([...cache.changed(change('tag|VirtualService|ns:shop', 'kind|Gateway'), new WorkspaceIndex())], []);
});

test('entries set again and again are each forgotten once, by the keys they read last', () => {
  const cache = new DependentCache<DependentEntry>();
  const last = new Map<string, string[]>();
  let order: string[] = [];
  // Enough sets for the lists of readers to be rebuilt several times along the way.
  for (let round = 0; round < 400; round++) {
    for (let i = 0; i < 50; i++) {
      const slot = `s${(i * 7 + round) % 50}`;
      last.set(slot, set(cache, slot, `file:///${slot}.yaml`, `kind|K${(round + i) % 3}`, 'kind|All', ...Array.from({ length: 20 }, (_, k) => `tag|T|${k}`)));
      order = [...order.filter((s) => s !== slot), slot];
    }
  }
  const reads = (slot: string, key: string) => last.get(slot)!.includes(key);
  const k0 = order.filter((slot) => reads(slot, 'kind|K0'));
  assert.ok(k0.length > 0 && k0.length < order.length);
  assert.deepEqual(
    [...cache.changed(change('kind|K0'), new WorkspaceIndex())],
    k0.map((slot) => `file:///${slot}.yaml`),
  );
  assert.deepEqual(
    [...cache.changed(change('kind|All'), new WorkspaceIndex())],
    order.filter((slot) => !reads(slot, 'kind|K0')).map((slot) => `file:///${slot}.yaml`),
  );
  for (const slot of order) assert.equal(cache.get(slot), undefined);
});

test('each key an entry read is held once, and entries set again and again leave a bounded number of stale links', () => {
  const cache = new DependentCache<DependentEntry>();
  const keys = (n: number) => Array.from({ length: 30 }, (_, k) => `tag|T|${(n + k) % 40}`);
  for (let slot = 0; slot < 100; slot++) set(cache, `s${slot}`, `file:///s${slot}.yaml`, ...keys(slot));
  assert.equal(cache.heldLinks(), 100 * 30);
  // The same documents checked again and again, as edits have them: 150,000 links set, at most twice the live ones plus 4,096 held.
  let most = 0;
  for (let round = 1; round <= 50; round++) {
    for (let slot = 0; slot < 100; slot++) {
      set(cache, `s${slot}`, `file:///s${slot}.yaml`, ...keys(slot + round));
      most = Math.max(most, cache.heldLinks());
    }
  }
  assert.ok(most <= 2 * 3000 + 4096, `${most} links held`);
  const readers = Array.from({ length: 100 }, (_, slot) => slot).filter((slot) => keys(slot + 50).includes('tag|T|7'));
  assert.deepEqual([...cache.changed(change('tag|T|7'), new WorkspaceIndex())].sort(), readers.map((slot) => `file:///s${slot}.yaml`).sort());
});

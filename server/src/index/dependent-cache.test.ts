import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependentCache, type DependentEntry } from './dependent-cache';
import { WorkspaceIndex } from './workspace-index';

const entry = (uri: string, ...deps: string[]): DependentEntry => ({ uri, fingerprint: '', deps });
const change = (...keys: string[]) => ({ uri: 'file:///elsewhere.yaml', keys: new Set(keys) });

test('a change forgets the entries that read one of its keys, and names their files in the order the entries were set', () => {
  const forgotten: string[] = [];
  const cache = new DependentCache<DependentEntry>((slot) => forgotten.push(slot));
  cache.set('c#0', entry('file:///c.yaml', 'kind|Gateway'));
  cache.set('a#0', entry('file:///a.yaml', 'kind|Gateway', 'tag|VirtualService|ns:shop'));
  cache.set('b#0', entry('file:///b.yaml', 'tag|VirtualService|ns:shop'));
  // Set again: it moves behind the others, and its earlier keys no longer count.
  cache.set('c#0', entry('file:///c.yaml', 'tag|VirtualService|ns:shop'));
  assert.deepEqual([...cache.changed(change('kind|Gateway'), new WorkspaceIndex())], ['file:///a.yaml']);
  assert.deepEqual(forgotten, ['c#0', 'a#0']);
  assert.deepEqual([...cache.changed(change('tag|VirtualService|ns:shop'), new WorkspaceIndex())], ['file:///b.yaml', 'file:///c.yaml']);
  assert.equal(cache.get('b#0'), undefined);
  assert.deepEqual([...cache.changed(change('tag|VirtualService|ns:shop', 'kind|Gateway'), new WorkspaceIndex())], []);
});

test('entries set again and again are each forgotten once, by the keys they read last', () => {
  const cache = new DependentCache<DependentEntry>();
  const last = new Map<string, DependentEntry>();
  let order: string[] = [];
  // Enough sets for the lists of readers to be rebuilt several times along the way.
  for (let round = 0; round < 400; round++) {
    for (let i = 0; i < 50; i++) {
      const slot = `s${(i * 7 + round) % 50}`;
      const e = entry(`file:///${slot}.yaml`, `kind|K${(round + i) % 3}`, 'kind|All', ...Array.from({ length: 20 }, (_, k) => `tag|T|${k}`));
      cache.set(slot, e);
      last.set(slot, e);
      order = [...order.filter((s) => s !== slot), slot];
    }
  }
  const reads = (slot: string, key: string) => [...last.get(slot)!.deps].includes(key);
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

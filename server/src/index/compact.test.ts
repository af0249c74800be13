import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashText, intern, KeysByParts } from './compact';

test('a text hash is short, equal for equal texts (or parts of texts) and different for texts that differ by one character', () => {
  const text = JSON.stringify({ spec: { hosts: ['api.example.com'], resolution: 'DNS' } }).repeat(50);
  assert.equal(hashText(text), hashText(text.slice()));
  assert.ok(hashText(text).length <= 11);
  assert.equal(hashText(text, 5, 40), hashText(text.slice(5, 40)), 'a part of a text hashes as that text alone');
  const seen = new Set<string>();
  for (let i = 0; i < text.length; i += 7) seen.add(hashText(`${text.slice(0, i)}#${text.slice(i + 1)}`));
  seen.add(hashText(text));
  assert.equal(seen.size, Math.ceil(text.length / 7) + 1, 'no two of these texts share a hash');
  assert.notEqual(hashText('0|shop|'), hashText('1|shop|'));
});

test('interning gives back the first copy of equal strings', () => {
  const first = intern(['tag', 'VirtualService', 'ns:shop'].join('|'));
  assert.equal(intern(`tag|VirtualService|${'ns:shop'}`), first);
  assert.equal(intern('tag|VirtualService|ns:other'), 'tag|VirtualService|ns:other');
});

test('keys found by their parts are the joined strings, each joined once and shared with the pool', () => {
  let joined = 0;
  const tags = new KeysByParts((kind, tag) => (joined++, `tag|${kind}|${tag}`));
  const key = tags.of('VirtualService', 'ns:shop');
  assert.equal(key, 'tag|VirtualService|ns:shop');
  assert.equal(tags.of('VirtualService', ['ns', 'shop'].join(':')), key);
  assert.equal(tags.of('Gateway', 'ns:shop'), 'tag|Gateway|ns:shop');
  assert.equal(joined, 2, 'a key asked for again is found by its parts, not joined again');
  assert.equal(intern('tag|VirtualService|ns:shop'), key);
  const names = new KeysByParts((group, kind, namespace, name) => (joined++, `name|${group}|${kind}|${namespace}|${name}`));
  assert.equal(names.of('networking.istio.io', 'Gateway', 'shop', 'gw'), 'name|networking.istio.io|Gateway|shop|gw');
  assert.equal(names.of('networking.istio.io', 'Gateway', 'shop', 'gw'), 'name|networking.istio.io|Gateway|shop|gw');
  assert.equal(names.of('networking.istio.io', 'Gateway', 'shop', 'other'), 'name|networking.istio.io|Gateway|shop|other');
  assert.equal(joined, 4);
  const kinds = new KeysByParts((kind) => (joined++, `kind|${kind}`));
  assert.equal(kinds.of('Gateway'), 'kind|Gateway');
  assert.equal(kinds.of('Gateway'), 'kind|Gateway');
  assert.equal(joined, 5);
  assert.throws(() => new KeysByParts((a, b, c) => `${a}|${b}|${c}`), /3 parts/, 'a table has one, two or four levels');
});

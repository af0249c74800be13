/**
 * The fuzz mutations do what their names say, so a fuzz run that passes has seen the inputs it claims.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { mutate } from './corpus';

const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'a\nspec:\n  hosts:\n  - a.example.com\n  ports:\n  - number: 80\n    name: http\n---\nkind: Service\n';
const data = (text: string) => parseAllDocuments(text).map((d) => (Array.isArray(d) ? undefined : d.toJS()) as unknown);

test('the flow mutation writes one collection in flow style and keeps the data', () => {
  const seen = new Set<string>();
  for (const node of [0, 0.2, 0.4, 0.6, 0.8, 0.99]) {
    const flowed = mutate(SE, { op: 'flow', node });
    assert.match(flowed, /[{[] /, 'a flow collection');
    assert.deepEqual(data(flowed), data(SE));
    seen.add(flowed);
  }
  assert.ok(seen.size >= 4, 'different fractions pick different collections');
});

test('the invalid-utf8 mutation inserts bytes that decode to replacement characters', () => {
  const mutated = mutate(SE, { op: 'invalid-utf8', at: 0.5, bytes: [0xe2, 0x28, 0xa1] });
  assert.equal(mutated.length, SE.length + 3);
  assert.match(mutated, /\ufffd\(\ufffd/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex, type IndexReader } from './workspace-index';
import { effectiveDestinationRule } from '../mesh/destination-rules';

const vs = (name: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  hosts: [${name}.example.com]\n`;
const dr = (name: string, mode: string) =>
  'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ' +
  `${name}\n  namespace: shop\nspec:\n  host: api.example.com\n  trafficPolicy:\n    tls:\n      mode: ${mode}\n`;

function build(files: Record<string, string>) {
  const index = new WorkspaceIndex();
  for (const [uri, text] of Object.entries(files)) index.setFile(parseFile(uri, text));
  return index;
}

/** Asks the shared question as each VirtualService's check would: how many computations, what each recorded, and the answers. */
function ask(index: WorkspaceIndex) {
  let computed = 0;
  const readers = index.ofKind('VirtualService').map((viewer) => ({ viewer, deps: new Set<string>() }));
  const answers = readers.map(({ viewer, deps }) =>
    index.tracked(deps, viewer).shared!('rules', (reader: IndexReader) => {
      computed++;
      return reader.withTag('DestinationRule', 'host-in:api.example.com|shop').map((r) => `${r.uri} ${r.name}`);
    }),
  );
  return { computed, answers, deps: readers.map((r) => [...r.deps]) };
}

test('an answer is computed once for every reader, and each reader records the keys it read', () => {
  const index = build({ 'file:///a.yaml': [vs('a'), vs('b'), dr('api', 'SIMPLE')].join('---\n') });
  const { computed, answers, deps } = ask(index);
  assert.equal(computed, 1);
  assert.deepEqual(answers, [['file:///a.yaml api'], ['file:///a.yaml api']]);
  assert.deepEqual(deps, [['tag|DestinationRule|host-in:api.example.com|shop'], ['tag|DestinationRule|host-in:api.example.com|shop']]);
  // A change to the index: computed again.
  index.setFile(parseFile('file:///b.yaml', dr('other', 'DISABLE')));
  const again = ask(index);
  assert.equal(again.computed, 1);
  assert.deepEqual(again.answers[0], ['file:///a.yaml api', 'file:///b.yaml other']);
});

test('with an object defined twice, each reader computes its own answer, as it sees its own version', () => {
  const index = build({
    'file:///base/a.yaml': [vs('a'), dr('api', 'SIMPLE')].join('---\n'),
    'file:///overlay/a.yaml': [vs('b'), dr('api', 'DISABLE')].join('---\n'),
  });
  const { computed, answers } = ask(index);
  assert.equal(computed, 2);
  assert.deepEqual(answers, [['file:///base/a.yaml api'], ['file:///overlay/a.yaml api']]);
  // The nearest version of the DestinationRule for each VirtualService (follows push_context.go destinationRule per namespace).
  const mode = (viewer: string) => {
    const r = index.ofKind('VirtualService').find((v) => v.name === viewer)!;
    return effectiveDestinationRule(index.tracked(new Set(), r), 'shop', 'api.example.com')?.rules[0].spec.trafficPolicy?.tls?.mode;
  };
  assert.deepEqual([mode('a'), mode('b')], ['SIMPLE', 'DISABLE']);
  // The second version gone, the answer is shared again.
  index.setFile(parseFile('file:///overlay/a.yaml', vs('b')));
  const again = ask(index);
  assert.equal(again.computed, 1);
  assert.deepEqual(again.answers, [['file:///base/a.yaml api'], ['file:///base/a.yaml api']]);
});

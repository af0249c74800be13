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

test('an answer outlives changes that do not meet the keys it read, and is computed again after one that does', () => {
  const index = build({ 'file:///a.yaml': [vs('a'), vs('b'), dr('api', 'SIMPLE')].join('---\n') });
  assert.equal(ask(index).computed, 1);
  // A file added elsewhere (as while a workspace loads) reads nothing the answer read: the answer is kept, and each reader still records its keys.
  index.setFile(parseFile('file:///other.yaml', [vs('c'), dr('other', 'DISABLE').replace('api.example.com', 'other.example.com')].join('---\n')));
  const kept = ask(index);
  assert.equal(kept.computed, 0);
  assert.deepEqual(kept.answers, [['file:///a.yaml api'], ['file:///a.yaml api'], ['file:///a.yaml api']]);
  assert.deepEqual(kept.deps[2], ['tag|DestinationRule|host-in:api.example.com|shop']);
  // A DestinationRule for the host, in the namespace read: computed again, with it.
  index.setFile(parseFile('file:///other.yaml', [vs('c'), dr('other', 'DISABLE')].join('---\n')));
  const again = ask(index);
  assert.equal(again.computed, 1);
  assert.deepEqual(again.answers[0], ['file:///a.yaml api', 'file:///other.yaml other']);
  // Removed again: computed again, without it.
  index.removeFile('file:///other.yaml');
  const removed = ask(index);
  assert.equal(removed.computed, 1);
  assert.deepEqual(removed.answers, [['file:///a.yaml api'], ['file:///a.yaml api']]);
});

test('an edit that only moves a document computes again the answers holding its resource, which is a new object', () => {
  const index = build({ 'file:///a.yaml': [vs('a'), dr('api', 'SIMPLE')].join('---\n') });
  const held = () => effectiveDestinationRule(index.tracked(new Set(), index.ofKind('VirtualService')[0]), 'shop', 'api.example.com')!.rules[0];
  const before = held();
  assert.equal(before.document.start, index.ofKind('DestinationRule')[0].document.start);
  // The VirtualService grows, so the unchanged DestinationRule after it moves: no dependency key fires, but the answer holds the new resource.
  const change = index.setFile(parseFile('file:///a.yaml', [vs('a').replace('shop\n', 'shop\n  labels: {team: a}\n'), dr('api', 'SIMPLE')].join('---\n')));
  assert.ok(![...change.keys].some((k) => k.includes('DestinationRule')));
  const after = held();
  assert.notEqual(after, before);
  assert.equal(after, index.ofKind('DestinationRule')[0]);
  assert.ok(after.document.start > before.document.start);
});

/**
 * Dropped syntax trees come back identical: the same ranges, the same kubectl reading, the same
 * data; the budget bounds how many trees stay in memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isScalar, isSeq } from 'yaml';
import { parseFile } from './parse';
import { reparsedFiles, setSyntaxBudget } from './syntax-trees';
import { nodeAtPath, spanAtPath } from './yaml-path';

const TEXT = [
  'apiVersion: networking.istio.io/v1',
  'kind: ServiceEntry',
  'metadata: {name: ext, namespace: shop}',
  'spec:',
  '  hosts: [api.example.com]',
  '  addresses: [10.0.0.1, 2001:db8::]',
  '  ports: [{number: 443, name: tls, protocol: TLS}]',
  '---',
  '# a comment',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: notes',
  'data:',
  '  ? [a]',
  '  : b',
  '',
].join('\n');

/** Parses throwaway files until the budget has dropped every tree but the newest. */
function crowdOut(): void {
  for (let i = 0; i < 3; i++) parseFile(`file:///ws/other-${i}.yaml`, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n');
}

test('a dropped syntax tree is parsed again on demand, identical to the first', (t) => {
  const previous = setSyntaxBudget(0);
  t.after(() => setSyntaxBudget(previous));
  const file = parseFile('file:///ws/se.yaml', TEXT);
  const spans = [spanAtPath(file.documents[0].ast, ['spec', 'addresses', 1]), spanAtPath(file.documents[0].ast, ['spec', 'ports', 0, 'number'])];
  const data = file.documents.map((d) => d.ast.toJS());
  crowdOut();
  assert.equal(file.syntax?.present, false, 'the budget dropped the tree');
  const before = reparsedFiles();
  const again = file.documents[0].ast;
  assert.equal(reparsedFiles(), before + 1);
  assert.deepEqual([spanAtPath(again, ['spec', 'addresses', 1]), spanAtPath(again, ['spec', 'ports', 0, 'number'])], spans);
  assert.deepEqual(
    file.documents.map((d) => d.ast.toJS()),
    data,
  );
  assert.equal(reparsedFiles(), before + 1, 'one parse serves every document of the file');
  // kubectl reads `2001:db8::` in a flow sequence as one string, and the tree parsed again says so too.
  const addresses = nodeAtPath(again, ['spec', 'addresses'])?.value;
  assert.ok(isSeq(addresses) && isScalar(addresses.items[1]) && addresses.items[1].value === '2001:db8::');
  assert.equal(TEXT.slice(spans[0]!.start, spans[0]!.end), '2001:db8::');
  assert.deepEqual(file.documents[0].value, again.toJS(), 'the data read at first matches the tree read again');
});

test('the budget keeps the trees of the files used most recently', (t) => {
  const previous = setSyntaxBudget(TEXT.length * 2);
  t.after(() => setSyntaxBudget(previous));
  const [a, b, c] = ['a', 'b', 'c'].map((n) => parseFile(`file:///ws/${n}.yaml`, TEXT));
  assert.deepEqual(
    [a, b, c].map((f) => f.syntax?.present),
    [false, true, true],
  );
  void a.documents[0].ast;
  assert.deepEqual(
    [a, b, c].map((f) => f.syntax?.present),
    [true, false, true],
    'reading a dropped tree brings it back and drops the least recently used',
  );
});

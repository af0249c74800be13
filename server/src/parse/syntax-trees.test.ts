/**
 * Dropped syntax trees come back identical: the same ranges, the same kubectl reading, the same
 * data, whether one document is parsed again or the whole file; the budget bounds how many trees
 * stay in memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import { parseFile } from './parse';
import { reparsedTrees, setSyntaxBudget } from './syntax-trees';
import { nodeAtPath, spanAtPath } from './yaml-path';
import { needsShared, sharedYamlFiles } from '../shared-corpus';

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
  const before = reparsedTrees();
  const again = file.documents[0].ast;
  assert.equal(reparsedTrees(), before + 1);
  assert.deepEqual([file.syntax?.has(0), file.syntax?.has(1)], [true, false], 'only the document asked for was parsed again');
  assert.deepEqual([spanAtPath(again, ['spec', 'addresses', 1]), spanAtPath(again, ['spec', 'ports', 0, 'number'])], spans);
  assert.deepEqual(
    file.documents.map((d) => d.ast.toJS()),
    data,
  );
  assert.equal(reparsedTrees(), before + 2, 'each document is parsed again once');
  assert.equal(file.syntax?.present, true);
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
  void a.documents[1].ast;
  assert.deepEqual(
    [a, b, c].map((f) => f.syntax?.present),
    [true, false, true],
    'reading a dropped tree brings it back and drops the least recently used',
  );
});

/** Everything a tree says about the text: node kinds, ranges, values, comments, tags, anchors, errors. */
function shape(doc: Document.Parsed): unknown {
  const node = (n: unknown): unknown => {
    if (n === null || n === undefined) return n;
    if (isPair(n)) return { pair: [node(n.key), node(n.value)] };
    const common = (x: any) => ({
      range: x.range,
      comment: x.comment,
      commentBefore: x.commentBefore,
      spaceBefore: x.spaceBefore,
      tag: x.tag,
      anchor: x.anchor,
    });
    if (isScalar(n)) {
      return { scalar: { ...common(n), type: n.type, source: n.source, value: typeof n.value === 'number' && Number.isNaN(n.value) ? 'NaN' : n.value } };
    }
    if (isAlias(n)) return { alias: { ...common(n), source: n.source } };
    if (isMap(n) || isSeq(n)) return { [isMap(n) ? 'map' : 'seq']: { ...common(n), flow: n.flow, items: n.items.map(node) } };
    throw new Error(`a node of no known kind at ${JSON.stringify((n as { range?: unknown }).range)}`);
  };
  const errors = (list: { pos: [number, number]; code: string; message: string }[]) => list.map((e) => [e.pos, e.code, e.message]);
  return {
    range: doc.range,
    comment: doc.comment,
    commentBefore: doc.commentBefore,
    directives: [doc.directives?.docStart, doc.directives?.docEnd],
    errors: errors(doc.errors),
    warnings: errors(doc.warnings),
    contents: node(doc.contents),
  };
}

/** Asserts that each dropped tree of `text` comes back as the first parse gave it; answers whether documents were parsed one by one. */
function assertReparsedAlike(name: string, text: string): boolean {
  const previous = setSyntaxBudget(Infinity);
  let file;
  let first;
  try {
    file = parseFile(`file:///ws/${name}`, text);
    first = file.documents.map((d) => shape(d.ast));
  } finally {
    setSyntaxBudget(0);
  }
  try {
    crowdOut();
    assert.equal(file.syntax?.present ?? true, file.syntax === undefined || file.documents.length === 0, name);
    const before = reparsedTrees();
    // Last document first, so that no whole-file parse brings the others back unasked.
    for (let i = file.documents.length - 1; i >= 0; i--) assert.deepEqual(shape(file.documents[i].ast), first[i], `${name}, document ${i}`);
    return file.documents.length > 1 && reparsedTrees() - before === file.documents.length;
  } finally {
    setSyntaxBudget(previous);
  }
}

const STREAMS: Record<string, string> = {
  'leading-comments.yaml': '# team egress\n\n---\na: 1\n# trailing of a\n---\n\n# before b\nb: [1, 2]\n',
  'document-end.yaml': 'a: 1\n...\n# between\n---\nb: 2\n...\n# after the last\n',
  'directives.yaml': '%YAML 1.1\n---\na: yes\n---\nb: on\n',
  'tag-directive.yaml': '%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n---\nb: 2\n',
  'doc-start-content.yaml': '--- !!map\na: 1\n--- |\n  text\n--- >-\n  folded\n---\n',
  'empty-documents.yaml': '---\n---\n# only a comment\n---\na: 1\n',
  'unclosed-flow.yaml': 'a: [1, 2\n---\nb: {c: 1\n---\nd: 3\n',
  'errors.yaml': 'a: 1\n  b: 2\n---\nc: "open\n---\nd: &x 1\ne: *y\n',
  'crlf.yaml': 'a: 1\r\n---\r\n# c\r\nb: 2\r\n',
  'bom.yaml': '\uFEFFa: 1\n---\nb: 2\n',
  'duplicate-keys.yaml': 'a: 1\n---\nb: 1\nb: 2\n',
  'anchors.yaml': 'x: &a {k: v}\n---\ny: &a [1]\nz: *a\n',
  'kubectl-flow.yaml': 'spec:\n  addresses: [10.0.0.1, 2001:db8::]\n---\nspec:\n  addresses: [2001:db8::1]\n',
  'indented-doc-marker.yaml': 'a: |\n  ---\n  not a marker\n---\nb: 2\n',
};

test('a dropped tree parsed again alone is the tree the whole file gives, in streams of every shape', () => {
  const separable = Object.entries(STREAMS)
    .filter(([name, text]) => assertReparsedAlike(name, text))
    .map(([name]) => name);
  // Directives carry over from one document to the next, so those streams are parsed whole.
  assert.ok(!separable.includes('directives.yaml') && !separable.includes('tag-directive.yaml'), separable.join(', '));
  assert.ok(separable.includes('leading-comments.yaml') && separable.includes('unclosed-flow.yaml'), separable.join(', '));
});

test('a dropped tree parsed again alone is the tree the whole file gives, over the shared corpora', needsShared('corpus'), () => {
  const files = sharedYamlFiles('corpus');
  assert.ok(files.length > 1000, `${files.length} files`);
  let separable = 0;
  for (const { uri, text } of files) if (assertReparsedAlike(path.basename(uri), text)) separable++;
  assert.ok(separable > 100, `${separable} multi-document files parsed one document at a time`);
});

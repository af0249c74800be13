/**
 * A document's outline places a path where its syntax tree does, for every path of every document it
 * reads, and refuses what it does not read; a tree nobody has read yet answers `spanAtPath` from its
 * outline without being parsed, and is the parsed tree to anything else that reads it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Document, isDocument } from 'yaml';
import { parseFile, type ParsedFile } from './parse';
import { outlineSpanAtPath, UNSURE } from './block-outline';
import { outlineOf, reparsedTrees, setSyntaxBudget } from './syntax-trees';
import { spanAtPath } from './yaml-path';
import { needsShared, repoPath, sharedYamlFiles, yamlFilesUnder } from '../shared-corpus';
import { pathsOf } from './paths-of';

const QUERIES = [
  ['value', false],
  ['key', false],
  ['value', true],
  ['key', true],
] as const;

/**
 * Compares, for each document of a file, the outline's answers with the tree's over every path of its data;
 * returns how many documents were outlined and how many answers the outline gave.
 */
function assertOutlinedAlike(uri: string, text: string): { documents: number; outlined: number; answers: number } {
  const previous = setSyntaxBudget(Infinity);
  let file: ParsedFile;
  try {
    file = parseFile(uri, text);
  } finally {
    setSyntaxBudget(previous);
  }
  const trees = file.documents.map((d) => d.ast);
  file.syntax?.drop();
  let outlined = 0;
  let answers = 0;
  file.documents.forEach((doc, i) => {
    const outline = outlineOf(doc.ast);
    if (!outline) return;
    outlined++;
    for (const p of pathsOf(doc.value)) {
      for (const [prefer, firstLine] of QUERIES) {
        const quick = outlineSpanAtPath(outline, p, prefer, firstLine);
        if (quick === UNSURE) continue;
        answers++;
        assert.deepEqual(quick, spanAtPath(trees[i], p, prefer, firstLine), `${uri} #${i} ${JSON.stringify(p)} ${prefer} ${firstLine}`);
      }
    }
  });
  return { documents: file.documents.length, outlined, answers };
}

const PLAIN = [
  '# leading comment',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata:',
  '  name: route   # trailing comment',
  '  namespace: "shop"',
  '  labels:',
  "    app.kubernetes.io/name: 'web'",
  'spec:',
  '  hosts:',
  '  - api.example.com',
  '  -   "*.example.org"',
  '  gateways:',
  '    - mesh',
  '',
  '    - egress',
  '  http:',
  '  - match:',
  '    - port: 80',
  '      uri: {}',
  '    route:',
  '    -',
  '      destination:',
  '        host: a#b',
  '        port:',
  '          number: 443',
  '  tcp:',
  '  empty:',
  '---',
  'a: 1',
  '',
].join('\n');

test('the outline places every path of plain block YAML where the tree does', () => {
  // The second document has a flow mapping (`uri: {}`): it is not outlined.
  const result = assertOutlinedAlike('file:///ws/plain.yaml', PLAIN.replace('uri: {}', 'uri: x'));
  assert.deepEqual([result.documents, result.outlined], [2, 2]);
  assert.ok(result.answers > 100, `${result.answers} answers`);
  assert.equal(assertOutlinedAlike('file:///ws/flow.yaml', PLAIN).outlined, 1, 'a flow collection is left to the tree');
});

const NOT_PLAIN: Record<string, string> = {
  'flow.yaml': 'a: [1, 2]\n',
  'anchor.yaml': 'a: &x 1\nb: *x\n',
  'tag.yaml': 'a: !!str 1\n',
  'block-scalar.yaml': 'a: |\n  text\n',
  'multi-line-plain.yaml': 'a: one\n  two\n',
  'multi-line-quoted.yaml': 'a: "one\n  two"\n',
  'escape.yaml': 'a: "\\u0041"\n',
  'quoted-key.yaml': '"a": 1\n',
  'number-key.yaml': '80: http\n',
  'boolean-key.yaml': 'true: 1\n',
  'tab.yaml': 'a:\n\t- 1\n',
  'crlf.yaml': 'a: 1\r\nb: 2\r\n',
  'bad-indent.yaml': 'a:\n  b: 1\n   c: 2\n',
  'item-after-value.yaml': 'a: 1\n- b\n',
  'root-scalar.yaml': 'just text\n',
  'directive.yaml': '%YAML 1.2\n---\na: 1\n',
  'doc-start-content.yaml': '--- !!map\na: 1\n',
  'nested-item.yaml': 'a:\n- - 1\n',
  'colon-in-value.yaml': 'a: b: c\n',
};

test('the outline refuses anything but plain block YAML', () => {
  for (const [name, text] of Object.entries(NOT_PLAIN)) assert.equal(assertOutlinedAlike(`file:///ws/${name}`, text).outlined, 0, name);
});

test('a tree nobody has read answers spanAtPath without being parsed, and is the parsed tree to any other reader', (t) => {
  const previous = setSyntaxBudget(Infinity);
  t.after(() => setSyntaxBudget(previous));
  const file = parseFile('file:///ws/plain.yaml', PLAIN.replace('uri: {}', 'uri: x'));
  const real = file.documents[0].ast;
  const expected = spanAtPath(real, ['spec', 'http', 0, 'route', 0, 'destination', 'port', 'number']);
  const data = real.toJS();
  file.syntax?.drop();
  const before = reparsedTrees();
  const standIn = file.documents[0].ast;
  assert.deepEqual(spanAtPath(standIn, ['spec', 'http', 0, 'route', 0, 'destination', 'port', 'number']), expected);
  assert.deepEqual(spanAtPath(standIn, ['spec', 'hosts', 1], 'key'), spanAtPath(real, ['spec', 'hosts', 1], 'key'));
  assert.equal(reparsedTrees(), before, 'the outline answered');
  assert.equal(file.syntax?.has(0), false);
  // A span the outline does not know (a whole mapping) parses the tree.
  assert.deepEqual(spanAtPath(standIn, ['spec', 'http', 0]), spanAtPath(real, ['spec', 'http', 0]));
  assert.equal(reparsedTrees(), before + 1);
  assert.equal(file.syntax?.has(0), true);
  assert.ok(isDocument(standIn) && standIn instanceof Document);
  assert.deepEqual(standIn.toJS(), data);
  assert.deepEqual(standIn.range, real.range);
  assert.equal(String(standIn), String(real));
  assert.equal(reparsedTrees(), before + 1, 'parsed once');
});

test('the outline places paths where the tree does over the shared corpora, and outlines most of their documents', needsShared('corpus'), () => {
  let documents = 0;
  let outlined = 0;
  let answers = 0;
  for (const { uri, text } of sharedYamlFiles('corpus')) {
    const r = assertOutlinedAlike(uri, text);
    documents += r.documents;
    outlined += r.outlined;
    answers += r.answers;
  }
  console.log(`${outlined} of ${documents} documents outlined, ${answers} answers`);
  assert.ok(outlined > documents / 2, `${outlined} of ${documents} documents outlined`);
  assert.ok(answers > 100_000, `${answers} answers`);
});

test('the outline places paths where the tree does in the examples and analyzer fixtures', () => {
  const files = [...yamlFilesUnder(repoPath('examples')), ...yamlFilesUnder(repoPath('server', 'src', 'analyzers', 'fixtures'))];
  let outlined = 0;
  for (const { uri, text } of files) outlined += assertOutlinedAlike(uri, text).outlined;
  console.log(`${outlined} documents outlined in ${files.length} files`);
  assert.ok(outlined > 100, `${outlined} documents outlined`);
});

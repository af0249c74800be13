import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { cursorContext, indentStyle, LineReader, type CursorContext } from './cursor-context';
import { documentAt } from './document-schema';

/** The cursor context at the `|` (or `marker`) in `src`, with and without the syntax tree. */
function at(src: string, marker = '|'): CursorContext | undefined {
  const offset = src.indexOf(marker);
  assert.ok(offset >= 0, 'test text needs a cursor marker');
  const text = src.slice(0, offset) + src.slice(offset + marker.length);
  const file = parseFile('file:///test.yaml', text);
  const withAst = cursorContext(new LineReader(text), offset, documentAt(file, offset)?.ast);
  const textOnly = cursorContext(new LineReader(text), offset);
  assert.deepEqual(stripPresent(textOnly), stripPresent(withAst), 'the text walk and the syntax tree agree');
  return withAst;
}

function stripPresent(c: CursorContext | undefined): unknown {
  return c && { ...c, present: c.type === 'key' ? [...c.present].sort() : undefined };
}

function keyAt(src: string, marker = '|') {
  const c = at(src, marker);
  assert.equal(c?.type, 'key', `expected a key position in ${JSON.stringify(src)}`);
  return c;
}

function valueAt(src: string, marker = '|') {
  const c = at(src, marker);
  assert.equal(c?.type, 'value', `expected a value position in ${JSON.stringify(src)}`);
  return c;
}

test('root of an empty file and of a document after ---', () => {
  assert.deepEqual(keyAt('|').path, []);
  assert.deepEqual(keyAt('a: 1\n---\n|').path, []);
  assert.deepEqual(keyAt('a: 1\n---\n|\n').present, new Set());
  assert.deepEqual([...keyAt('a: 1\n---\nb: 2\n|\nc: 3\n---\nd: 4\n').present].sort(), ['b', 'c']);
});

test('partial word at column 0 replaces the whole word', () => {
  const c = keyAt('Serv|ice');
  assert.equal(c.partial, 'Serv');
  assert.deepEqual(c.replace, { start: 0, end: 7 });
  assert.equal(c.hasColon, false);
});

test('a nested empty line takes its parent from indentation', () => {
  const src = 'spec:\n  hosts:\n  - a\n  |\n';
  const c = keyAt(src);
  assert.deepEqual(c.path, ['spec']);
  assert.deepEqual([...c.present], ['hosts']);
  assert.equal(c.column, 2);
});

test('dedenting back to an outer mapping', () => {
  const src = 'spec:\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n  |\n';
  assert.deepEqual(keyAt(src).path, ['spec']);
  assert.deepEqual(keyAt('spec:\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n    |\n').path, ['spec', 'trafficPolicy']);
  assert.deepEqual(keyAt('spec:\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      |\n').path, ['spec', 'trafficPolicy', 'tls']);
  assert.deepEqual(keyAt('spec:\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n|\n').path, []);
});

test('a partial key, with and without a colon after it', () => {
  const c = keyAt('spec:\n  hosts: []\n  res|\n');
  assert.deepEqual(c.path, ['spec']);
  assert.equal(c.partial, 'res');
  assert.deepEqual([...c.present], ['hosts']);
  const mid = keyAt('spec:\n  ho|sts: []\n  resolution: DNS\n');
  assert.equal(mid.hasColon, true);
  assert.deepEqual([...mid.present], ['resolution'], 'the key being edited does not count as present');
  assert.deepEqual(mid.replace, { start: 8, end: 13 });
});

test('a new sequence item opened with "- " (compact style)', () => {
  const c = keyAt('spec:\n  ports:\n  - number: 80\n    name: http\n  - |\n');
  assert.deepEqual(c.path, ['spec', 'ports', 1]);
  assert.equal(c.inItem, true);
  assert.equal(c.column, 4);
  assert.equal(c.lineIndent, 2);
  assert.deepEqual(c.present, new Set(), 'keys of the previous item are not present in this one');
});

test('a new sequence item (indented style) and the third item', () => {
  assert.deepEqual(keyAt('spec:\n  ports:\n    - number: 80\n    - number: 81\n    - |\n').path, ['spec', 'ports', 2]);
});

test('the continuation lines of a sequence item', () => {
  const c = keyAt('spec:\n  ports:\n  - number: 80\n    |\n  - number: 81\n    name: b\n');
  assert.deepEqual(c.path, ['spec', 'ports', 0]);
  assert.deepEqual([...c.present], ['number']);
  const second = keyAt('spec:\n  ports:\n  - number: 80\n  - number: 81\n    |\n    protocol: TCP\n');
  assert.deepEqual(second.path, ['spec', 'ports', 1]);
  assert.deepEqual([...second.present].sort(), ['number', 'protocol']);
});

test('nested sequences of mappings: tls match', () => {
  const c = keyAt('spec:\n  tls:\n  - match:\n    - |\n');
  assert.deepEqual(c.path, ['spec', 'tls', 0, 'match', 0]);
  const deeper = keyAt('spec:\n  tls:\n  - match:\n    - port: 443\n      |\n    route:\n    - destination: {}\n');
  assert.deepEqual(deeper.path, ['spec', 'tls', 0, 'match', 0]);
  assert.deepEqual([...deeper.present], ['port']);
  const route = keyAt('spec:\n  tls:\n  - match:\n    - port: 443\n    |\n');
  assert.deepEqual(route.path, ['spec', 'tls', 0]);
  assert.deepEqual([...route.present], ['match']);
});

test('a dash-only line opens an item whose keys start on the next line', () => {
  assert.deepEqual(keyAt('spec:\n  ports:\n  -\n    |\n').path, ['spec', 'ports', 0]);
});

test('nested "- - " items', () => {
  assert.deepEqual(keyAt('a:\n- - |\n').path, ['a', 0, 0]);
  assert.deepEqual(keyAt('a:\n- - x: 1\n  - |\n').path, ['a', 0, 1]);
});

test('blank lines and comments between the cursor and its parent', () => {
  const c = keyAt('spec:\n  # hosts to reach\n  hosts:\n  - a\n\n    # indented comment\n\n  |\n');
  assert.deepEqual(c.path, ['spec']);
  assert.deepEqual([...c.present], ['hosts']);
});

test('quoted keys and keys with anchors', () => {
  assert.deepEqual(keyAt('"spec":\n  \'trafficPolicy\':\n    |\n').path, ['spec', 'trafficPolicy']);
  assert.deepEqual(keyAt('spec: &base\n  |\n').path, ['spec']);
});

test('no key can go under a key that already has a scalar value', () => {
  assert.equal(at('spec:\n  host: a\n    |\n'), undefined);
  assert.equal(at('spec:\n  hosts:\n  - a\n    |\n'), undefined);
});

test('comments, document markers and a dash without a space are not completed', () => {
  assert.equal(at('spec:\n  # hos|\n'), undefined);
  assert.equal(at('spec:\n  hosts: a # b|\n'), undefined);
  assert.equal(at('---|\n'), undefined);
  assert.equal(at('spec:\n  ports:\n  -|\n'), undefined);
});

test('value after "key: " with a partial word, quotes and flow sequences', () => {
  const v = valueAt('spec:\n  resolution: DN|S\n');
  assert.deepEqual(v.path, ['spec', 'resolution']);
  assert.equal(v.partial, 'DN');
  assert.deepEqual(v.replace, { start: 20, end: 23 });
  assert.equal(v.needsSpace, false);

  const q = valueAt('spec:\n  resolution: "DN|"\n');
  assert.equal(q.quoted, true);
  assert.deepEqual(q.replace, { start: 21, end: 23 }, 'the quotes stay outside the replaced range');

  const flow = valueAt('spec:\n  exportTo: [".", "ist|"]\n');
  assert.equal(flow.flowItem, true);
  assert.equal(flow.partial, 'ist');
  assert.deepEqual(flow.replace, { start: 25, end: 28 });
  const flowEmpty = valueAt('spec:\n  exportTo: [a, |]\n');
  assert.deepEqual(flowEmpty.replace, { start: 22, end: 22 });

  const tight = valueAt('spec:\n  resolution:|\n');
  assert.equal(tight.needsSpace, true);
  assert.equal(at('spec:\n  resolution: "DNS" |\n'), undefined, 'after a closed quote');
  assert.equal(at('data:\n  mesh: |‸\n', '‸'), undefined, 'a block scalar header');
});

test('value of a key that opens a sequence item', () => {
  const v = valueAt('spec:\n  egress:\n  - hosts: []\n  - captureMode: |\n');
  assert.deepEqual(v.path, ['spec', 'egress', 1, 'captureMode']);
});

test('inside a block scalar the path is relative to its content', () => {
  const c = keyAt('data:\n  mesh: |\n    outboundTrafficPolicy:\n      mo‸\n', '‸');
  assert.deepEqual(c.block, ['data', 'mesh']);
  assert.deepEqual(c.path, ['outboundTrafficPolicy']);
  const root = keyAt('data:\n  mesh: |-\n    defaultConfig: {}\n    ‸\n', '‸');
  assert.deepEqual(root.block, ['data', 'mesh']);
  assert.deepEqual(root.path, []);
  assert.deepEqual([...root.present], ['defaultConfig']);
  const v = valueAt('data:\n  mesh: |\n    outboundTrafficPolicy:\n      mode: ‸\n', '‸');
  assert.deepEqual(v.path, ['outboundTrafficPolicy', 'mode']);
  assert.deepEqual(v.block, ['data', 'mesh']);
});

test('a sibling block scalar does not confuse the walk', () => {
  const c = keyAt('spec:\n  description: |\n    foo:\n      bar: 1\n  ‸\n', '‸');
  assert.deepEqual(c.path, ['spec']);
  assert.equal(c.block, undefined);
  assert.deepEqual([...c.present], ['description']);
});

test('CRLF line ends, a byte order mark and tabs', () => {
  const crlf = keyAt('spec:\r\n  hosts:\r\n  - a\r\n  |\r\n  resolution: DNS\r\n');
  assert.deepEqual(crlf.path, ['spec']);
  assert.deepEqual([...crlf.present].sort(), ['hosts', 'resolution']);
  const v = valueAt('spec:\r\n  resolution: D|\r\n');
  assert.deepEqual(v.replace, { start: 21, end: 22 });
  assert.deepEqual(keyAt('\uFEFFspec:\n  |\n').path, ['spec']);
  assert.deepEqual(keyAt('\uFEFF|').path, []);
  assert.doesNotThrow(() => at('spec:\n\thosts:\n\t|\n'));
});

test('broken YAML above the cursor still resolves from the text', () => {
  const c = keyAt('spec:\n  hosts: [a, b\n  ports:\n  - number: 1\n    na: {\n  - |\n');
  assert.deepEqual(c.path.slice(0, 2), ['spec', 'ports']);
});

test('indentation style: unit and sequence offset', () => {
  const style = (text: string) => {
    const lines = new LineReader(text);
    return indentStyle(lines, 0, lines.count - 1);
  };
  assert.deepEqual(style('spec:\n  hosts:\n  - a\n'), { unit: 2, sequence: 0 });
  assert.deepEqual(style('spec:\n    hosts:\n        - a\n'), { unit: 4, sequence: 4 });
  assert.deepEqual(style('a: 1\n'), { unit: 2, sequence: 0 });
});

test('deeply nested text resolves quickly and never overflows', () => {
  let text = '';
  for (let i = 0; i < 400; i++) text += `${' '.repeat(i)}k${i}:\n`;
  const c = cursorContext(new LineReader(text + ' '.repeat(400)), text.length + 400);
  assert.equal(c?.type, 'key');
  assert.equal(c?.path.length, 400);
  let huge = '';
  for (let i = 0; i < 3000; i++) huge += `${' '.repeat(i)}k${i}:\n`;
  assert.doesNotThrow(() => cursorContext(new LineReader(huge + ' '.repeat(3000)), huge.length + 3000));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Parser } from 'yaml';
import { plainDocuments } from './plain-documents';
import { PARSE_CASES } from './assert-same-file';
import { checkBothWays } from './assert-same-plain';
import { needsShared, sharedPath } from '../shared-corpus';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yamlFiles(full, out);
    else if (/\.(ya?ml|json)$|^Kustomization$/.test(e.name)) out.push(full);
  }
  return out;
}

/** Scalars in every notation the core schema reads, in block and document positions. */
const SCALARS = [
  ...['0', '-0', '+1', '007', '0o17', '0o', '0x1F', '0xg', '1_000', '1.5', '-1.50', '.5', '1e3', '1E-3', '+.inf', '-.Inf', '.INF', '.nan', '.NaN', '0.'],
  ...['~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'on', 'off', 'y', '1:20', '2001-12-14'],
  ...['"quoted"', "'single'", "'it''s'", '"esc\\t\\n\\u00e9"', '""', "''", 'a b c', 'a # comment', 'x:y', 'http://host:80/a', '-', '--', '-a'],
];

/** Texts with the YAML a plain reading must read exactly or leave to the composer. */
function trickyTexts(): Record<string, string> {
  const cases: Record<string, string> = {};
  cases['scalars-as-values.yaml'] = SCALARS.map((s, i) => `k${i}: ${s}\n`).join('');
  cases['scalars-as-keys.yaml'] = SCALARS.map((s, i) => `${s}: ${i}\n`).join('');
  cases['scalars-in-seq.yaml'] = `list:\n${SCALARS.map((s) => `- ${s}\n`).join('')}`;
  cases['scalar-documents.yaml'] = SCALARS.map((s) => `--- ${s}\n`).join('');
  for (const header of ['|', '|-', '|+', '>', '>-', '>+', '|2', '>1-', '|+2', '| # comment']) {
    const body = `  line one\n    more indented\n\n  line two\n\n\n`;
    cases[`block ${header}.yaml`] = `a:\n  b: ${header}\n${body.replace(/^/gm, '  ').replace(/^ {2}$/gm, '')}  c: after\nlast: ${header}\n${body}`;
  }
  cases['multi-line.yaml'] = 'a: "one\n  two\n\n  three"\nb: \'x\n  y\'\nc: plain\n  continued\n  lines\nd: ok\n';
  cases['empty-values.yaml'] = 'a:\nb: # comment\nc:\n  # comment\nd:\n- \n-\n- # c\n-   \ne: ~\n';
  cases['comments.yaml'] = '# head\n\n# more\na: 1 # after\n# between\nb:\n  # inside\n  c: 2\n  # trailing\n# end\nd:\n  - 1 # x\n  # y\n  - 2\n# tail\n';
  cases['crlf.yaml'] = 'a: 1\r\nb:\r\n  - x\r\n  - "y\r\n    z"\r\nc: |\r\n  t\r\n';
  cases['tabs.yaml'] = 'a:\t1\nb: "\tx"\nc:\n\t- d\n';
  cases['tab-indent.yaml'] = 'a:\n  b: 1\n\t c: 2\n';
  cases['colon-keys.yaml'] = '"a:b": 1\n\'c: d\': 2\ne:f: 3\nhttp://x: 4\n? explicit\n: value\n';
  cases['only-comments.yaml'] = '# one\n---\n# two\n---\n\n---\n';
  cases['doc-markers.yaml'] = 'a: 1\n...\n---\nb: 2\n...\n';
  cases['doc-start-same-line.yaml'] = '--- a: 1\n--- - b\n--- "c"\n---\n- d\n';
  cases['anchors.yaml'] = 'a: &x 1\nb: *x\nc: !!str 2\nd: !custom 3\n<<: {e: 4}\n';
  // One construct each, so that none hides behind another that is left to the composer.
  const one = { anchor: 'a: &x 1\n', 'anchor-map': 'a: &x\n  b: 1\n', tag: 'c: !!str 2\n', 'custom-tag': 'd: !custom 3\n', 'seq-tag': '- !t 1\n' };
  Object.assign(one, { 'explicit-key': '? explicit\n: value\n', merge: '<<: 1\na: 2\n', 'compact-nested': 'a: b: 1\n', 'two-colons': 'a: : b\n' });
  Object.assign(one, { 'doc-tag': '--- !t\na: 1\n', 'doc-anchor': '--- &a\n- 1\n', 'key-anchor': '&k a: 1\n', alias: 'a: *x\n' });
  for (const [name, text] of Object.entries(one)) cases[`one-${name}.yaml`] = text;
  cases['nested-seqs.yaml'] = '- - - a\n    - b\n  - c\n';
  cases['flow.yaml'] = 'a: [1, 2]\nb: {c: d}\ne: []\n';
  cases['duplicates.yaml'] = 'a: 1\nb: 2\na: 3\n1: x\n"1": y\n1.0: z\n';
  cases['proto.yaml'] = '__proto__: 1\nconstructor: 2\ntoString: 3\nhasOwnProperty: 4\n';
  cases['bad.yaml'] = 'a: 1\n b: 2\nc: - d\ne: "unterminated\n';
  // Characters a plain scalar cannot start with, one a file, and comments right after a plain scalar.
  for (const c of ['@', '`', '%', ',', '|', '>']) cases[`bad-start-${c}.yaml`] = `a: x\nb: ${c}y\n`;
  cases['plain-then-comment.yaml'] = 'a: x # c\nb: y\t# c\nc: z#not\nd:   w   \ne:\n- f # c\n- g\n';
  cases['bad-indent.yaml'] = 'a:\n  - 1\n - 2\nb:\n    c: 1\n  d: 2\n';
  const indents = ['- a: 1\n   b: 2\n', '- a: 1\n b: 2\n', 'x:\n  a: 1\n   b: 2\n', 'x:\n   a: 1\n  b: 2\n', 'a:\n  b: 1\n  # c\n# d\n  e: 2\n'];
  for (const [i, text] of [...indents, 'a:\n- 1\n# c\n- 2\nb: 1\n', '- 1\n # c\n- 2\n', 'a: 1\n  # c\n', 'a:\n  - 1\n  -\n  # c\n'].entries()) {
    cases[`indent-${i}.yaml`] = text;
  }
  cases['compact.yaml'] = '- a: 1\n  b: 2\n- - x\n  - y\n-   c: 3\n';
  cases['long-key.yaml'] = `${'k'.repeat(1030)}: 1\nshort: 2\n${'#'.repeat(1100)}\nz: 3\n`;
  cases['multiline-key.yaml'] = 'a\n b: 1\n';
  cases['comment-no-space.yaml'] = 'a: 1#no\nb: "x"#c\n';
  cases['bom.yaml'] = '\ufeffa: 1\n';
  cases['directive.yaml'] = '%YAML 1.2\n---\na: 1\n';
  cases['block-root.yaml'] = '--- |\ntext\n--- >\n  folded\n';
  cases['nested.yaml'] = `${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('')}${' '.repeat(200)}v\n`;
  return cases;
}

test('plain reading gives what the library composes: tricky scalars, block scalars, comments, empty values, line breaks', () => {
  let plain = 0;
  const cases = trickyTexts();
  for (const [name, text] of Object.entries(cases)) if (checkBothWays(`file:///t/${name}`, text)) plain++;
  // Most of these are plain; those that are not (tabs, anchors, flow, duplicates, errors) must be composed.
  assert.ok(plain >= 20, `${plain} of ${Object.keys(cases).length} read plainly`);
  const composedOnly = ['anchors.yaml', 'flow.yaml', 'duplicates.yaml', 'bad.yaml', 'doc-markers.yaml', 'directive.yaml', 'long-key.yaml', 'tabs.yaml'];
  for (const name of [...composedOnly, ...Object.keys(cases).filter((n) => n.startsWith('one-') || n.startsWith('bad-start-'))]) {
    assert.equal(plainDocuments(Array.from(new Parser().parse(cases[name]))), undefined, `${name} is left to the composer`);
  }
});

test('plain reading says where a resource is named as its tree does, and leaves names it cannot place to the tree', () => {
  const head = 'apiVersion: v1\nkind: Service\n';
  const names: Record<string, string> = {
    'plain.yaml': 'metadata:\n  name: web # the name\n  namespace: a\n',
    'quoted.yaml': 'metadata:\n  namespace: a\n  "name": \'web app\'\n',
    'block.yaml': 'metadata:\n  name: |\n    web\n',
    'number.yaml': 'metadata:\n  name: 123\n',
    'null.yaml': 'metadata:\n  name: ~\n',
    'empty.yaml': 'metadata:\n  name:\n  namespace: a\n',
    'sequence.yaml': 'metadata:\n  name:\n    - a\n',
    'no-name.yaml': 'metadata:\n  namespace: a\n',
    'scalar-metadata.yaml': 'metadata: web\n',
    'no-metadata.yaml': 'spec:\n  type: ClusterIP\n',
    'crlf.yaml': 'metadata:\r\n  name: web\r\n---\r\n' + head.replace(/\n/g, '\r\n') + 'metadata:\r\n  name: db\r\n',
  };
  for (const [name, rest] of Object.entries(names)) assert.ok(checkBothWays(`file:///n/${name}`, head + rest), `${name} is read plainly`);
  const spanOf = (text: string) => plainDocuments(Array.from(new Parser().parse(text)))?.[0]?.name;
  const text = head + names['plain.yaml'];
  assert.deepEqual(spanOf(text), { start: text.indexOf('web'), end: text.indexOf('web') + 3 });
  for (const name of ['empty.yaml', 'sequence.yaml', 'no-name.yaml', 'no-metadata.yaml']) assert.equal(spanOf(head + names[name]), undefined, name);
});

test('plain reading gives what the library composes for the parse cases and the examples', () => {
  for (const [name, text] of Object.entries(PARSE_CASES)) checkBothWays(`file:///ws/${name}`, text);
  let plain = 0;
  const files = yamlFiles(path.join(REPO_ROOT, 'examples'));
  for (const file of files) if (checkBothWays(`file://${file}`, fs.readFileSync(file, 'utf8'))) plain++;
  assert.ok(plain > files.length / 2, `${plain} of ${files.length} examples read plainly`);
});

test('plain reading gives what the library composes for every file of the shared corpora', needsShared('corpus'), () => {
  const files = yamlFiles(sharedPath('corpus'));
  assert.ok(files.length > 1000, `${files.length} files`);
  let plain = 0;
  for (const file of files) if (checkBothWays(`file://${file}`, fs.readFileSync(file, 'utf8'))) plain++;
  assert.ok(plain > files.length * 0.8, `${plain} of ${files.length} files read plainly`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FILE_BYTES, parseDocumentAt, parseFile, parseFileParts, parseFileSteps } from './parse';
import { isMap, isScalar } from 'yaml';
import { nodeAtPath, spanAtPath } from './yaml-path';
import { outboundMode } from './mesh-config';
import { PARSE_CASES } from './assert-same-file';

const SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: httpbin # keep me
spec:
  hosts:
  - httpbin.org
  resolution: DNS
`;

function lineCol(text: string, offset: number) {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

test('multi-document files give one resource per document, namespace defaulting to default', () => {
  const file = parseFile('file:///a.yaml', `${SE}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n---\n# just a comment\n`);
  assert.equal(file.documents.length, 3);
  assert.deepEqual(
    file.resources.map((r) => [r.kind, r.namespace, r.name, r.family]),
    [
      ['ServiceEntry', 'default', 'httpbin', 'istio'],
      ['Service', 'shop', 'web', 'kubernetes'],
    ],
  );
  assert.equal(file.problems.length, 0);
  assert.equal(file.owned, true);
});

test('ranges are exact for keys and values, with CRLF line endings and a BOM', () => {
  const text = '\ufeff' + SE.replace(/\n/g, '\r\n');
  const file = parseFile('file:///a.yaml', text);
  const r = file.resources[0];
  const span = spanAtPath(r.document.ast, ['spec', 'resolution'])!;
  assert.equal(text.slice(span.start, span.end), 'DNS');
  assert.deepEqual(lineCol(text, span.start), { line: 7, character: 14 });
  const key = spanAtPath(r.document.ast, ['spec', 'resolution'], 'key')!;
  assert.equal(text.slice(key.start, key.end), 'resolution');
  assert.equal(r.name, 'httpbin');
});

test('comments are kept in the syntax tree', () => {
  const file = parseFile('file:///a.yaml', SE);
  assert.match(file.documents[0].ast.toString(), /# keep me/);
});

test('broken YAML gives a yaml-syntax finding where the parser stopped, and the other documents still parse', () => {
  const text = `${SE}---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  servers: [a, b\n`;
  const file = parseFile('file:///a.yaml', text);
  const syntax = file.problems.filter((p) => p.code === 'yaml-syntax');
  assert.ok(syntax.length >= 1, 'a syntax finding');
  assert.ok(lineCol(text, syntax[0].start).line >= 14, `on the broken document, got line ${lineCol(text, syntax[0].start).line}`);
  assert.equal(file.resources[0].kind, 'ServiceEntry');
  assert.ok(syntax[0].message.startsWith('YAML syntax error'));
});

test('duplicate keys are reported as yaml-duplicate-key on the second key', () => {
  const text = SE + '  resolution: NONE\n';
  const file = parseFile('file:///a.yaml', text);
  const dup = file.problems.find((p) => p.code === 'yaml-duplicate-key');
  assert.ok(dup);
  assert.equal(lineCol(text, dup.start).line, 8);
});

test('a mapping of 50,000 keys parses in linear time, and a duplicate among them is still found', () => {
  // The YAML library's own duplicate check compares each key with every earlier one: about a minute here.
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: big', 'data:'];
  for (let i = 0; i < 50_000; i++) lines.push(`  k${i}: v`);
  const text = `${lines.join('\n')}\n  k7: again\n`;
  const started = process.cpuUsage();
  const file = parseFile('file:///big.yaml', text);
  const spent = process.cpuUsage(started);
  const elapsed = Math.round((spent.user + spent.system) / 1000);
  assert.ok(elapsed < 8000, `parsed in ${elapsed} ms of CPU time`);
  assert.deepEqual(
    file.problems.map((p) => [p.code, p.start]),
    [['yaml-duplicate-key', text.lastIndexOf('k7: again')]],
  );
});

test('duplicate keys are found in flow mappings and nested mappings, with the same scalar value in any style', () => {
  const text = 'a: {x: 1, "x": 2}\nb:\n  c: 1\n  d: 2\n  c: 3\ntrue: 1\nTrue: 2\n1: a\n"1": b\n';
  const file = parseFile('file:///dups.yaml', text);
  assert.deepEqual(
    file.problems.filter((p) => p.code === 'yaml-duplicate-key').map((p) => text.slice(p.start, p.start + 4)),
    ['"x":', 'c: 3', 'True'],
  );
});

test('an alias bomb is refused with one finding, quickly', () => {
  const started = Date.now();
  const file = parseFile('file:///bomb.yaml', PARSE_CASES['alias-bomb.yaml']);
  assert.ok(Date.now() - started < 2000, 'no exponential expansion');
  assert.deepEqual(
    file.problems.map((p) => p.code),
    ['yaml-alias-limit'],
  );
});

test('very deep nesting does not throw', () => {
  const text = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nspec: ' + '['.repeat(50000) + ']'.repeat(50000) + '\n';
  const file = parseFile('file:///deep.yaml', text);
  assert.ok(Array.isArray(file.problems));
});

test('a file just under the size limit is parsed; one just over it is skipped with its size and the limit', () => {
  const padding = `# ${'generated '.repeat(12)}\n`;
  const docs = Array.from({ length: 7200 }, (_, i) => padding + SE.replace('httpbin', `svc-${i}`).replace('httpbin.org', `h${i}.example.com`));
  const under = docs.join('---\n');
  assert.ok(under.length > 0.9 * MAX_FILE_BYTES && under.length <= MAX_FILE_BYTES, `${under.length} bytes`);
  const started = Date.now();
  assert.equal(parseFile('file:///big.yaml', under).resources.length, 7200);
  assert.ok(Date.now() - started < 30000);
  const over = parseFile('file:///big.yaml', under + '\n'.repeat(MAX_FILE_BYTES * 1.5 - under.length));
  assert.equal(over.skipped, 'too-large');
  assert.deepEqual(
    over.problems.map((p) => [p.code, p.message.split(',')[0] + ',' + p.message.split(',')[1]]),
    [['file-too-large', 'This file is 3 MB, over the 2 MB limit']],
  );
});

test('binary files are skipped silently', () => {
  const file = parseFile('file:///x.yaml', 'apiVersion: networking.istio.io/v1\n\u0000\u0001\u0002binary');
  assert.equal(file.skipped, 'binary');
  assert.deepEqual(file.problems, []);
  assert.equal(file.owned, false);
});

test('a file of control characters without NUL is binary; a few of them among text are not', () => {
  assert.equal(parseFile('file:///x.yaml', `a: b\n${'\u0001\u001b\ufffd'.repeat(20)}`).skipped, 'binary');
  assert.equal(parseFile('file:///y.yaml', `a: "\u0001\u001b"\n${'b: c\n'.repeat(20)}`).skipped, undefined);
});

test('Helm templates are skipped with one information finding at the first action', () => {
  const text =
    '# {{ not this one, it is a comment }}\napiVersion: networking.istio.io/v1\nkind: ' +
    'ServiceEntry\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  hosts: [{{ .Values.host }}]\n';
  const file = parseFile('file:///t.yaml', text);
  assert.equal(file.skipped, 'helm');
  assert.equal(file.problems.length, 1);
  assert.equal(file.problems[0].code, 'helm-template-skipped');
  assert.equal(file.problems[0].severity, 'information');
  assert.deepEqual(lineCol(text, file.problems[0].start), { line: 4, character: 8 });
  assert.equal(file.owned, true);
});

test('unknown kinds and plain YAML are parsed but not owned', () => {
  const file = parseFile('file:///x.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\nfoo: bar\n');
  assert.equal(file.resources.length, 1);
  assert.equal(file.resources[0].family, 'other');
  assert.equal(file.owned, false);
});

test('mesh config from an IstioOperator and from the istio ConfigMap', () => {
  const op = parseFile(
    'file:///op.yaml',
    'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  meshConfig:\n    outboundTrafficPolicy:\n      mode: REGISTRY_ONLY\n',
  );
  assert.equal(outboundMode(op.resources[0].meshConfig), 'REGISTRY_ONLY');
  const cmText =
    'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: istio\r\n  namespace: ' +
    'istio-system\r\ndata:\r\n  mesh: |-\r\n    accessLogFile: /dev/stdout\r\n    outboundTrafficPolicy:\r\n      ' +
    'mode: REGISTRY_ONLY\r\n';
  const cm = parseFile('file:///cm.yaml', cmText);
  const mesh = cm.resources[0].meshConfig!;
  assert.equal(cm.resources[0].family, 'mesh-config');
  assert.equal(outboundMode(mesh), 'REGISTRY_ONLY');
  assert.equal(cm.owned, true);
  // Offsets inside the embedded YAML map back onto the file.
  const inner = mesh.ast.toString();
  const innerOffset = mesh.ast.contents && String(inner).indexOf('REGISTRY_ONLY');
  const fileOffset = mesh.toFileOffset(Number(innerOffset));
  assert.equal(cmText.slice(fileOffset, fileOffset + 'REGISTRY_ONLY'.length), 'REGISTRY_ONLY');
  assert.deepEqual(lineCol(cmText, fileOffset), { line: 9, character: 12 });
});

test('a broken ConfigMap mesh reports the syntax error inside the string, on the right line', () => {
  const text =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: ' +
    '|\n    outboundTrafficPolicy:\n      mode: [REGISTRY_ONLY\n';
  const file = parseFile('file:///cm.yaml', text);
  const syntax = file.problems.find((p) => p.code === 'yaml-syntax');
  assert.ok(syntax, 'syntax error inside the mesh string');
  assert.ok(lineCol(text, syntax.start).line >= 7);
});

test('an unclosed `{{` repeated over 320 KB does not freeze the parser', () => {
  const text = `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n${'{{ x\n'.repeat(64000)}`;
  const started = Date.now();
  const file = parseFile('file:///t.yaml', text);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.notEqual(file.skipped, 'helm', 'no closing }}: not a template');
  assert.ok(file.problems.some((p) => p.code === 'yaml-too-deep'));
});

test('80 KB of blank lines do not freeze the "is this an Istio file" check', () => {
  const text = `${'\n'.repeat(80000)}  apiVersion: networking.istio.io/v1\n`;
  const started = Date.now();
  const file = parseFile('file:///blank.yaml', text);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.equal(file.owned, true);
});

test('a file with lone CR line endings that starts with a comment is read line by line', () => {
  const text = SE.split('\n').join('\r').replace(/^/, '# egress for httpbin\r');
  const file = parseFile('file:///cr.yaml', text);
  assert.deepEqual(
    file.resources.map((r) => [r.kind, r.name]),
    [['ServiceEntry', 'httpbin']],
  );
  const span = spanAtPath(file.resources[0].document.ast, ['spec', 'resolution'])!;
  assert.equal(text.slice(span.start, span.end), 'DNS');
  assert.deepEqual(file.problems, []);
});

test('a self-referencing alias is one finding, not data that cannot be serialised', () => {
  const text = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: x\nspec:\n  hosts: [a.example.com]\n  exportTo: &r [*r]\n';
  const file = parseFile('file:///loop.yaml', text);
  assert.deepEqual(
    file.problems.map((p) => p.code),
    ['yaml-alias-limit'],
  );
  assert.equal(file.resources.length, 0);
  assert.equal(file.owned, true);
  assert.doesNotThrow(() => JSON.stringify(file.documents.map((d) => d.value)));
});

test('mapping keys that are collections are one syntax finding, fast, and print no warning', () => {
  const warnings: unknown[] = [];
  const original = process.emitWarning.bind(process);
  process.emitWarning = (w: string | Error) => void warnings.push(w);
  try {
    const started = Date.now();
    const file = parseFile('file:///keys.yaml', `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n? [a, b]\n: 1\nx: ${'[[ y\n'.repeat(400)}`);
    assert.ok(Date.now() - started < 3000);
    assert.ok(file.problems.some((p) => p.code === 'yaml-syntax' || p.code === 'yaml-too-deep'));
    const keyed = parseFile('file:///keys2.yaml', 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n? [a, b]\n: 1\n');
    assert.ok(keyed.problems.some((p) => p.code === 'yaml-syntax' && /key is itself/.test(p.message)));
  } finally {
    process.emitWarning = original;
  }
  assert.deepEqual(warnings, []);
});

test('a document with a collection key keeps its tree as written, with every duplicate key reported, and gives no data', () => {
  // One walk finds the collection key, the duplicates and the items kubectl reads otherwise; the items are rewritten only when the data is read.
  const text = 'addresses: [2001:db8::]\na: 1\na: 2\n? [k]\n: v\n---\naddresses: [2001:db8::]\n';
  const file = parseFile('file:///ws/a.yaml', text);
  const [broken, fine] = file.documents;
  assert.equal(broken.value, undefined);
  assert.ok(isMap(nodeAtPath(broken.ast, ['addresses', 0])?.value), 'the flow item stays the map YAML 1.2 reads');
  assert.deepEqual(
    file.problems.map((p) => [p.code, text.slice(p.start, p.end)]),
    [
      ['yaml-duplicate-key', 'a'],
      ['yaml-syntax', '[k]'],
    ],
  );
  assert.deepEqual(fine.value, { addresses: ['2001:db8::'] });
  assert.ok(isScalar(nodeAtPath(fine.ast, ['addresses', 0])?.value), 'kubectl reads the item of a readable document as a string');
});

/** The data of a parsed file's documents, with their ranges and resources, as features read them. */
function documentsOf(file: ReturnType<typeof parseFile>) {
  return file.documents.map((d) => ({ start: d.start, end: d.end, value: d.value, resource: d.resource && [d.resource.kind, d.resource.name] }));
}

test('a file parsed a document at a time takes a step per document and gives what one parse gives', () => {
  const docs = Array.from({ length: 5 }, (_, i) => SE.replace('httpbin', `web-${i}`));
  const text = `# header\n${docs.join('---\n')}`;
  const stepped = (t: string) => {
    const steps = parseFileSteps('file:///a.yaml', t, { trees: false });
    for (let taken = 0; ; taken++) {
      const step = steps.next();
      if (step.done) return { taken, ...step.value };
    }
  };
  const whole = parseFileParts('file:///a.yaml', text, { trees: false });
  const { taken, file, parts } = stepped(text);
  assert.equal(taken, 5, 'one step per document, so that the server lets messages through between them');
  assert.deepEqual(documentsOf(file), documentsOf(whole.file));
  assert.deepEqual(parts, whole.parts);
  // A file that is not plain (an anchor) is parsed whole by the last step, as parseFileParts parses it.
  const anchored = `${SE}---\n${SE.replace('hosts:', 'hosts: &h')}`;
  assert.deepEqual(documentsOf(stepped(anchored).file), documentsOf(parseFileParts('file:///a.yaml', anchored, { trees: false }).file));
});

test('the document at an offset parsed alone has the offsets, data and resource it has in the whole file', () => {
  const text = `# header\n${SE}---\n${SE.replace('httpbin', 'web').replace('DNS', 'STATIC')}---   # comment\n${SE.replace('httpbin', 'api')}`;
  const whole = documentsOf(parseFile('file:///a.yaml', text));
  for (const [i, name] of ['httpbin', 'web', 'api'].entries()) {
    const offset = text.indexOf(`name: ${name}`);
    const alone = parseDocumentAt('file:///a.yaml', text, offset);
    assert.ok(alone, name);
    assert.deepEqual(documentsOf(alone), [whole[i]]);
    assert.equal(alone.text.slice(0, whole[i].end).split('\n').length, text.slice(0, whole[i].end).split('\n').length, 'lines stay where they are');
    assert.equal(alone.text.slice(whole[i].start, whole[i].end), text.slice(whole[i].start, whole[i].end));
  }
  // Directives and document ends may carry from one document to the next: those files are not parsed by parts.
  assert.equal(parseDocumentAt('file:///a.yaml', `%YAML 1.2\n---\n${SE}---\n${SE}---\n${SE}`, 5), undefined);
  assert.equal(parseDocumentAt('file:///a.yaml', `${SE}...\n---\n${SE}---\n${SE}`, 5), undefined);
});

test('documents read their trees through one shared getter, so that every document has one shape', () => {
  // A getter of each document's own (an object literal's `get ast()`) gave each document a hidden class of its own,
  // which kept every document of a file, with its data, alive through young-generation collections.
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\nb: 1\n';
  for (const trees of [true, false]) {
    const { file } = parseFileParts('file:///a.yaml', text, { trees });
    assert.equal(file.documents.length, 2);
    for (const d of file.documents) assert.equal(Object.getOwnPropertyDescriptor(d, 'ast'), undefined, `trees: ${trees}`);
    assert.equal(Object.getPrototypeOf(file.documents[0]), Object.getPrototypeOf(file.documents[1]));
    assert.equal(file.documents[0].ast.contents !== null, true);
  }
});

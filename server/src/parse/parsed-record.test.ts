import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parsedFileOf, parsedRecord } from './parsed-record';
import { parseFile } from './parse';
import { spanAtPath } from './yaml-path';
import { nameSpanOf } from './name-spans';
import { assertSameFile, PARSE_CASES } from './assert-same-file';
import { needsShared, sharedPath } from '../shared-corpus';

/** Rebuilds a file from its record, sent as a worker sends it (a structured clone), and compares it with `parseFile`'s. */
function assertRebuilt(uri: string, text: string): void {
  const record = parsedRecord(uri, text);
  const rebuilt = parsedFileOf(uri, text, record && structuredClone(record));
  // Where each resource's name is, as a fresh parse's tree says, read before `assertSameFile` reads the rebuilt trees.
  const parsed = parseFile(uri, text);
  rebuilt.resources.forEach((r, i) => {
    assert.deepEqual(nameSpanOf(r.document), spanAtPath(parsed.resources[i].document.ast, ['metadata', 'name']), `${uri} #${r.docIndex}`);
    // Recorded for every resource whose document writes its name; a List's items and unnamed resources may need the tree.
    const name = (r.document.value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    const written = name !== undefined && name !== null && typeof name !== 'object';
    if (record && written) assert.equal(rebuilt.syntax?.has(r.docIndex), false, `${uri} #${r.docIndex}: the name's span parses nothing`);
  });
  assertSameFile(rebuilt, uri, text);
}

test('a file rebuilt from its record equals the parsed file: broken YAML, line breaks, templates, binary, aliases, directives, kustomizations', () => {
  for (const [name, text] of Object.entries(PARSE_CASES)) assertRebuilt(`file:///ws/${name}`, text);
});

test('the record leaves files whose data a thread cannot send to be parsed where they are used', () => {
  assert.equal(parsedRecord('file:///cm.yaml', PARSE_CASES['mesh-configmap.yaml']), undefined, 'a mesh config keeps its syntax tree');
  assert.equal(parsedRecord('file:///op.yaml', PARSE_CASES['istio-operator.yaml']), undefined);
  assert.equal(parsedRecord('file:///b.yaml', PARSE_CASES['yaml-1.1.yaml']), undefined, 'a !!binary Buffer would arrive as a Uint8Array');
  assert.ok(parsedRecord('file:///a.yaml', PARSE_CASES['multi.yaml']), 'an ordinary file has a record');
});

test('a rebuilt file has no syntax trees until one is read, then parses only that document again', () => {
  const text = PARSE_CASES['multi.yaml'];
  const file = parsedFileOf('file:///a.yaml', text, structuredClone(parsedRecord('file:///a.yaml', text)));
  assert.equal(file.syntax?.has(0), false);
  assert.equal(file.syntax?.has(1), false);
  assert.equal(file.resources[1].document.ast.toString().includes('kind: Service'), true);
  assert.equal(file.syntax?.has(1), true);
  assert.equal(file.syntax?.has(0), false, 'only the document read is parsed');
});

test('every file of the shared corpora rebuilds from its record to the parsed file', needsShared('corpus'), () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$|^Kustomization$/.test(e.name)) files.push(full);
    }
  };
  walk(sharedPath('corpus'));
  assert.ok(files.length > 1000, `${files.length} files`);
  let records = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (parsedRecord(`file://${file}`, text)) records++;
    assertRebuilt(`file://${file}`, text);
  }
  assert.ok(records > files.length * 0.9, `${records} of ${files.length} files have records`);
});

/**
 * For tests only: whether reading a file's plain documents (plain-documents.ts) gives exactly what
 * composing them gives: data (key order, number or string, `-0` and NaN included), ranges and problems.
 */
import assert from 'node:assert/strict';
import { isScalar, parseAllDocuments, Parser } from 'yaml';
import { plainDocuments } from './plain-documents';
import { parseFileParts } from './parse';
import { markDuplicateKeys, PARSE_OPTIONS, TO_JS_OPTIONS } from './syntax';
import { spanAtPath } from './yaml-path';
import { nameSpanOf } from './name-spans';

/** Plain data with its key order and types spelled out, so that equal shapes mean identical data (`-0`, NaN and order included). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return ['array', value.map(shape)];
  if (value !== null && typeof value === 'object') {
    return ['object', Object.getPrototypeOf(value) === Object.prototype, Object.keys(value).map((k) => [k, shape((value as Record<string, unknown>)[k])])];
  }
  return [typeof value, Object.is(value, -0) ? '-0' : value];
}

/** The documents the library composes, as plain documents would give them; undefined when it reports any problem. */
function composed(text: string): { start: number; end: number; value: unknown }[] | undefined {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) markDuplicateKeys(doc);
  if (docs.some((d) => d.errors.length > 0 || d.warnings.length > 0)) return undefined;
  return docs.map((d) => {
    const name = spanAtPath(d, ['metadata', 'name']);
    // The plain reading says where a name is only when it is a scalar the document writes (see plain-documents.ts).
    const node = d.getIn(['metadata', 'name'], true);
    const written = isScalar(node) && node.range !== undefined && node.range !== null && node.range[1] > node.range[0];
    return { start: d.range[0], end: d.range[2], value: shape(d.toJS(TO_JS_OPTIONS)), ...(written && name ? { name } : {}) };
  });
}

/**
 * Checks a text both ways: the plain reading equals the composed one wherever it answers, and a file
 * parsed without trees equals the file `parseFileParts` composes. Returns whether the plain reading answered.
 */
export function checkBothWays(uri: string, text: string): boolean {
  const source = text.replace(/\r(?!\n)/g, '\n');
  const plain = plainDocuments(Array.from(new Parser().parse(source)));
  if (plain) {
    const expected = composed(source);
    assert.ok(expected, `${uri}: read plainly although the library reports a problem`);
    assert.deepEqual(
      plain.map((d) => ({ ...d, value: shape(d.value) })),
      expected,
      uri,
    );
  }
  const fast = parseFileParts(uri, text, { trees: false });
  const full = parseFileParts(uri, text);
  assert.deepEqual(fast.parts, full.parts, uri);
  const { file } = fast;
  assert.deepEqual(file.problems, full.file.problems, uri);
  assert.equal(file.owned, full.file.owned, uri);
  assert.deepEqual(file.kustomization, full.file.kustomization, uri);
  assert.deepEqual(Object.keys(file), Object.keys(full.file), uri);
  assert.deepEqual(
    file.documents.map((d) => [d.index, d.start, d.end, shape(d.value), d.resource?.name]),
    full.file.documents.map((d) => [d.index, d.start, d.end, shape(d.value), d.resource?.name]),
    uri,
  );
  // Where the check names each resource: as the composed tree says, whether recorded while parsing or read from a tree.
  assert.deepEqual(
    file.resources.map((r) => nameSpanOf(r.document)),
    full.file.resources.map((r) => spanAtPath(r.document.ast, ['metadata', 'name'])),
    uri,
  );
  assert.deepEqual(
    file.resources.map(({ document, meshConfig, ...r }) => [document.index, shape(r), meshConfig?.value]),
    full.file.resources.map(({ document, meshConfig, ...r }) => [document.index, shape(r), meshConfig?.value]),
    uri,
  );
  return plain !== undefined;
}

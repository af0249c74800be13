import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { spanAtPath } from './yaml-path';

const text = ['spec:', '  tls:', '    mode: SIMPLE', '    sni: a.example.com', '  hosts:', '  - a.example.com', ''].join('\n');
const doc = parseDocument(text);
const at = (s: { start: number; end: number } | undefined) => s && text.slice(s.start, s.end);

test('spanAtPath: the value, or the key when asked or when the path goes no further', () => {
  assert.equal(at(spanAtPath(doc, ['spec', 'tls', 'mode'])), 'SIMPLE');
  assert.equal(at(spanAtPath(doc, ['spec', 'tls', 'mode'], 'key')), 'mode');
  // A missing field is reported on the nearest key that exists.
  assert.equal(at(spanAtPath(doc, ['spec', 'tls', 'caCertificates'])), 'tls');
});

test('spanAtPath with firstLine: a mapping or sequence value narrows to its first key, so a finding stays on one line', () => {
  assert.equal(at(spanAtPath(doc, ['spec', 'tls'])), 'mode: SIMPLE\n    sni: a.example.com\n');
  assert.equal(at(spanAtPath(doc, ['spec', 'tls'], 'value', true)), 'mode');
  assert.equal(at(spanAtPath(doc, ['spec', 'hosts'], 'value', true)), 'a.example.com');
});

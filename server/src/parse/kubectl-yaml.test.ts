import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from './parse';
import { spanAtPath } from './yaml-path';

const valueOf = (text: string) => parseFile('file:///ws/a.yaml', text).documents[0].value as Record<string, unknown>;

// Follows go-yaml v2 scannerc.go yaml_parser_scan_plain_scalar, which sigs.k8s.io/yaml (kubectl, the API server) uses:
// a ':' ends a plain scalar only when a blank follows it.
for (const c of [
  { text: 'addresses: [1.2.3.4, 2001:db8::]\n', want: ['1.2.3.4', '2001:db8::'] },
  { text: 'addresses: [fd00::, 10.0.0.0/8]\n', want: ['fd00::', '10.0.0.0/8'] },
  { text: 'addresses: [ "2001:db8::" ]\n', want: ['2001:db8::'] },
  { text: 'addresses: [2001:db8::1]\n', want: ['2001:db8::1'] },
  { text: 'pairs: [a: b]\n', want: [{ a: 'b' }], why: 'a pair with a blank after the colon stays a pair' },
  { text: 'pairs: [{x: 1}, {y:}]\n', want: [{ x: 1 }, { y: null }], why: 'explicit flow maps are left alone' },
]) {
  test(`kubectl reading of ${c.text.trim()}${c.why ? `: ${c.why}` : ''}`, () => {
    const v = valueOf(c.text);
    assert.deepEqual(Object.values(v)[0], c.want);
  });
}

test('the rewritten item keeps its position, so findings land on it', () => {
  const text = 'addresses: [1.2.3.4, 2001:db8::]\n';
  const file = parseFile('file:///ws/a.yaml', text);
  const span = spanAtPath(file.documents[0].ast, ['addresses', 1])!;
  assert.equal(text.slice(span.start, span.end), '2001:db8::');
});

test('YAML 1.1 booleans are read as YAML 1.2 reads them (strings), as documented in kubectl-yaml.ts', () => {
  assert.deepEqual(valueOf('a: on\nb: yes\nc: true\n'), { a: 'on', b: 'yes', c: true });
});

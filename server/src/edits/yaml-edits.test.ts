import { test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { appendDocument, appendSequenceItem, insertMapEntry, replaceScalar, toYaml } from './yaml-edits';
import type { TextEdit } from '../model';

const apply = (text: string, e: TextEdit | undefined) => {
  assert.ok(e, 'an edit');
  return text.slice(0, e.start) + e.newText + text.slice(e.end);
};
const doc = (text: string) => YAML.parseDocument(text);

test('insertMapEntry adds a key at its siblings indentation and keeps trailing comments', () => {
  const text = 'spec:\n    host: a # the host\n    subsets:\n    - name: x\n# trailing\n';
  const out = apply(text, insertMapEntry(text, doc(text), ['spec'], 'exportTo', '["."]'));
  assert.equal(out, 'spec:\n    host: a # the host\n    subsets:\n    - name: x\n    exportTo: ["."]\n# trailing\n');
});

test('insertMapEntry renders a block value under the key', () => {
  const text = 'ports:\n- number: 80\n  name: http\n';
  const out = apply(text, insertMapEntry(text, doc(text), ['ports', 0], 'targetPort', '443'));
  assert.equal(out, 'ports:\n- number: 80\n  name: http\n  targetPort: 443\n');
  const text2 = 'spec:\n  host: a\n';
  const out2 = apply(text2, insertMapEntry(text2, doc(text2), ['spec'], 'subsets', '- name: v1'));
  assert.equal(out2, 'spec:\n  host: a\n  subsets:\n  - name: v1\n');
  assert.deepEqual(YAML.parse(out2).spec.subsets, [{ name: 'v1' }]);
  const text3 = 'spec:\n  tls:\n    mode: SIMPLE\n';
  const out3 = apply(text3, insertMapEntry(text3, doc(text3), ['spec'], 'trafficPolicy', 'tls:\n  mode: DISABLE'));
  assert.deepEqual(YAML.parse(out3).spec.trafficPolicy, { tls: { mode: 'DISABLE' } });
});

test('appendSequenceItem follows both sequence styles, flow sequences and CRLF', () => {
  const flat = 'gateways:\n- istio-egressgateway\nhosts: [a]\n';
  assert.equal(apply(flat, appendSequenceItem(flat, doc(flat), ['gateways'], 'mesh')), 'gateways:\n- istio-egressgateway\n- mesh\nhosts: [a]\n');
  const indented = 'spec:\n  gateways:\n    - gw # bound\n  hosts: [a]\n';
  assert.equal(
    apply(indented, appendSequenceItem(indented, doc(indented), ['spec', 'gateways'], 'mesh')),
    'spec:\n  gateways:\n    - gw # bound\n    - mesh\n  hosts: [a]\n',
  );
  const flow = 'hosts: [a, b]\n';
  assert.equal(apply(flow, appendSequenceItem(flow, doc(flow), ['hosts'], 'c')), 'hosts: [a, b, c]\n');
  const crlf = 'subsets:\r\n- name: a\r\n';
  assert.equal(apply(crlf, appendSequenceItem(crlf, doc(crlf), ['subsets'], 'name: b')), 'subsets:\r\n- name: a\r\n- name: b\r\n');
});

test('replaceScalar keeps quotes; appendDocument separates with --- and keeps line endings', () => {
  assert.equal(replaceScalar('a: "x"', { start: 3, end: 6 }, 'y').newText, '"y"');
  assert.equal(apply('a: 1', appendDocument('a: 1', 'b: 2\n')), 'a: 1\n---\nb: 2\n');
  assert.equal(apply('a: 1\r\n', appendDocument('a: 1\r\n', 'b: 2\nc: 3\n')), 'a: 1\r\n---\r\nb: 2\r\nc: 3\r\n');
  assert.equal(toYaml({ spec: { hosts: ['a'] } }), 'spec:\n  hosts:\n  - a\n');
});

test('replaceScalar quotes a plain value that YAML would read as something else', () => {
  const text = 'hosts:\n- old.example.com\nport: 80\n';
  const host = text.indexOf('old.example.com');
  const out = apply(text, replaceScalar(text, { start: host, end: host + 'old.example.com'.length }, '*/api.example.com'));
  assert.deepEqual(YAML.parse(out).hosts, ['*/api.example.com']);
  const port = text.indexOf('80');
  assert.equal(apply(text, replaceScalar(text, { start: port, end: port + 2 }, '443')), 'hosts:\n- old.example.com\nport: 443\n');
  const single = "name: 'a'\n";
  assert.deepEqual(YAML.parse(apply(single, replaceScalar(single, { start: 6, end: 9 }, "it's"))), { name: "it's" });
});

test('edits follow lone CR line endings', () => {
  const text = 'spec:\r  host: a\r  subsets:\r  - name: x\r';
  const out = apply(text, insertMapEntry(text, doc(text.replace(/\r/g, '\n')), ['spec'], 'exportTo', '["."]'));
  assert.equal(out, 'spec:\r  host: a\r  subsets:\r  - name: x\r  exportTo: ["."]\r');
  const cr = 'a: 1\r';
  assert.equal(apply(cr, appendDocument(cr, 'b: 2\n')), 'a: 1\r---\rb: 2\r');
});

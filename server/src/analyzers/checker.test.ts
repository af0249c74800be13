import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIndex } from './fixture-harness';
import { Checker } from './checker';
import { loadSchemaStore } from '../node/schemas';
import { DEFAULT_SETTINGS } from '../settings';

test('a resource holding a placeholder (envsubst, kustomize) gets one information finding and is not checked as written', () => {
  const text = [
    'apiVersion: networking.istio.io/v1',
    'kind: Gateway',
    'metadata:',
    '  name: $STUDENT_NS-sentences',
    'spec:',
    '  selector: {istio: ingressgateway}',
    '  servers:',
    '  - port: {number: 80, name: http, protocol: HTTP}',
    '    hosts: ["$STUDENT_NS.sentences.example.com"]',
    '---',
    'apiVersion: networking.istio.io/v1',
    'kind: Gateway',
    'metadata:',
    '  name: Not_Valid',
    'spec:',
    '  selector: {istio: ingressgateway}',
    '  servers:',
    '  - port: {number: 80, name: http, protocol: HTTP}',
    '    hosts: ["web.example.com"]',
    '',
  ].join('\n');
  const { index } = buildIndex(new Map([['gw.yaml', text]]));
  const findings = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS).findings('file:///ws/gw.yaml');
  const first = findings.filter((f) => f.start < text.indexOf('---'));
  assert.deepEqual(first.map((f) => `${f.severity} ${f.code}`), ['information template-placeholder']);
  assert.match(first[0].message, /^"\$STUDENT_NS-sentences" looks like a placeholder/);
  assert.ok(findings.some((f) => f.code === 'metadata-name-invalid' && f.start > text.indexOf('---')), 'resources without placeholders are still checked');
});

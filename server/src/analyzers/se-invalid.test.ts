import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seInvalid } from './se-invalid';
import { buildIndex, checkFixture } from './fixture-harness';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { findingId } from '../model';

test('se-invalid: each Istio ServiceEntry rule the CRD schema misses, and the docs shapes stay silent', () => {
  checkFixture(seInvalid, 'rules');
});

test('se-invalid: a partial wildcard host is fixed to a whole-label wildcard, keeping quotes and comments', () => {
  checkFixture(seInvalid, 'partial-wildcard');
});

test('se-invalid: one rule is silenced or raised by its id, the analyzer code sets the rest', () => {
  const text = [
    'apiVersion: networking.istio.io/v1',
    'kind: ServiceEntry',
    'metadata: { name: api }',
    'spec:',
    '  hosts: [bad_host.example.com, "*example.com"]',
    '  addresses: [10.0.0.300]',
    '  ports: [{ number: 443, name: tls, protocol: TLS }]',
    '',
  ].join('\n');
  const { index } = buildIndex(new Map([['se.yaml', text]]));
  const seen = (severity: Settings['severity']) =>
    new Checker(index, loadSchemaStore(), { ...DEFAULT_SETTINGS, severity })
      .findings('file:///ws/se.yaml')
      .filter((f) => f.code === 'se-invalid')
      .map((f) => `${findingId(f)} ${f.severity}`)
      .sort();
  assert.deepEqual(seen({}), ['se-invalid/address-invalid error', 'se-invalid/host-invalid error', 'se-invalid/host-partial-wildcard warning']);
  assert.deepEqual(seen({ 'se-invalid/host-invalid': 'off', 'se-invalid/host-partial-wildcard': 'error' }), [
    'se-invalid/address-invalid error',
    'se-invalid/host-partial-wildcard error',
  ]);
  assert.deepEqual(seen({ 'se-invalid': 'warning', 'se-invalid/address-invalid': 'error' }), [
    'se-invalid/address-invalid error',
    'se-invalid/host-invalid warning',
    'se-invalid/host-partial-wildcard warning',
  ]);
});

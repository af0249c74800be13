import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsInvalid } from './vs-invalid';
import { buildIndex, checkFixture } from './fixture-harness';
import { DEFAULT_SETTINGS } from '../settings';

test('vs-invalid: each Istio VirtualService rule the CRD schema misses, and the docs egress routes stay silent', () => {
  checkFixture(vsInvalid, 'rules');
});

test('vs-invalid: a legacy gateway name becomes namespace/name and mirrorPercent becomes mirrorPercentage, keeping comments', () => {
  checkFixture(vsInvalid, 'fixes');
});

test('vs-invalid: a directResponse body over 100KB is a warning, over 1MB an error', () => {
  const vs = (size: number) =>
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
    'big\nspec:\n  hosts:\n  - api.example.com\n  http:\n  - directResponse:\n      status: ' +
    `200\n      body:\n        string: "${'x'.repeat(size)}"\n`;
  for (const [size, severity] of [
    [150 * 1024, 'warning'],
    [1100 * 1024, 'error'],
    [1024, undefined],
  ] as const) {
    const { index, parsed } = buildIndex(new Map([['big.yaml', vs(size)]]));
    const [resource] = parsed.get('big.yaml')!.resources;
    const hits = [...vsInvalid.check(resource, { index, settings: DEFAULT_SETTINGS })].filter((h) => h.state.rule === 'direct-response-size');
    assert.deepEqual(
      hits.map((h) => h.severity),
      severity ? [severity] : [],
    );
  }
});

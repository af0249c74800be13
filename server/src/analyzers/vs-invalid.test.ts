import { test } from 'node:test';
import { vsInvalid } from './vs-invalid';
import { checkFixture } from './fixture-harness';

test('vs-invalid: each Istio VirtualService rule the CRD schema misses, and the docs egress routes stay silent', () => {
  checkFixture(vsInvalid, 'rules');
});

test('vs-invalid: a legacy gateway name becomes namespace/name and mirrorPercent becomes mirrorPercentage, keeping comments', () => {
  checkFixture(vsInvalid, 'fixes');
});

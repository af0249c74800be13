import { test } from 'node:test';
import { drInvalid } from './dr-invalid';
import { checkFixture } from './fixture-harness';

test('dr-invalid: each Istio DestinationRule rule the CRD schema misses, and the docs rules stay silent', () => {
  checkFixture(drInvalid, 'rules');
});

test('dr-invalid: credentialName together with certificate files', () => {
  checkFixture(drInvalid, 'egress');
});

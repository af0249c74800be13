import { test } from 'node:test';
import { sidecarInvalid } from './sidecar-invalid';
import { checkFixture } from './fixture-harness';

test('sidecar-invalid: each Istio Sidecar rule the CRD schema misses, and valid Sidecars stay silent', () => {
  checkFixture(sidecarInvalid, 'rules');
});

test('sidecar-invalid: an egress host without a namespace is fixed to "*/host", keeping quotes and comments', () => {
  checkFixture(sidecarInvalid, 'namespace-missing');
});

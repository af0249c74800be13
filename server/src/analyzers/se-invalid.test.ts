import { test } from 'node:test';
import { seInvalid } from './se-invalid';
import { checkFixture } from './fixture-harness';

test('se-invalid: each Istio ServiceEntry rule the CRD schema misses, and the docs shapes stay silent', () => {
  checkFixture(seInvalid, 'rules');
});

test('se-invalid: a partial wildcard host is fixed to a whole-label wildcard, keeping quotes and comments', () => {
  checkFixture(seInvalid, 'partial-wildcard');
});

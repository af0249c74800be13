import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metadataNameInvalid, subdomainProblem } from './metadata-name-invalid';
import { checkFixture } from './fixture-harness';

test('metadata-name-invalid: upper case, underscores and a leading dash are rejected; valid subdomains and Kubernetes kinds stay silent', () => {
  const findings = checkFixture(metadataNameInvalid, 'names');
  assert.match(findings[0].message, /^metadata.name "BACKEND" has upper-case letters: the API server rejects it/);
  assert.match(findings[1].message, /"dr_exportto_valid" contains '_'/);
});

// Follows k8s.io/apimachinery/pkg/util/validation IsDNS1123Subdomain, which the API server applies to custom resource names.
for (const [name, ok] of [
  ['reviews', true],
  ['reviews.v1-2', true],
  ['a', true],
  ['x'.repeat(253), true],
  ['x'.repeat(254), false],
  ['Reviews', false],
  ['re_views', false],
  ['reviews-', false],
  ['reviews..v1', false],
  ['.reviews', false],
] as const) {
  test(`metadata name "${name.length > 20 ? `${name.slice(0, 5)}… (${name.length})` : name}" is ${ok ? 'valid' : 'rejected'}`, () =>
    assert.equal(subdomainProblem(name) === undefined, ok));
}

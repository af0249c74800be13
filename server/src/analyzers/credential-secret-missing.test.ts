import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialSecretMissing } from './credential-secret-missing';
import { checkFixture } from './fixture-harness';

test('credential-secret-missing: Secrets missing where the egress gateway, a sidecar or a gateway reads them', () => {
  const findings = checkFixture(credentialSecretMissing, 'wrong-namespace');
  const byName = (name: string) => findings.find((f) => f.message.includes(`"${name}"`))!;
  assert.match(byName('client-credential').message, /namespace "istio-system", where the egress gateway reads it; the workspace has it in "default"/);
  assert.equal(byName('client-credential').related?.length, 1);
  assert.match(byName('partner-client').message, /namespace "billing"/);
  assert.match(byName('public-cert').message, /namespace "ingress".*has it in "istio-system"/);
});

test('credential-secret-missing: silent when the workspace declares no Secret', () => {
  checkFixture(credentialSecretMissing, 'no-secrets');
});

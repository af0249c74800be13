import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drMutualMissingCredentials } from './dr-mutual-missing-credentials';
import { checkFixture } from './fixture-harness';

test('dr-mutual-missing-credentials: MUTUAL without a client certificate (error), credentialName ignored at the sidecar (warning)', () => {
  const findings = checkFixture(drMutualMissingCredentials, 'mutual');
  assert.deepEqual(findings.map((f) => f.severity).sort(), ['error', 'error', 'warning']);
  assert.match(findings.find((f) => f.severity === 'warning')!.message, /workloadSelector/);
  assert.match(findings.find((f) => f.message.includes('but no privateKey'))!.message, /subset "mtls"/);
});

test('dr-mutual-missing-credentials: credentialName applied at a Kubernetes Gateway or the egress gateway stays silent', () => {
  checkFixture(drMutualMissingCredentials, 'gateways');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { egressMtlsMismatch } from './egress-mtls-mismatch';
import { checkFixture } from './fixture-harness';

test('egress-mtls-mismatch: an ISTIO_MUTUAL gateway server reached without ISTIO_MUTUAL is flagged; the fix adds or corrects the tls block', () => {
  checkFixture(egressMtlsMismatch, 'plain-to-mutual');
});

test('egress-mtls-mismatch: ISTIO_MUTUAL sent to a plain HTTP server is flagged without a fix', () => {
  const findings = checkFixture(egressMtlsMismatch, 'mutual-to-plain');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['error'],
  );
});

test('egress-mtls-mismatch: a missing SNI is an error, an SNI for another host the gateway accepts is a warning; both fixed to the host', () => {
  const findings = checkFixture(egressMtlsMismatch, 'sni');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['warning', 'error'],
  );
});

test('egress-mtls-mismatch: port-level settings override the subset and the top level; an inherited ISTIO_MUTUAL is fine', () => {
  checkFixture(egressMtlsMismatch, 'merge-order');
});

test('egress-mtls-mismatch: a DestinationRule in another file is named but not edited', () => {
  const [finding] = checkFixture(egressMtlsMismatch, 'other-file');
  assert.ok(finding.related?.some((r) => r.uri.endsWith('gateway.yaml')));
  assert.equal((finding.data as { edit?: unknown }).edit, undefined);
});

test('egress-mtls-mismatch: an egress gateway declared in the workspace (Deployment, Service, Gateway) gets the same check', () => {
  const findings = checkFixture(egressMtlsMismatch, 'workspace-gateway');
  assert.match(findings[0].message, /egress\/egress-gateway/);
});

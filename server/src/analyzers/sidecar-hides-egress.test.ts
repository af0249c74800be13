import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sidecarHidesEgress } from './sidecar-hides-egress';
import { checkFixture } from './fixture-harness';
import { DEFAULT_SETTINGS } from '../settings';

test('sidecar-hides-egress: the egress gateway, a routed ServiceEntry and a REGISTRY_ONLY ServiceEntry left out, each added by the fix', () => {
  const findings = checkFixture(sidecarHidesEgress, 'hidden');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['error', 'error', 'error'],
  );
  assert.match(findings[0].message, /egress gateway Service.*"istio-system\/istio-egressgateway\.istio-system\.svc\.cluster\.local"/);
});

test('sidecar-hides-egress: a hidden routed host is a warning under ALLOW_ANY and an error under REGISTRY_ONLY', () => {
  const [allowAny] = checkFixture(sidecarHidesEgress, 'allow-any');
  assert.equal(allowAny.severity, 'warning');
  assert.match(allowAny.message, /"egress-config\/httpbin\.org"/);
  const [registryOnly] = checkFixture(sidecarHidesEgress, 'allow-any', { ...DEFAULT_SETTINGS, outboundTrafficPolicy: 'REGISTRY_ONLY' });
  assert.equal(registryOnly.severity, 'error');
});

test('sidecar-hides-egress: a VirtualService the Sidecar does not import does not apply to its workloads (selectVirtualServices)', () => {
  const [finding] = checkFixture(sidecarHidesEgress, 'not-imported');
  assert.match(finding.message, /VirtualService "gateway-routing"/);
});

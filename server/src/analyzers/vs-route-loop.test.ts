import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsRouteLoop } from './vs-route-loop';
import { checkFixture } from './fixture-harness';

test('vs-route-loop: a gateway rule that sends to the egress gateway itself is a loop; ingress-to-egress chains stay silent', () => {
  checkFixture(vsRouteLoop, 'loop');
});

test('vs-route-loop: a rule without match gateways, bound to mesh and the egress Gateway, loops at the gateway', () => {
  const findings = checkFixture(vsRouteLoop, 'shared-rule');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['error'],
  );
});

test('vs-route-loop: a sidecar rule that bypasses the gateway rule for the same port is a warning', () => {
  const findings = checkFixture(vsRouteLoop, 'bypass');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['warning'],
  );
});

test('vs-route-loop: a gateway rule routing back to the Service of an egress gateway declared in the workspace loops', () => {
  const findings = checkFixture(vsRouteLoop, 'workspace-gateway');
  assert.match(findings[0].message, /egress\/egress-gateway/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkpolicyBlocksEgress } from './networkpolicy-blocks-egress';
import { checkFixture } from './fixture-harness';

test('networkpolicy-blocks-egress: istio-system or DNS left out for pods routed through the egress gateway; the fix adds the rules', () => {
  const findings = checkFixture(networkpolicyBlocksEgress, 'blocks');
  assert.ok(findings.some((f) => /namespace "istio-system".*nor to DNS/.test(f.message)));
});

test('networkpolicy-blocks-egress: a private route does not concern other namespaces; a pod selector counts when it selects a declared pod', () => {
  const [finding] = checkFixture(networkpolicyBlocksEgress, 'private-route');
  assert.match(finding.message, /no traffic to namespace "istio-system"/);
  assert.doesNotMatch(finding.message, /DNS \(port 53/);
});

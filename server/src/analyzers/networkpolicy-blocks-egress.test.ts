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

test('networkpolicy-blocks-egress: a workspace egress gateway (corp-egress in egress-system) needs its own namespace allowed, not istio-system', () => {
  const findings = checkFixture(networkpolicyBlocksEgress, 'custom-gateway');
  assert.equal(findings.length, 2);
  for (const f of findings) {
    assert.match(f.message, /no traffic to namespace "egress-system" \(an egress gateway\)/);
    assert.doesNotMatch(f.message, /istio-system/);
  }
  assert.ok(findings.some((f) => /VirtualService "billing-api"/.test(f.message)));
  assert.ok(findings.some((f) => /DNS \(port 53/.test(f.message)));
});

test('networkpolicy-blocks-egress: a mesh route to an application Service, or a Gateway no mesh rule sends traffic to, is no egress gateway', () => {
  assert.deepEqual(checkFixture(networkpolicyBlocksEgress, 'not-a-gateway'), []);
});

test(
  "networkpolicy-blocks-egress: a route the mesh config's defaultVirtualServiceExportTo keeps in its " +
    'namespace concerns no other namespace (push_context.go initDefaultExportMaps)',
  () => {
    const [finding] = checkFixture(networkpolicyBlocksEgress, 'mesh-default-export');
    assert.match(finding.message, /egress from "egress-routes"/);
  },
);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsHiddenWhereItRuns } from './vs-hidden-where-it-runs';
import { checkFixture } from './fixture-harness';

// Follows pilot/pkg/model/sidecar.go DefaultSidecarScopeForGateway (a gateway sees what is exported to
// its namespace), pilot/pkg/model/push_context.go VirtualServicesForGateway(proxyNamespace, gateway)
// and pilot/pkg/networking/core/gateway.go IsServiceVisible(service, node.ConfigNamespace).
test('vs-hidden-where-it-runs: a custom egress gateway in a central namespace, a root Sidecar and team namespaces', () => {
  const findings = checkFixture(vsHiddenWhereItRuns, 'platform');
  assert.match(findings[0].message, /team-a/);
  assert.doesNotMatch(findings[0].message, /team-d/, 'team-d imports nothing from egress, so the rule does not run there');
  assert.match(findings[1].message, /Gateway "egress\/egress-gateway" runs in namespace "egress".*exported only to "\."/);
  assert.match(findings[2].message, /does not see host "billing\.example\.com".*ServiceEntry "billing" in namespace "team-c"/);
  assert.match(findings[3].message, /sees no DestinationRule for "reports\.example\.com".*SIMPLE TLS origination does not apply/);
});

// push_context.go initDefaultExportMaps and initVirtualServices: a VirtualService without exportTo takes
// the mesh config's defaultVirtualServiceExportTo, and VirtualServicesForGateway reads that.
test('vs-hidden-where-it-runs: the mesh config\'s defaultVirtualServiceExportTo "." hides a VirtualService without exportTo from the gateway', () => {
  const [finding, ...rest] = checkFixture(vsHiddenWhereItRuns, 'mesh-default-export');
  assert.equal(rest.length, 0, 'team-b exports its VirtualService to every namespace');
  const expected =
    'Gateway "egress/egress-gateway" runs in namespace "egress", ' +
    'but this VirtualService is exported only to "." (the mesh config\'s defaultVirtualServiceExportTo)';
  assert.ok(finding.message.includes(expected), finding.message);
});

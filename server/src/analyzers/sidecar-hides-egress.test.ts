import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sidecarHidesEgress } from './sidecar-hides-egress';
import { checkFixture } from './fixture-harness';
import { DEFAULT_SETTINGS } from '../settings';

// The imports follow pilot/pkg/model/sidecar.go (selectServices, SelectVirtualServices, and
// "Infer more possible destinations from virtual services"); the policy follows initSidecarScopeInternalIndexes.
test(
  'sidecar-hides-egress: an own ServiceEntry, a wildcard ServiceEntry behind an exact entry and a route the ' +
    'Sidecar does not import; imported routes bring their destinations',
  () => {
    const findings = checkFixture(sidecarHidesEgress, 'hidden');
    assert.deepEqual(
      findings.map((f) => f.severity),
      ['error', 'error', 'error'],
    );
    assert.match(findings[0].message, /"reports\/bigquery\.googleapis\.com"/);
    assert.match(findings[1].message, /"egress-config\/\*\.example\.com"/);
    assert.match(findings[2].message, /VirtualService "httpbin-retries" in this namespace routes httpbin\.org: under REGISTRY_ONLY/);
  },
);

test('sidecar-hides-egress: a hidden routed host is a warning under ALLOW_ANY and an error under REGISTRY_ONLY', () => {
  const [allowAny] = checkFixture(sidecarHidesEgress, 'allow-any');
  assert.equal(allowAny.severity, 'warning');
  assert.match(allowAny.message, /"egress-config\/httpbin\.org"/);
  const [registryOnly] = checkFixture(sidecarHidesEgress, 'allow-any', { ...DEFAULT_SETTINGS, outboundTrafficPolicy: 'REGISTRY_ONLY' });
  assert.equal(registryOnly.severity, 'error');
});

test(
  'sidecar-hides-egress: a VirtualService the Sidecar does not import does not apply to its workloads, ' + 'nor bring its destinations (SelectVirtualServices)',
  () => {
    const [finding] = checkFixture(sidecarHidesEgress, 'not-imported');
    assert.match(finding.message, /VirtualService "rates" in this namespace routes rates\.example\.org.*"egress\/\*\.example\.org"/);
  },
);

test(
  'sidecar-hides-egress: a listener with a port imports only ServiceEntries declaring it; ' +
    'the entry goes to the listener without a port (sidecar.go serviceMatchingListenerPort)',
  () => {
    const [shop] = checkFixture(sidecarHidesEgress, 'listener-ports');
    const [ops] = checkFixture(sidecarHidesEgress, 'listener-ports-no-fix');
    assert.match(shop.message, /Add "shop\/api\.example\.com" to the egress hosts of egress listener 2, the one without a port\.$/);
    assert.match(ops.message, /Add an egress listener without a port whose hosts include "ops\/api\.example\.com"/);
    assert.deepEqual(sidecarHidesEgress.fix!(ops.data as never, { file: undefined as never, span: ops }), []);
  },
);

test(
  'sidecar-hides-egress: a route on a port needs the egress listener for that port to import the host, ' +
    'not just any listener (sidecar.go GetEgressListenerForRDS)',
  () => {
    const [pay] = checkFixture(sidecarHidesEgress, 'listener-port-routes');
    assert.match(pay.message, /do not import ServiceEntry "api" \(pay\) for api\.example\.com on port 443, but/);
    assert.match(pay.message, /Add an egress listener for port 443, or one without a port, whose hosts include "pay\/api\.example\.com"/);
    const [shop] = checkFixture(sidecarHidesEgress, 'listener-port-catch-all');
    assert.match(shop.message, /routes api\.example\.com on port 443: under REGISTRY_ONLY/);
    assert.match(shop.message, /Add "shop\/api\.example\.com" to the egress hosts of egress listener 2, the one that takes port 443\.$/);
  },
);

test(
  "sidecar-hides-egress: an imported VirtualService that the mesh config's " +
    'defaultVirtualServiceExportTo keeps from the namespace brings no destination (push_context.go ' +
    'initDefaultExportMaps)',
  () => {
    const [finding] = checkFixture(sidecarHidesEgress, 'mesh-default-export');
    assert.match(finding.message, /ServiceEntry "api" \(egress-config\) for api\.example\.com, but VirtualService "api-client"/);
  },
);

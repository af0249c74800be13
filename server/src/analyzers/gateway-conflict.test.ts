import { test } from 'node:test';
import { gatewayConflict } from './gateway-conflict';
import { checkFixture } from './fixture-harness';

test('gateway-conflict: two Gateways on the egress gateway pods serve one host on one port; other hosts, ports and Gateway API Gateways stay silent', () => {
  checkFixture(gatewayConflict, 'egress');
});

test('gateway-conflict: a subset selector conflicts only when a workload in the workspace carries both selectors', () => {
  checkFixture(gatewayConflict, 'subset-selector');
});

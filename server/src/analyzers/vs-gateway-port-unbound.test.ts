import { test } from 'node:test';
import { vsGatewayPortUnbound } from './vs-gateway-port-unbound';
import { checkFixture } from './fixture-harness';
import { DEFAULT_SETTINGS } from '../settings';

test('vs-gateway-port-unbound: a mesh route to a port the egress Gateway does not listen on is flagged and sent to its only port', () => {
  checkFixture(vsGatewayPortUnbound, 'wrong-port');
});

test('vs-gateway-port-unbound: the match port counts when the destination has none; the fix adds the destination port', () => {
  checkFixture(vsGatewayPortUnbound, 'match-port');
});

test('vs-gateway-port-unbound: the egress gateway host comes from the settings', () => {
  const settings = { ...DEFAULT_SETTINGS, egressGateway: { host: 'egress.gateways.svc.cluster.local', selector: { app: 'egress' } } };
  checkFixture(vsGatewayPortUnbound, 'custom-gateway', settings);
});

test('vs-gateway-port-unbound: an egress gateway declared in the workspace is checked under the default settings', () => {
  checkFixture(vsGatewayPortUnbound, 'workspace-gateway');
});

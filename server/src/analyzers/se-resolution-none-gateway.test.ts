import { test } from 'node:test';
import { seResolutionNoneGateway } from './se-resolution-none-gateway';
import { checkFixture } from './fixture-harness';
import { DEFAULT_SETTINGS } from '../settings';

test('se-resolution-none-gateway: NONE written or omitted behind the egress gateway, fixed to DNS', () => {
  checkFixture(seResolutionNoneGateway, 'gateway-loop');
});

test('se-resolution-none-gateway: wildcard hosts, gateway-only-for-mesh routes and other gateways stay silent', () => {
  checkFixture(seResolutionNoneGateway, 'near-misses');
});

test('se-resolution-none-gateway: the egress gateway selector comes from the settings', () => {
  const settings = { ...DEFAULT_SETTINGS, egressGateway: { host: 'egress.gateways.svc.cluster.local', selector: { app: 'egress' } } };
  checkFixture(seResolutionNoneGateway, 'custom-gateway', settings);
});

test(
  "se-resolution-none-gateway: an entry the mesh config's defaultServiceExportTo keeps from the gateway's " + 'namespace is not used there (IsServiceVisible)',
  () => {
    checkFixture(seResolutionNoneGateway, 'mesh-default-export');
  },
);

test('se-resolution-none-gateway: a workspace egress gateway in another namespace is checked like the default one; ' + 'an ingress gateway is not one', () => {
  checkFixture(seResolutionNoneGateway, 'workspace-gateway');
});

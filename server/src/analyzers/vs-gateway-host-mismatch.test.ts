import { test } from 'node:test';
import { vsGatewayHostMismatch } from './vs-gateway-host-mismatch';
import { checkFixture } from './fixture-harness';

test('vs-gateway-host-mismatch: hosts the bound Gateway does not admit are named; namespace-qualified, wildcard and missing gateways stay silent', () => {
  checkFixture(vsGatewayHostMismatch, 'host-not-admitted');
});

test(
  'vs-gateway-host-mismatch: bound to mesh and a gateway, mesh-only hosts are fine; ' +
    'a gateway admitting none of the hosts is reported (istioctl vsHostInGateway)',
  () => {
    checkFixture(vsGatewayHostMismatch, 'mesh-and-gateway');
  },
);

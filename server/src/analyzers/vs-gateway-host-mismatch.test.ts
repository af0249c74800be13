import { test } from 'node:test';
import { vsGatewayHostMismatch } from './vs-gateway-host-mismatch';
import { checkFixture } from './fixture-harness';

test('vs-gateway-host-mismatch: hosts the bound Gateway does not admit are named; namespace-qualified, wildcard and missing gateways stay silent', () => {
  checkFixture(vsGatewayHostMismatch, 'host-not-admitted');
});

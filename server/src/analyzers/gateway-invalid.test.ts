import { test } from 'node:test';
import { gatewayInvalid } from './gateway-invalid';
import { checkFixture } from './fixture-harness';

test('gateway-invalid: each Istio Gateway rule the CRD schema misses, and the docs egress gateways stay silent', () => {
  checkFixture(gatewayInvalid, 'rules');
});

test('gateway-invalid: an HTTPS egress server without tls, and TLS settings on a TCP server', () => {
  checkFixture(gatewayInvalid, 'egress');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlsDoubleEncryption } from './tls-double-encryption';
import { checkFixture } from './fixture-harness';

test('tls-double-encryption: SIMPLE or MUTUAL at top, port and subset level on an HTTPS/TLS port', () => {
  checkFixture(tlsDoubleEncryption, 'double-encryption');
});

test('tls-double-encryption: routes that deliver plain HTTP to the port, targetPort and overrides stay silent', () => {
  checkFixture(tlsDoubleEncryption, 'near-misses');
});

test('tls-double-encryption: rules no proxy uses stay silent; a gateway-private rule names the gateway (push_context.go destinationRule)', () => {
  const [api, gateway] = checkFixture(tlsDoubleEncryption, 'namespaces');
  assert.match(api.message, /of api\.example\.com for the proxies of namespaces egress and istio-system, and of every other namespace/);
  assert.match(gateway.message, /of c\.example\.com for the proxies of namespace corp-egress \(gateway\),/);
});

import { test } from 'node:test';
import { tlsDoubleEncryption } from './tls-double-encryption';
import { checkFixture } from './fixture-harness';

test('tls-double-encryption: SIMPLE or MUTUAL at top, port and subset level on an HTTPS/TLS port', () => {
  checkFixture(tlsDoubleEncryption, 'double-encryption');
});

test('tls-double-encryption: routes that deliver plain HTTP to the port, targetPort and overrides stay silent', () => {
  checkFixture(tlsDoubleEncryption, 'near-misses');
});

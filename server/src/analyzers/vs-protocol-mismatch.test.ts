import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsProtocolMismatch } from './vs-protocol-mismatch';
import { checkFixture } from './fixture-harness';

test('vs-protocol-mismatch: http rules for TLS traffic (ServiceEntry TLS port, passthrough Gateway server) are flagged and rewritten as tls rules', () => {
  const findings = checkFixture(vsProtocolMismatch, 'http-rules-for-tls');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['error', 'error'],
  );
});

test('vs-protocol-mismatch: tls rules for plain HTTP (ServiceEntry HTTP port, HTTP Gateway server) are flagged', () => {
  checkFixture(vsProtocolMismatch, 'tls-rules-for-http');
});

test('vs-protocol-mismatch: an http rule that only adds policy to an HTTPS host is a warning', () => {
  const findings = checkFixture(vsProtocolMismatch, 'policy-only');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['warning'],
  );
});

test('vs-protocol-mismatch: TLS origination at the gateway (ISTIO_MUTUAL server) and at the sidecar (targetPort 443) stay silent', () => {
  checkFixture(vsProtocolMismatch, 'valid-patterns');
});

test('vs-protocol-mismatch: an http rule with no match and no port on a TLS-only host is converted with a new sniHosts match', () => {
  checkFixture(vsProtocolMismatch, 'no-match');
});

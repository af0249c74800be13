import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsPlainHttpToTlsPort } from './vs-plain-http-to-tls-port';
import { checkFixture } from './fixture-harness';

// The DestinationRule each proxy uses follows pilot/pkg/model/push_context.go destinationRule
// (the proxy's namespace, then the host's, then the root namespace's), with port-level TLS per
// pilot/pkg/networking/util MergeSubsetTrafficPolicy.
test(
  'vs-plain-http-to-tls-port: a gateway rule whose TLS origination is private to the clients, ' +
    'and a sidecar rule whose rule is private to the root namespace',
  () => {
    const findings = checkFixture(vsPlainHttpToTlsPort, 'platform');
    assert.equal(
      findings[0].message,
      'This http rule sends plain HTTP to port 443 of api.partner.com, which ServiceEntry "partner-api" declares ' +
        'HTTPS, and the gateway running this rule (namespace "egress") originates no TLS: ' +
        'no DestinationRule for api.partner.com applies there. The server answers "400 The plain HTTP request was sent ' +
        'to HTTPS port". Originate TLS (tls.mode: SIMPLE) for port 443 in a DestinationRule that namespace sees, ' +
        "or route to the server's plain HTTP port.",
    );
    assert.match(findings[1].message, /the sidecars of namespace "payments" originate no TLS: no DestinationRule for legacy.example.com applies there/);
  },
);

test('vs-plain-http-to-tls-port: a port-level entry without tls turns the top-level TLS off for its port', () => {
  const [finding] = checkFixture(vsPlainHttpToTlsPort, 'port-level');
  assert.match(finding.message, /the DestinationRule in effect there, "shop\/partner", sets no tls.mode for port 443/);
});

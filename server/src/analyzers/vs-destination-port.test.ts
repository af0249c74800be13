import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsDestinationPort } from './vs-destination-port';
import { checkFixture } from './fixture-harness';

test('vs-destination-port: the TLS origination patterns stay clean; undeclared and missing ports are fixed when one port fits', () => {
  const findings = checkFixture(vsDestinationPort, 'egress-ports');
  const messages = findings.map((f) => f.message);
  assert.ok(
    messages.includes(
      'Port 8080 is not a port of "edition.cnn.com": ServiceEntry "cnn" declares 80 (HTTP), 443 (HTTPS). ' +
        'As written, requests on this route fail with 503. Did you mean 80?',
    ),
  );
  assert.ok(
    messages.includes(
      '"edition.cnn.com" has several ports (ServiceEntry "cnn" declares 80 (HTTP), 443 (HTTPS)) ' +
        'and this destination names none, so Istio cannot tell which one is meant. ' +
        'The rule matches port 80: route to it.',
    ),
  );
  assert.ok(messages.some((m) => m.startsWith('Port 443 is a targetPort, not a port of "api.example.com": ServiceEntry "api" maps port 80 to it.')));
  assert.equal(findings[0].related?.[0].message, 'Ports of ServiceEntry "cnn"');
});

test('vs-destination-port: Service ports count, and no fix is offered when several ports fit', () => {
  const findings = checkFixture(vsDestinationPort, 'no-fix');
  assert.match(findings[0].message, /Service "reports" declares 80 \(HTTP\), 9090 \(GRPC\)/);
  for (const f of findings) assert.equal((f.data as { replacement?: number }).replacement, undefined);
});

test('vs-destination-port: a weight-0 route is not said to fail now', () => {
  const [finding] = checkFixture(vsDestinationPort, 'weight-zero');
  assert.match(finding.message, /has weight 0, so no request takes it yet; once it gets weight, its requests fail with 503/);
  assert.doesNotMatch(finding.message, /As written/);
});

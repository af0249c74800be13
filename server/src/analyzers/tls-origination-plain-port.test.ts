import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlsOriginationPlainPort } from './tls-origination-plain-port';
import { checkFixture } from './fixture-harness';

test('tls-origination-plain-port: TLS to an HTTP port without targetPort, fixed with targetPort: 443', () => {
  checkFixture(tlsOriginationPlainPort, 'plain-port');
});

test('tls-origination-plain-port: a ServiceEntry in another file is named and no fix is offered', () => {
  const [finding] = checkFixture(tlsOriginationPlainPort, 'other-file');
  assert.match(finding.message, /ServiceEntry "api" \(in service-entry\.yaml\)/);
  assert.deepEqual(tlsOriginationPlainPort.fix!(finding.data as never, { file: undefined as never, span: finding }), []);
});

test(
  'tls-origination-plain-port: only a tls block some proxy applies is judged, and the message names those ' +
    'proxies (push_context.go destinationRule, mergeDestinationRule)',
  () => {
    const [a, e, f] = checkFixture(tlsOriginationPlainPort, 'namespaces');
    // shop has its own rule for a.example.com, so its sidecars do not originate TLS there.
    assert.match(
      a.message,
      /of a\.example\.com for the proxies of namespaces egress and mesh-root, and of every other namespace without a rule of its own for the host,/,
    );
    // egress keeps its own rule for e.example.com; the others take the root namespace's.
    assert.match(e.message, /of e\.example\.com for the proxies of namespaces mesh-root and shop, and of every other namespace/);
    assert.match(f.message, /of f\.example\.com for the proxies of namespace corp-egress \(gateway\),/);
  },
);

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

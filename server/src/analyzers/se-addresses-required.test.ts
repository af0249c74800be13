import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seAddressesRequired } from './se-addresses-required';
import { checkFixture } from './fixture-harness';

test('se-addresses-required: TCP ports without addresses; a warning for resolution NONE, information otherwise', () => {
  const findings = checkFixture(seAddressesRequired, 'ports');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['warning', 'warning', 'information'],
  );
});

test('se-addresses-required: silent when the mesh config turns on DNS capture with auto-allocation', () => {
  checkFixture(seAddressesRequired, 'dns-auto-allocate');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drCaCertificates } from './dr-ca-certificates';
import { checkFixture } from './fixture-harness';
import { DEFAULT_SETTINGS } from '../settings';

test(
  'dr-ca-certificates: SIMPLE or MUTUAL without caCertificates at top and port level, ' +
    'exempting credentialName with a workloadSelector, as IST0128/IST0129',
  () => {
    const findings = checkFixture(drCaCertificates, 'origination');
    assert.ok(findings.every((f) => f.severity === 'information'));
  },
);

test('dr-ca-certificates: the fix adds the system CA bundle to the tls block', () => {
  checkFixture(drCaCertificates, 'fix');
});

test('dr-ca-certificates: severity follows the user setting', () => {
  const findings = checkFixture(drCaCertificates, 'fix', { ...DEFAULT_SETTINGS, severity: { 'dr-ca-certificates': 'warning' } });
  assert.ok(findings.length > 0);
});

import { test } from 'node:test';
import { workloadentryInvalid } from './workloadentry-invalid';
import { checkFixture } from './fixture-harness';

test('workloadentry-invalid: bad addresses and labels, a network-only entry, and valid entries stay silent', () => {
  checkFixture(workloadentryInvalid, 'rules');
});

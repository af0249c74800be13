import { test } from 'node:test';
import { vsUnreachableRule } from './vs-unreachable-rule';
import { checkFixture } from './fixture-harness';

test('vs-unreachable-rule: rules after a catch-all and rules whose matches all repeat earlier ones; the docs two-hop route stays silent', () => {
  checkFixture(vsUnreachableRule, 'rules');
});

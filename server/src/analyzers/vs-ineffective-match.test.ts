import { test } from 'node:test';
import { vsIneffectiveMatch } from './vs-ineffective-match';
import { checkFixture } from './fixture-harness';

test('vs-ineffective-match: duplicate matches and covered URI prefixes; different ports and methods stay silent', () => {
  checkFixture(vsIneffectiveMatch, 'matches');
});

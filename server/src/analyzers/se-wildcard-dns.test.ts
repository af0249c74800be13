import { test } from 'node:test';
import { seWildcardDns } from './se-wildcard-dns';
import { checkFixture } from './fixture-harness';

test('se-wildcard-dns: a wildcard ServiceEntry with DNS or DNS_ROUND_ROBIN resolution, fixed to NONE', () => {
  checkFixture(seWildcardDns, 'wildcard-dns');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostSubsetOf, hostsMatch, mostSpecificHostMatch } from './host-match';

// Follows pkg/config/host/name.go Name.SubsetOf and Name.Matches.
for (const c of [
  { h: 'api.example.com', of: '*.example.com', subset: true, match: true },
  { h: '*.example.com', of: 'api.example.com', subset: false, match: true },
  { h: 'api.example.com', of: '*', subset: true, match: true },
  { h: '*.api.example.com', of: '*.example.com', subset: true, match: true },
  { h: 'example.com', of: '*.example.com', subset: false, match: false },
  { h: 'api.example.com', of: 'www.example.com', subset: false, match: false },
]) {
  test(`Name.SubsetOf: ${c.h} ⊆ ${c.of} is ${c.subset}; Name.Matches is ${c.match}`, () => {
    assert.equal(hostSubsetOf(c.h, c.of), c.subset);
    assert.equal(hostsMatch(c.h, c.of), c.match);
  });
}

// Follows pilot/pkg/model/config.go MostSpecificHostMatch: exact first, then the longest matching wildcard.
for (const c of [
  { needle: 'api.example.com', configured: ['*', '*.example.com', 'api.example.com'], want: 'api.example.com' },
  { needle: 'api.example.com', configured: ['*', '*.example.com', '*.com'], want: '*.example.com' },
  { needle: 'api.example.com', configured: ['*.local', '*'], want: '*' },
  { needle: 'api.example.com', configured: ['www.example.com'], want: undefined },
  { needle: '*.example.com', configured: ['api.example.com', '*.com'], want: '*.com' },
]) {
  test(`MostSpecificHostMatch: ${c.needle} among [${c.configured.join(', ')}] is ${c.want}`, () => {
    assert.equal(mostSpecificHostMatch(c.needle, c.configured), c.want);
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsDuplicateMeshHost } from './vs-duplicate-mesh-host';
import { checkFixture } from './fixture-harness';

test('vs-duplicate-mesh-host: two mesh VirtualServices for one host; gateway-only, private and short-name cases stay silent', () => {
  const findings = checkFixture(vsDuplicateMeshHost, 'duplicates');
  assert.ok(findings.every((f) => f.related?.length === 1));
});

test('vs-duplicate-mesh-host: revisions of one VirtualService (same namespace and name, several files) are alternatives, never duplicates; another object meets one of them', () => {
  const findings = checkFixture(vsDuplicateMeshHost, 'revisions');
  assert.equal(findings.length, 3);
  for (const f of findings) assert.doesNotMatch(f.message, /"reviews" \(default\), "reviews" \(default\)/, 'the revisions count once');
  assert.ok(findings.filter((f) => /^VirtualService "reviews-fault"/.test(f.message)).length === 2, 'each revision names only the other object');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seConflictingProtocol } from './se-conflicting-protocol';
import { checkFixture } from './fixture-harness';

test('se-conflicting-protocol: HTTPS against TLS on the same host and port, both reported; other ports and disjoint exportTo stay silent', () => {
  const findings = checkFixture(seConflictingProtocol, 'conflicting');
  assert.ok(findings.some((f) => f.message.includes('HTTPS here but TLS in ServiceEntry "github-tls" (team-b, in team-b.yaml)')));
  assert.ok(findings.every((f) => f.related?.length === 1));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsDuplicateMeshHost } from './vs-duplicate-mesh-host';
import { checkFixture } from './fixture-harness';

test('vs-duplicate-mesh-host: two mesh VirtualServices for one host; gateway-only, private and short-name cases stay silent', () => {
  const findings = checkFixture(vsDuplicateMeshHost, 'duplicates');
  assert.ok(findings.every((f) => f.related?.length === 1));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seDuplicateHost } from './se-duplicate-host';
import { checkFixture } from './fixture-harness';

test('se-duplicate-host: the same host and port in two ServiceEntries, and a host listed twice in one', () => {
  const findings = checkFixture(seDuplicateHost, 'duplicates');
  assert.ok(findings.some((f) => /listed twice/.test(f.message)));
  assert.ok(findings.some((f) => /port 443 is also defined by ServiceEntry "cnn" \(news, in news.yaml\)/.test(f.message)));
});

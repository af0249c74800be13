/**
 * Quick fixes never write a host the API server rejects: a VirtualService routing to host `*` gets
 * no "create a ServiceEntry" or "create a DestinationRule" fix for it (a ServiceEntry or
 * DestinationRule with host `*` is refused by Istio's validation, ValidateServiceEntry and
 * ValidateDestinationRule in pkg/config/validation), and the guard holds without the re-check too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { loadSchemaStore } from '../node/schemas';
import { Checker } from './checker';
import { fixesFor } from './fixes';

const VS = (host: string) =>
  'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
  'r\nspec:\n  hosts:\n  - api.example.com\n  http:\n  - route:\n    - destination:\n        host: ' +
  `"${host}"\n        subset: v1\n`;

/** The hosts each fix of the file's `vs-unknown-host` and `vs-unknown-subset` findings would write into a new resource. */
function writtenHosts(host: string): { code: string; title: string; hosts: string[] }[] {
  const index = new WorkspaceIndex();
  const file = parseFile('file:///ws/vs.yaml', VS(host));
  index.setFile(file);
  const findings = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS).findings(file.uri);
  const out: { code: string; title: string; hosts: string[] }[] = [];
  for (const f of findings.filter((x) => x.code === 'vs-unknown-host' || x.code === 'vs-unknown-subset')) {
    for (const fix of fixesFor(f.code, f.data, file, f)) {
      const added = fix.edits.map((e) => e.newText).join('');
      const hosts = [...added.matchAll(/^\s*(?:-\s+|host:\s+)("?)([^"\n]+)\1\s*$/gm)].map((m) => m[2]);
      out.push({ code: f.code, title: fix.title, hosts });
    }
  }
  return out;
}

test('a route to host "*" gets no fix that creates a ServiceEntry or DestinationRule for "*"', () => {
  // The same route to an ordinary host gets both fixes, so the check below looks at real fixes.
  const ordinary = writtenHosts('api.example.com');
  assert.deepEqual(ordinary.map((f) => f.code).sort(), ['vs-unknown-host', 'vs-unknown-subset']);
  assert.ok(
    ordinary.every((f) => f.hosts.includes('api.example.com')),
    JSON.stringify(ordinary),
  );
  const star = writtenHosts('*');
  assert.deepEqual(
    star.filter((f) => f.hosts.includes('*')),
    [],
    'no fix writes host "*"',
  );
});

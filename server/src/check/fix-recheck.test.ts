/**
 * Fixes in large files are re-checked too: in a file over 256 K characters only the documents a fix
 * edits are checked again, so a fix that writes a port the API server rejects is withheld there as
 * in a small file, and a sound one is still offered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { loadSchemaStore } from '../node/schemas';
import { Checker } from './checker';
import { fixesFor, fixIsSound } from './fixes';

const se = (port: number, host = 'api.example.com', name = 'se') =>
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  `${name}\nspec:\n  hosts:\n  - ${host}\n  ports:\n  - number: ` +
  `${port}\n    name: http\n    protocol: HTTP\n  resolution: DNS\n  location: MESH_EXTERNAL\n`;
const vs = (port: number) =>
  'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
  'vs\nspec:\n  hosts:\n  - api.example.com\n  http:\n  - route:\n    - destination:\n        host: ' +
  `api.example.com\n        port:\n          number: ${port}\n`;
/** About 300 K characters of unrelated, clean ServiceEntries. */
const padding = Array.from({ length: 1200 }, (_, i) => se(443, `pad-${i}.example.com`, `pad-${i}`)).join('---\n');

function offered(text: string): string[] {
  const store = loadSchemaStore();
  const index = new WorkspaceIndex();
  const file = parseFile('file:///ws/big.yaml', text);
  index.setFile(file);
  const findings = new Checker(index, store, DEFAULT_SETTINGS).findings(file.uri);
  const finding = findings.find((f) => f.code === 'vs-destination-port');
  assert.ok(finding, 'vs-destination-port');
  const fixes = fixesFor(finding.code, finding.data, file, finding).filter((f) => fixIsSound(index, store, DEFAULT_SETTINGS, file, findings, finding, f));
  assert.equal(index.file(file.uri), file, 'the index is restored');
  return fixes.map((f) => f.title);
}

test('in a file over 256 K characters, a fix writing port 70000 is withheld and a sound fix is offered', () => {
  const big = (port: number) => `${padding}---\n${se(port)}---\n${vs(81)}`;
  assert.ok(big(70000).length > 256 * 1024, `${big(70000).length} characters`);
  assert.deepEqual(offered(big(70000)), []);
  assert.deepEqual(offered(big(8080)), ['Change the port to 8080']);
});

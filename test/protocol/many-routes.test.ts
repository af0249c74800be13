/**
 * 1,000 VirtualServices for one host, through the bundled server: every one of them duplicates the
 * others (vs-duplicate-mesh-host), which once made a 288 MB publishDiagnostics with 999,000 related
 * locations. Related locations are capped and counted in the message, so the publish stays small,
 * and an edit next to them is answered.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HoverRequest, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri } from './lsp-client';
import { MAX_RELATED } from '../../server/src/model';

const COUNT = 1000;
const vs = (name: string, extra = '') =>
  'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
  `${name}\nspec:\n  hosts:\n  - api.example.com\n  http:\n  - route:\n    - destination:\n        ` +
  `host: api.example.com\n${extra}`;
const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'api\nspec:\n  hosts:\n  - api.example.com\n  ports:\n  - number: 80\n    name: http\n    protocol: ' +
  'HTTP\n  resolution: DNS\n  location: MESH_EXTERNAL\n';
const duplicates = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'vs-duplicate-mesh-host');
const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : '');

let workspace: string;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-many-routes-'));
  const docs = Array.from({ length: COUNT - 1 }, (_, i) => vs(`vs-${i}`));
  fs.writeFileSync(path.join(workspace, 'routes.yaml'), [SE, ...docs].join('---\n'));
});

after(() => fs.rmSync(workspace, { recursive: true, force: true }));

test(`${COUNT} VirtualServices for one host: diagnostics with capped related locations, and an edit is answered`, { timeout: 180_000 }, async () => {
  const client = await startClient(workspace, {}, { noWait: true });
  try {
    const uri = fileUri(path.join(workspace, 'edited.yaml'));
    client.open(uri, vs('edited'));
    await client.indexed;
    const routes = fileUri(path.join(workspace, 'routes.yaml'));
    const published = await client.waitForDiagnostics(routes, (ds) => duplicates(ds).length === COUNT - 1, 120_000);
    const bytes = Buffer.byteLength(JSON.stringify(published));
    // Each diagnostic: its message and at most MAX_RELATED locations of a few hundred bytes.
    assert.ok(bytes < COUNT * (MAX_RELATED + 5) * 300, `publishDiagnostics of ${(bytes / 1e6).toFixed(1)} MB`);
    for (const d of duplicates(published)) {
      assert.equal(d.relatedInformation?.length, MAX_RELATED);
      assert.ok(text(d).length < 1000, `a message of ${text(d).length} characters`);
      assert.match(text(d), new RegExp(`${COUNT - 1 - MAX_RELATED} more related locations`));
    }
    // An edit: the open VirtualService gains a second host; its diagnostics for that version arrive.
    client.change(uri, vs('edited').replace('  - api.example.com\n  http', '  - api.example.com\n  - www.example.com\n  http'), 2);
    const edited = await client.waitForDiagnostics(uri, () => client.diagnosticVersions.get(uri) === 2, 60_000);
    assert.ok(duplicates(edited).length > 0 && duplicates(edited).every((d) => (d.relatedInformation?.length ?? 0) <= MAX_RELATED));
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 10, character: 10 } });
    assert.ok(hover, 'hover answers after the edit');
  } finally {
    await client.stop();
  }
});

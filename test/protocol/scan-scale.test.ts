/**
 * The start-up scan at the scale of a large monorepo folder: 20,000 tiny YAML files. Hover and
 * completion answer while it runs, and an open editor's unsaved text wins over the disk's.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, HoverRequest } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri } from './lsp-client';

const FILES = 20_000;
const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'httpbin\nspec:\n  hosts:\n  - httpbin.org\n  resolution: DNS\n  location: MESH_EXTERNAL\n';
let workspace: string;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-scale-'));
  for (let d = 0; d < FILES / 500; d++) {
    const dir = path.join(workspace, `d${String(d).padStart(2, '0')}`);
    fs.mkdirSync(dir);
    for (let i = 0; i < 500; i++) fs.writeFileSync(path.join(dir, `f${i}.yaml`), `k${i}: v\n`);
  }
  fs.writeFileSync(path.join(workspace, 'zz-se.yaml'), SE);
});

after(() => fs.rmSync(workspace, { recursive: true, force: true }));

test('20,000 tiny files are indexed, and requests are answered while the scan runs', { timeout: 120_000 }, async () => {
  const client = await startClient(workspace, {}, { noWait: true });
  try {
    const uri = fileUri(path.join(workspace, 'zz-se.yaml'));
    // Opened with unsaved text before the scan reaches the file on disk.
    client.open(uri, SE.replace('MESH_EXTERNAL', 'MESH_EXTENAL'));
    const started = Date.now();
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 4 } });
    const completion = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 7, character: 2 } });
    assert.ok(hover, 'hover answers during the scan');
    assert.ok(Array.isArray(completion) ? completion.length : completion?.items.length, 'completion answers during the scan');
    assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
    const indexed = await client.indexed;
    assert.equal(indexed.files, FILES + 1);
    const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'schema-enum'), 20_000);
    assert.ok(ds.length > 0, "the editor's unsaved text is what is checked");
  } finally {
    await client.stop();
  }
});

/**
 * Watcher events for FIFOs named `*.yaml` must not hold the server's file reads: Node reads files on
 * libuv's pool of four threads, and opening a FIFO that has no writer blocks its thread. After five
 * such events a new YAML file must still be read and diagnosed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileChangeType, HoverRequest } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri } from './lsp-client';

const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'api\nspec:\n  hosts:\n  - api.example.com\n  resolution: DNS\n  location: MESH_EXTENAL\n';
/** More than libuv's default pool (UV_THREADPOOL_SIZE is 4). */
const FIFOS = 5;

let workspace: string;
let client: Awaited<ReturnType<typeof startClient>>;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-fifo-'));
  fs.writeFileSync(path.join(workspace, 'se.yaml'), SE);
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test(`after watcher events for ${FIFOS} FIFOs, a new YAML file is still read and diagnosed`, { timeout: 60_000 }, async () => {
  for (let i = 0; i < FIFOS; i++) {
    const fifo = path.join(workspace, `pipe-${i}.yaml`);
    execFileSync('mkfifo', [fifo]);
    // One notification per event, as an editor sends them when the files appear one by one.
    client.fileChanged(fileUri(fifo), FileChangeType.Created);
  }
  const created = path.join(workspace, 'new.yaml');
  fs.writeFileSync(created, SE.replace('name: api', 'name: created'));
  client.fileChanged(fileUri(created), FileChangeType.Created);
  const ds = await client.waitForDiagnostics(fileUri(created), (d) => d.some((x) => x.code === 'schema-enum'), 20_000);
  assert.equal(ds.filter((d) => d.code === 'schema-enum').length, 1);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: fileUri(created) }, position: { line: 8, character: 4 } });
  assert.ok(hover, 'the new file is indexed');
  for (let i = 0; i < FIFOS; i++) assert.equal(client.diagnostics.has(fileUri(path.join(workspace, `pipe-${i}.yaml`))), false);
});

/**
 * A file opened in the editor while the server is reading it from disk keeps the editor's unsaved
 * text: the start-up scan and a watcher event both finish their read after the open, and must not
 * store the disk's text over the editor's. The server runs in this process with its reads held
 * (`in-process.ts`), so the open lands inside the read every time.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, FileChangeType, HoverRequest, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { fileUri } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';

/** The editor's text: a misspelt `location`, a schema-enum error on line 8 (from 0). */
const EDITOR =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'api\nspec:\n  hosts:\n  - api.example.com\n  resolution: DNS\n  location: MESH_EXTENAL\n';
/** The disk's text: the misspelling is in `resolution`, on line 7. */
const DISK = EDITOR.replace('resolution: DNS', 'resolution: DNZ').replace('MESH_EXTENAL', 'MESH_EXTERNAL');
const enumLines = (ds: Diagnostic[] | undefined) => (ds ?? []).filter((d) => d.code === 'schema-enum').map((d) => d.range.start.line);

let workspace: string;
let client: InProcessClient;
let markers = 0;

/**
 * Publishes are queued in order: once a file created after `uri` was last touched has its
 * diagnostics, whatever the server had to publish for `uri` has been published too.
 */
async function settled(): Promise<void> {
  const marker = path.join(workspace, `marker-${++markers}.yaml`);
  fs.writeFileSync(marker, DISK.replace('name: api', `name: marker-${markers}`));
  client.fileChanged(fileUri(marker), FileChangeType.Created);
  await client.waitForDiagnostics(fileUri(marker), (ds) => enumLines(ds).includes(7), 20_000);
}

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-open-read-'));
  // `a-opened.yaml` comes first in the scan's order, so the scan is waiting for exactly its read.
  fs.writeFileSync(path.join(workspace, 'a-opened.yaml'), DISK);
  fs.writeFileSync(path.join(workspace, 'c-watched.yaml'), DISK.replace('name: api', 'name: watched'));
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(workspace, `d-${i}.yaml`), DISK.replace('name: api', `name: d-${i}`));
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test("a file opened while the start-up scan reads it is checked in the editor's text, also after the scan", { timeout: 60_000 }, async () => {
  const file = path.join(workspace, 'a-opened.yaml');
  const uri = fileUri(file);
  client = await startInProcess(workspace, {}, { noWait: true, holdAtStart: [file] });
  const read = client.held.get(file)!;
  await read.asked;
  client.open(uri, EDITOR);
  await client.waitForDiagnostics(uri, (ds) => enumLines(ds).includes(8), 20_000);
  read.release();
  await client.indexed;
  assert.equal(client.threadedScans, 1, 'the scan parsed its files on a worker thread, as the server does for a workspace of this size');
  await settled();
  assert.deepEqual(enumLines(client.diagnostics.get(uri)), [8], "the editor's text is checked, not the disk's");
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 4 } });
  assert.ok(hover, 'hover answers from the open document');
});

test("a file opened while a watcher event's read of it runs keeps the editor's text", { timeout: 60_000 }, async () => {
  const file = path.join(workspace, 'c-watched.yaml');
  const uri = fileUri(file);
  const editor = EDITOR.replace('name: api', 'name: watched');
  // Saved elsewhere meanwhile: the watcher reports a change to the file, which the editor then opens with other text.
  const read = client.hold(file);
  client.fileChanged(uri, FileChangeType.Changed);
  await read.asked;
  client.open(uri, editor);
  await client.waitForDiagnostics(uri, (ds) => enumLines(ds).includes(8), 20_000);
  read.release();
  await read.done;
  await settled();
  assert.deepEqual(enumLines(client.diagnostics.get(uri)), [8], "the editor's text is checked, not the disk's");
  const completion = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 7, character: 2 } });
  assert.ok(Array.isArray(completion) ? completion.length : completion?.items.length, 'completion answers from the open document');
});

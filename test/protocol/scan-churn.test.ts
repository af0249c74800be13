/**
 * The start-up scan while the disk changes under it: files deleted or rewritten right after
 * `initialized` (with the watcher events an editor sends), and files that cannot be read or
 * decoded (a dangling symlink, a folder and a binary file named `*.yaml`).
 * The server must not crash, must not bring deleted files back or keep the old text of rewritten
 * ones, and must answer hover while the scan runs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileChangeType, HoverRequest, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri, waitUntil } from './lsp-client';

const FILES = 1500;
/** A ServiceEntry with a misspelt `location` (a schema-enum error on line 8, counting from 0). */
const seText = (name: string) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\nspec:\n  hosts:\n  - ` +
  `${name}.example.com\n  resolution: DNS\n  location: MESH_EXTENAL\n`;
/** The rewritten text: the error moves to `resolution`, on line 7. */
const rewrittenText = (name: string) => seText(name).replace('resolution: DNS', 'resolution: DNZ').replace('MESH_EXTENAL', 'MESH_EXTERNAL');
const enumLines = (ds: Diagnostic[] | undefined) => (ds ?? []).filter((d) => d.code === 'schema-enum').map((d) => d.range.start.line);

let workspace: string;
const fileAt = (i: number) => path.join(workspace, `d${Math.floor(i / 300)}`, `se${String(i).padStart(4, '0')}.yaml`);
// Spread over the scan's order, so some are changed before it reaches them and some after.
const deleted = Array.from({ length: FILES / 15 }, (_, k) => k * 15);
const rewritten = deleted.map((i) => i + 7);

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-churn-'));
  for (let i = 0; i < FILES; i++) {
    fs.mkdirSync(path.dirname(fileAt(i)), { recursive: true });
    fs.writeFileSync(fileAt(i), seText(`s${i}`));
  }
  // Unreadable or undecodable, each named like a YAML file.
  fs.symlinkSync(path.join(workspace, 'missing.yaml'), path.join(workspace, 'a-dangling.yaml'));
  fs.mkdirSync(path.join(workspace, 'a-folder.yaml'));
  fs.writeFileSync(path.join(workspace, 'a-folder.yaml', 'inside.yaml'), seText('inside'));
  fs.writeFileSync(
    path.join(workspace, 'a-binary.yaml'),
    Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc, 0x0a, 0x00, 0x3a, 0x80]),
  );
  fs.writeFileSync(path.join(workspace, 'a-utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(seText('utf16'), 'utf16le')]));
});

after(() => fs.rmSync(workspace, { recursive: true, force: true }));

test('files deleted or rewritten while the scan runs end deleted or with their new text; hover answers meanwhile', { timeout: 120_000 }, async () => {
  const client = await startClient(workspace, {}, { noWait: true });
  try {
    // The disk changes, and the server is told as the editor's watcher would: half right after
    // `initialized`, half once the scan has read some files (its first progress report).
    const change = (which: number) => {
      for (const i of deleted.filter((_, k) => k % 2 === which)) {
        fs.rmSync(fileAt(i));
        client.fileChanged(fileUri(fileAt(i)), FileChangeType.Deleted);
      }
      for (const i of rewritten.filter((_, k) => k % 2 === which)) {
        fs.writeFileSync(fileAt(i), rewrittenText(`s${i}`));
        client.fileChanged(fileUri(fileAt(i)), FileChangeType.Changed);
      }
    };
    let midScan = -1;
    client.connection.onNotification('$/progress', (p: { value?: { message?: string } }) => {
      const read = /^(\d+)\/\d+ files/.exec(p.value?.message ?? '');
      if (!read || midScan >= 0) return;
      midScan = Number(read[1]);
      change(1);
    });
    change(0);
    const opened = fileUri(path.join(workspace, 'open.yaml'));
    client.open(opened, seText('open'));
    const started = Date.now();
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: opened }, position: { line: 8, character: 4 } });
    assert.ok(hover, 'hover answers while the scan runs');
    assert.ok(Date.now() - started < 5000, `hover answered in ${Date.now() - started} ms`);

    const indexed = await client.indexed;
    assert.ok(midScan > 0 && midScan < FILES, `the second half changed during the scan, after ${midScan} files`);
    assert.equal(client.child.exitCode, null, `the server is running\n${client.stderr()}`);
    // The survivors, the open file and the file inside the folder named `a-folder.yaml`.
    assert.equal(indexed.files, FILES - deleted.length + 4, 'the deleted files are not indexed; the binary ones are, as text');
    await client.waitForDiagnostics(fileUri(fileAt(FILES - 1)), (ds) => enumLines(ds).includes(8), 20_000);
    for (const i of rewritten) {
      const ds = await client.waitForDiagnostics(fileUri(fileAt(i)), (d) => enumLines(d).length > 0, 10_000);
      assert.deepEqual(enumLines(ds), [7], `${path.relative(workspace, fileAt(i))} is checked in its new text`);
    }
    await waitUntil(() => deleted.every((i) => !client.diagnostics.get(fileUri(fileAt(i)))?.length), 'the deleted files to have no diagnostics', 10_000);
    await client.waitForDiagnostics(fileUri(path.join(workspace, 'a-folder.yaml', 'inside.yaml')), (ds) => enumLines(ds).includes(8));
    assert.equal(client.diagnostics.get(fileUri(path.join(workspace, 'a-dangling.yaml')))?.length ?? 0, 0);
    assert.equal(client.diagnostics.get(fileUri(path.join(workspace, 'a-folder.yaml')))?.length ?? 0, 0);
    // Undecodable bytes become replacement characters; whatever is reported lies inside the text.
    for (const name of ['a-binary.yaml', 'a-utf16.yaml']) {
      const lines = fs.readFileSync(path.join(workspace, name), 'utf8').split(/\r\n|\r|\n/).length;
      for (const d of client.diagnostics.get(fileUri(path.join(workspace, name))) ?? [])
        assert.ok(d.range.end.line < lines, `${name}: ${String(d.code)} past the end`);
    }
    assert.doesNotMatch(client.stderr(), /Error|Unhandled/);
  } finally {
    await client.stop();
  }
});

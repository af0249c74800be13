/**
 * A workspace with a file and a folder the server may not read (mode 000): the start-up scan
 * finishes, the readable files are checked, and the output channel names what was skipped.
 * Tests usually run as root, who may read anything, so the server then runs as `nobody`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageType } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri } from './lsp-client';

const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'api\nspec:\n  hosts:\n  - api.example.com\n  resolution: DNS\n  location: MESH_EXTENAL\n';
/** As root, the server runs as `nobody`, for whom mode 000 means something. */
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

let workspace: string;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-unreadable-'));
  fs.writeFileSync(path.join(workspace, 'ok.yaml'), SE);
  fs.writeFileSync(path.join(workspace, 'secret.yaml'), SE.replace('name: api', 'name: secret'));
  fs.mkdirSync(path.join(workspace, 'locked'));
  fs.writeFileSync(path.join(workspace, 'locked', 'inside.yaml'), SE.replace('name: api', 'name: inside'));
  fs.chmodSync(path.join(workspace, 'secret.yaml'), 0o000);
  fs.chmodSync(path.join(workspace, 'locked'), 0o000);
  fs.chmodSync(workspace, 0o755);
});

after(() => {
  fs.chmodSync(path.join(workspace, 'locked'), 0o755);
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('an unreadable file and folder are skipped with a warning; the readable file is checked', { timeout: 60_000 }, async () => {
  const client = await startClient(workspace, {}, asUser);
  try {
    assert.equal((await client.indexed).files, 1, 'only ok.yaml is indexed');
    await client.waitForDiagnostics(fileUri(path.join(workspace, 'ok.yaml')), (ds) => ds.some((d) => d.code === 'schema-enum'));
    const warnings = client.logs.filter((l) => l.type === MessageType.Warning).map((l) => l.message);
    const warning = warnings.find((m) => /could not be read/.test(m));
    assert.ok(warning, `a warning in the output channel: ${JSON.stringify(client.logs)}`);
    assert.match(warning, /secret\.yaml/);
    assert.match(warning, /locked \(EACCES\)/);
    assert.equal(client.diagnostics.has(fileUri(path.join(workspace, 'secret.yaml'))), false);
    assert.equal(client.child.exitCode, null, 'the server is running');
  } finally {
    await client.stop();
  }
});

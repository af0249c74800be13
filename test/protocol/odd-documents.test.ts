/**
 * Documents and settings that a well-behaved editor would not send: changes with stale,
 * out-of-order or missing versions, changes for documents never opened, notebook cells
 * (`vscode-notebook-cell:` URIs), and severity settings naming codes that do not exist.
 * The server answers or ignores them, never crashes, and tells the user what it ignores.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DidChangeTextDocumentNotification,
  HoverRequest,
  MessageType,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { startClient, fileUri, waitUntil } from './lsp-client';

/** A misspelt `location` (schema-enum on line 8, from 0). */
const SE = (name: string) =>
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  `${name}\nspec:\n  hosts:\n  - ${name}.example.com\n  resolution: DNS\n  location: MESH_EXTENAL\n`;
/** The same, misspelt in `resolution` instead (line 7). */
const SE_DNZ = (name: string) => SE(name).replace('resolution: DNS', 'resolution: DNZ').replace('MESH_EXTENAL', 'MESH_EXTERNAL');
const enumLines = (ds: Diagnostic[] | undefined) => (ds ?? []).filter((d) => d.code === 'schema-enum').map((d) => d.range.start.line);

let workspace: string;
let client: Awaited<ReturnType<typeof startClient>>;
const shown: { type: number; message: string }[] = [];

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-odd-docs-'));
  fs.writeFileSync(path.join(workspace, 'se.yaml'), SE('disk'));
  client = await startClient(workspace);
  client.connection.onNotification('window/showMessage', (p: { type: number; message: string }) => void shown.push(p));
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

const alive = () => assert.equal(client.child.exitCode, null, `the server is running\n${client.stderr()}`);

test('changes with stale, out-of-order or missing versions, and for unopened documents, are applied or ignored without a crash', async () => {
  const uri = fileUri(path.join(workspace, 'stale.yaml'));
  client.open(uri, SE('stale'), 5);
  await client.waitForDiagnostics(uri, (ds) => enumLines(ds).includes(8));
  const change = (version: number | null, text: string, target = uri) =>
    client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: target, version: version as number },
      contentChanges: [{ text }],
    });
  // Versions going down, repeating and missing.
  await change(9, SE_DNZ('stale'));
  await change(3, SE('stale'));
  await change(3, SE_DNZ('stale'));
  await change(null, SE('stale'));
  await change(2, SE('never-opened'), fileUri(path.join(workspace, 'never-opened.yaml')));
  // The last text the server took is checked, and what it publishes lies inside that text.
  const ds = await client.waitForDiagnostics(uri, (d) => client.diagnosticVersions.get(uri) === 3 && enumLines(d).includes(7));
  const lines = SE_DNZ('stale').split('\n').length;
  assert.ok(
    ds.every((d) => d.range.end.line < lines),
    JSON.stringify(ds.map((d) => d.range)),
  );
  assert.ok(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: 4 } }), 'hover answers');
  assert.equal(client.diagnostics.has(fileUri(path.join(workspace, 'never-opened.yaml'))), false, 'a change to an unopened document is ignored');
  alive();
});

test('a YAML notebook cell is checked from its text, with hover, completion and quick fixes, and cleared when closed', async () => {
  const uri = `vscode-notebook-cell:${path.join(workspace, 'egress.ipynb')}#W1sZmlsZQ%3D%3D`;
  client.open(uri, SE('cell'));
  const ds = await client.waitForDiagnostics(uri, (d) => enumLines(d).includes(8));
  assert.ok(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 4 } }), 'hover answers');
  const completion = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 7, character: 2 } });
  assert.ok(Array.isArray(completion) ? completion.length : completion?.items.length, 'completion answers');
  const enumDiagnostic = ds.find((d) => d.code === 'schema-enum')!;
  const actions = await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: enumDiagnostic.range,
    context: { diagnostics: [enumDiagnostic], only: ['quickfix'] },
  });
  assert.ok(
    (actions ?? []).some((a) => 'title' in a && /MESH_EXTERNAL/.test(a.title)),
    JSON.stringify(actions),
  );
  client.close(uri);
  await client.waitForDiagnostics(uri, (d) => d.length === 0);
  alive();
});

test('unknown codes and levels in istioEgress.severity are shown to the user, and the known entries still apply', async () => {
  const se = fileUri(path.join(workspace, 'se.yaml'));
  client.setSettings({ severity: { 'schema-enum': 'warning', 'vs-unknwn-host': 'off', 'se-invalid': 'critical' } });
  await waitUntil(() => shown.some((m) => m.type === MessageType.Warning && /"vs-unknwn-host" is not a code .*did you mean "vs-unknown-host"/.test(m.message)));
  const warning = shown.find((m) => /vs-unknwn-host/.test(m.message))!.message;
  assert.match(warning, /istioEgress\.severity: the level of "se-invalid" must be one of .*not "critical"/);
  assert.ok(
    client.logs.some((l) => /vs-unknwn-host/.test(l.message)),
    'also in the output channel',
  );
  await client.waitForDiagnostics(se, (ds) => ds.some((d) => d.code === 'schema-enum' && d.severity === 2));
  // The same settings again are not shown again.
  const count = shown.length;
  client.setSettings({ severity: { 'schema-enum': 'warning', 'vs-unknwn-host': 'off', 'se-invalid': 'critical' }, include: ['**/*.yaml'] });
  client.setSettings({ severity: { 'schema-enum': 'error' } });
  await client.waitForDiagnostics(se, (ds) => ds.some((d) => d.code === 'schema-enum' && d.severity === 1));
  assert.equal(shown.length, count, JSON.stringify(shown.slice(count)));
  alive();
});

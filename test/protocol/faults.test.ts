/**
 * The bundled server under faults: a workspace full of things that are not YAML files, requests
 * for documents it does not know, positions past the end, non-file URIs, odd settings, malformed
 * parameters, folders that are not on this disk, a parent process that dies.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CancellationTokenSource,
  CodeActionRequest,
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWorkspaceFoldersNotification,
  FileChangeType,
  HoverRequest,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { startClient, fileUri, waitUntil } from './lsp-client';

const BROKEN_SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'httpbin\nspec:\n  hosts:\n  - httpbin.org\n  resolution: DNS\n  location: MESH_EXTENAL\n';
const hasEnum = (ds: Diagnostic[]) => ds.some((d) => d.code === 'schema-enum');

let workspace: string;
let outside: string;
let socket: net.Server;
let client: Awaited<ReturnType<typeof startClient>>;
const messages: string[] = [];

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-faults-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-outside-'));
  fs.mkdirSync(path.join(workspace, 'config'));
  fs.writeFileSync(path.join(workspace, 'config', 'se.yaml'), BROKEN_SE);
  fs.writeFileSync(path.join(outside, 'shared.yaml'), BROKEN_SE.replace(/httpbin/g, 'shared'));
  execFileSync('mkfifo', [path.join(workspace, 'fifo.yaml')]);
  fs.symlinkSync('/dev/zero', path.join(workspace, 'zero.yaml'));
  fs.symlinkSync('loop.yaml', path.join(workspace, 'loop.yaml'));
  fs.symlinkSync(workspace, path.join(workspace, 'config', 'back'));
  fs.symlinkSync(path.join(outside, 'shared.yaml'), path.join(workspace, 'linked.yaml'));
  socket = net.createServer();
  await new Promise<void>((resolve) => socket.listen(path.join(workspace, 'sock.yaml'), resolve));
  client = await startClient(workspace);
  client.connection.onNotification('window/showMessage', (p: { message: string }) => void messages.push(p.message));
});

after(async () => {
  await client?.stop();
  socket?.close();
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

test('the start-up scan finishes past FIFOs, sockets, devices and symlink loops, and indexes symlinked YAML files', async () => {
  await client.waitForDiagnostics(fileUri(path.join(workspace, 'config', 'se.yaml')), hasEnum);
  await client.waitForDiagnostics(fileUri(path.join(workspace, 'linked.yaml')), hasEnum);
  assert.equal(client.diagnostics.has(fileUri(path.join(workspace, 'fifo.yaml'))), false);
});

test('a storm of 300 cancelled requests is survived, each answered or cancelled, and the next request is answered', async () => {
  const uri = fileUri(path.join(workspace, 'config', 'se.yaml'));
  const position = { line: 8, character: 4 };
  const outcomes = await Promise.all(
    Array.from({ length: 300 }, (_, i) => {
      const source = new CancellationTokenSource();
      const request =
        i % 3 === 0
          ? client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }, source.token)
          : i % 3 === 1
            ? client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }, source.token)
            : client.connection.sendRequest(
                CodeActionRequest.type,
                { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } },
                source.token,
              );
      source.cancel();
      return request.then(
        () => 'answered',
        (e: { code?: number; message?: string }) => (e.code === -32800 ? 'cancelled' : `failed: ${e.code} ${e.message}`),
      );
    }),
  );
  assert.deepEqual(
    outcomes.filter((o) => o !== 'answered' && o !== 'cancelled'),
    [],
  );
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  assert.ok(hover, 'hover answers after the storm');
  assert.equal(client.child.exitCode, null, 'the server is still running');
});

test('watcher events for a FIFO or a device are answered without blocking', async () => {
  client.fileChanged(fileUri(path.join(workspace, 'fifo.yaml')), FileChangeType.Created);
  client.fileChanged(fileUri(path.join(workspace, 'zero.yaml')), FileChangeType.Changed);
  const started = Date.now();
  const hover = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: fileUri(path.join(workspace, 'config', 'se.yaml')) },
    position: { line: 8, character: 4 },
  });
  assert.ok(hover, 'hover answers');
  assert.ok(Date.now() - started < 2000);
});

test('requests for unknown and closed documents, and positions past the end, are answered empty', async () => {
  const unknown = { textDocument: { uri: 'file:///nowhere/x.yaml' }, position: { line: 0, character: 0 } };
  assert.equal(await client.connection.sendRequest(HoverRequest.type, unknown), null);
  assert.deepEqual(await client.connection.sendRequest(CompletionRequest.type, unknown), []);
  const uri = fileUri(path.join(workspace, 'scratch.txt'));
  client.open(uri, BROKEN_SE);
  client.close(uri);
  assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } }), null);
  const se = fileUri(path.join(workspace, 'config', 'se.yaml'));
  assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: se }, position: { line: 5000, character: 99 } }), null);
  const actions = await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: se },
    range: { start: { line: 900, character: 0 }, end: { line: 0, character: 0 } },
    context: {
      diagnostics: [
        {
          range: { start: { line: 900, character: 0 }, end: { line: 901, character: 0 } },
          message: 'x',
          source: 'istio-egress',
          code: 'schema-enum',
          data: { suggestion: 'X' },
        },
      ],
    },
  });
  assert.deepEqual(
    (actions ?? []).filter((a) => 'kind' in a && a.kind === 'quickfix'),
    [],
  );
});

test('edits with ranges past the end or inverted keep diagnostics inside the document', async () => {
  const uri = 'untitled:Untitled-1';
  client.open(uri, BROKEN_SE);
  await client.waitForDiagnostics(uri, hasEnum);
  await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [
      { range: { start: { line: 40, character: 0 }, end: { line: 50, character: 3 } }, text: '\n# appended\n' },
      { range: { start: { line: 8, character: 30 }, end: { line: 8, character: 12 } }, text: 'X' },
    ],
  });
  const lines = BROKEN_SE.split('\n').length + 2;
  // The diagnostics of the edited text (version 2), not the ones already there.
  const ds = await client.waitForDiagnostics(uri, (d) => client.diagnosticVersions.get(uri) === 2 && d.length > 0);
  assert.ok(
    ds.every((d) => d.range.end.line <= lines && d.range.start.line <= d.range.end.line),
    JSON.stringify(ds.map((d) => d.range)),
  );
});

test('an edit past the end of the document does not corrupt the positions of later edits', async () => {
  const uri = 'untitled:Untitled-2';
  client.open(uri, BROKEN_SE);
  await client.waitForDiagnostics(uri, hasEnum);
  const change = (version: number, line: number, endLine: number, text: string) =>
    client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line: endLine, character: 0 } }, text }],
    });
  // One line break over a one-line range far past the end: appended, as a client would expect.
  await change(2, 56, 57, '# tail\n');
  // Then an ordinary insertion on the line after it.
  await change(3, 11, 11, '# end\n');
  const ds = await client.waitForDiagnostics(uri, (d) => client.diagnosticVersions.get(uri) === 3 && d.length > 0);
  assert.deepEqual(
    ds.map((d) => d.code),
    ['schema-enum'],
    'the document is the original text plus two comment lines, not a copy of itself',
  );
});

test('non-file URIs are checked from the editor text and never read from disk', async () => {
  const uri = 'vscode-vfs://github/org/repo/se.yaml';
  client.fileChanged(uri, FileChangeType.Created);
  client.open(uri, BROKEN_SE.replace(/httpbin/g, 'vfs'));
  await client.waitForDiagnostics(uri, hasEnum);
});

test('a deleted folder leaves the open documents under it alone', async () => {
  const uri = fileUri(path.join(workspace, 'config', 'open.yaml'));
  client.open(uri, BROKEN_SE.replace(/httpbin/g, 'open'));
  await client.waitForDiagnostics(uri, hasEnum);
  client.fileChanged(fileUri(path.join(workspace, 'config')), FileChangeType.Deleted);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 4 } });
  assert.ok(hover, 'the open document is still indexed');
  const completion = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 7, character: 2 } });
  assert.ok(Array.isArray(completion) ? completion.length : completion?.items.length, 'completion answers in the open document');
  // Publishes go out in the order files changed: once a file created after the event has its
  // diagnostics, anything the event made the server publish for the open document has gone out too.
  const marker = path.join(workspace, 'after-delete.yaml');
  fs.writeFileSync(marker, BROKEN_SE.replace(/httpbin/g, 'marker'));
  client.fileChanged(fileUri(marker), FileChangeType.Created);
  await client.waitForDiagnostics(fileUri(marker), hasEnum);
  assert.ok(hasEnum(client.diagnostics.get(uri) ?? []), `the open document keeps its diagnostics: ${JSON.stringify(client.diagnostics.get(uri))}`);
});

test('malformed generateBundle parameters get InvalidParams with a reason', async () => {
  await assert.rejects(
    client.connection.sendRequest('istioEgress/generateBundle', { host: 7 }),
    (e: { code?: number; message?: string }) => e.code === -32602 && /"host"/.test(e.message ?? ''),
  );
  await assert.rejects(client.connection.sendRequest('istioEgress/generateBundle', null), (e: { code?: number }) => e.code === -32602);
});

test('odd and invalid settings are reported and survived, also across a workspace-folder change', async () => {
  client.setSettings({ include: [''], exclude: 5, severity: null, egressGateway: 'x', outboundTrafficPolicy: 12 });
  await waitUntil(() => messages.some((m) => /istioEgress\.include: "" is not a valid glob/.test(m)));
  await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
    event: { added: [{ uri: fileUri(outside), name: 'outside' }], removed: [] },
  });
  client.setSettings({ include: ['x'.repeat(70000), '**/*.yaml'] });
  await waitUntil(() => messages.some((m) => /is not a valid glob \(Input length/.test(m)));
  const se = fileUri(path.join(workspace, 'config', 'se.yaml'));
  await client.waitForDiagnostics(se, hasEnum);
  assert.ok(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: se }, position: { line: 8, character: 4 } }));
  assert.equal(client.child.exitCode, null, 'the server is still running');
});

test('folders that are not on this disk, and the filesystem root, are not walked', async () => {
  const other = await startClient(workspace, {}, { folderUris: ['vscode-vfs://github/org/repo', 'vsls:/', 'file:///'] });
  try {
    assert.equal((await other.indexed).files, 0);
  } finally {
    await other.stop();
  }
});

test('the server exits when its parent process dies', async () => {
  const parent = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const orphan = await startClient(workspace, {}, { processId: parent.pid });
  const exited = new Promise<void>((resolve) => orphan.child.once('exit', () => resolve()));
  parent.kill();
  await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error('the server outlived its parent')), 15000))]);
  await orphan.stop();
});

/**
 * The server and the CLI run with Node's network, process and file-write functions intercepted
 * (`safety-interceptor.ts`, loaded with `node --require`): a real workspace is scanned, edited,
 * fixed, mapped and bundled, and the CLI checks, maps and generates. Neither may connect anywhere,
 * start a process or write a file (the CLI writes only to standard output), and both must still work.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  FileChangeType,
  HoverRequest,
  RenameRequest,
  type CodeAction,
} from 'vscode-languageserver-protocol/node';
import { GenerateBundleRequest, TrafficMapRequest } from '../../server/src/protocol';
import { startClient, fileUri, repoRoot } from './lsp-client';

const interceptor = path.join(__dirname, 'safety-interceptor.js');
const cli = path.join(repoRoot, 'dist', 'cli.js');
let dir: string;
let workspace: string;
let log: string;

interface Call {
  pid: number;
  what: string;
  args: unknown[];
}
const calls = (): Call[] =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Call)
    : [];
const refused = () => calls().filter((c) => c.what !== 'loaded');
const env = () => ({ ...process.env, NODE_OPTIONS: `--require ${interceptor}`, ISTIO_EGRESS_SAFETY_LOG: log });

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-safety-'));
  workspace = path.join(dir, 'ws');
  fs.cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
  log = path.join(dir, 'calls.jsonl');
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the interceptor records and refuses a connection, a process and a file write', () => {
  const script = [
    "try { require('net').connect(9, '127.0.0.1') } catch {}",
    "try { require('child_process').execFileSync('true') } catch {}",
    "try { require('fs').writeFileSync('x.txt', '') } catch {}",
    "try { require('fs').openSync('y.txt', 'w') } catch {}",
    "require('fs').closeSync(require('fs').openSync(process.execPath, 'r'))",
  ].join(';');
  fs.rmSync(log, { force: true });
  const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, env: env(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    refused().map((c) => c.what),
    ['net.connect', 'child_process.execFileSync', 'fs.writeFileSync', 'fs.openSync for writing'],
  );
  assert.equal(fs.existsSync(path.join(dir, 'x.txt')) || fs.existsSync(path.join(dir, 'y.txt')), false);
});

test('the server connects nowhere, starts no process and writes no file while it scans, checks, fixes, maps and bundles', { timeout: 120_000 }, async () => {
  fs.rmSync(log, { force: true });
  const saved = process.env.NODE_OPTIONS;
  const savedLog = process.env.ISTIO_EGRESS_SAFETY_LOG;
  Object.assign(process.env, { NODE_OPTIONS: `--require ${interceptor}`, ISTIO_EGRESS_SAFETY_LOG: log });
  const client = await startClient(workspace).finally(() => {
    // Only the server inherits the interceptor: restore this process's environment at once.
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
    if (savedLog === undefined) delete process.env.ISTIO_EGRESS_SAFETY_LOG;
    else process.env.ISTIO_EGRESS_SAFETY_LOG = savedLog;
  });
  try {
    assert.ok(
      calls().some((c) => c.what === 'loaded' && c.pid === client.child.pid),
      'the server runs with the interceptor',
    );
    const file = path.join(workspace, 'broken', 'mistakes.yaml');
    const uri = fileUri(file);
    const text = fs.readFileSync(file, 'utf8');
    const scanned = await client.waitForDiagnostics(uri, (d) => d.length > 0, 20_000);
    client.open(uri, text, 1);
    client.change(uri, `${text}\n# edited\n`, 2);
    const ds = await client.waitForDiagnostics(uri, (d) => d.length > 0 && client.diagnosticVersions.get(uri) === 2, 20_000);
    assert.ok(ds.length >= scanned.length - 1, 'the edited file is checked');
    let fixes = 0;
    for (const d of ds) {
      const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: d.range,
        context: { diagnostics: [d], only: ['quickfix'] },
      })) as CodeAction[] | null;
      fixes += actions?.length ?? 0;
    }
    assert.ok(fixes > 0, 'quick fixes are offered');
    assert.ok(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 2 } }), 'hover answers');
    assert.ok(
      await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 7, character: 2 } }),
      'completion answers',
    );
    const gateways = fileUri(path.join(workspace, 'egress-gateway', '04-virtualservice.yaml'));
    await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: gateways } });
    const gatewayReference = { textDocument: { uri: gateways }, position: { line: 9, character: 6 } };
    assert.ok(await client.connection.sendRequest(DefinitionRequest.type, gatewayReference), 'definition answers');
    assert.ok(await client.connection.sendRequest(RenameRequest.type, { ...gatewayReference, newName: 'renamed-gateway' }), 'rename answers');
    const map = await client.connection.sendRequest(TrafficMapRequest, {});
    assert.ok(map.nodes.length > 0, 'the traffic map has nodes');
    const bundle = await client.connection.sendRequest(GenerateBundleRequest, { host: 'api.example.com', mode: 'tls-origination' });
    assert.ok(bundle.ok && bundle.yaml.includes('kind: ServiceEntry'), 'the bundle is generated');
    fs.writeFileSync(path.join(workspace, 'new.yaml'), text);
    client.fileChanged(fileUri(path.join(workspace, 'new.yaml')), FileChangeType.Created);
    await client.waitForDiagnostics(fileUri(path.join(workspace, 'new.yaml')), (d) => d.length > 0, 20_000);
    assert.equal(client.child.exitCode, null, 'the server is still running');
  } finally {
    await client.stop();
  }
  assert.deepEqual(refused(), [], 'no connection, process or file write');
});

test('the CLI connects nowhere, starts no process and writes no file, and still checks, maps and generates', () => {
  fs.rmSync(log, { force: true });
  const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: workspace, env: env(), encoding: 'utf8', timeout: 60_000 });
  const check = run(['check', '.', '--format', 'sarif']);
  assert.equal(check.status, 1, check.stderr);
  assert.ok((JSON.parse(check.stdout) as { runs: { results: unknown[] }[] }).runs[0].results.length > 0, 'findings in SARIF');
  const text = run(['check', 'egress-gateway']);
  assert.equal(text.status, 0, text.stdout + text.stderr);
  for (const format of ['svg', 'mermaid', 'dot']) {
    const map = run(['map', '.', '--format', format]);
    assert.equal(map.status, 0, map.stderr);
    assert.match(map.stdout, { svg: /^<svg/, mermaid: /^flowchart LR/, dot: /^digraph/ }[format]!);
  }
  const generate = run(['generate', '--host', 'api.example.com', '--mode', 'tls-origination']);
  assert.equal(generate.status, 0, generate.stderr);
  assert.match(generate.stdout, /kind: ServiceEntry/);
  const loaded = calls().filter((c) => c.what === 'loaded').length;
  assert.equal(loaded, 6, 'every CLI run had the interceptor');
  assert.deepEqual(refused(), [], 'no connection, process or file write');
});

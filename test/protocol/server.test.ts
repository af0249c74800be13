/**
 * Drives the bundled language server over stdio with a real LSP client: one test per capability,
 * on a scratch workspace written to a temp folder.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CompletionRequest,
  HoverRequest,
  CodeActionRequest,
  FileChangeType,
  type CodeAction,
  type Diagnostic,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, fileUri, type TestClient } from './lsp-client';

const BROKEN_SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: httpbin
spec:
  hosts:
  - httpbin.org
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: DNS
  location: MESH_EXTENAL
`;

const VALID_SE = BROKEN_SE.replace('MESH_EXTENAL', 'MESH_EXTERNAL');
/** A valid ServiceEntry for another host, so that it does not duplicate the others. */
const OTHER_SE = VALID_SE.replace(/httpbin/g, 'postman-echo').replace('postman-echo.org', 'postman-echo.com');
const schemaEnum = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'schema-enum');

let workspace: string;
let client: TestClient;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-protocol-'));
  fs.mkdirSync(path.join(workspace, 'config'));
  fs.writeFileSync(path.join(workspace, 'config', 'broken.yaml'), BROKEN_SE);
  fs.writeFileSync(path.join(workspace, 'config', 'valid.yaml'), OTHER_SE);
  fs.writeFileSync(path.join(workspace, 'config', 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  bogus: [\n');
  fs.mkdirSync(path.join(workspace, 'node_modules', 'pkg'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'node_modules', 'pkg', 'se.yaml'), BROKEN_SE);
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();

test('initialize announces completion, hover and quick fixes', () => {
  const caps = client.initializeResult.capabilities;
  assert.ok(caps.completionProvider, 'completionProvider');
  assert.equal(caps.hoverProvider, true);
  assert.ok(caps.codeActionProvider, 'codeActionProvider');
  assert.equal(client.initializeResult.serverInfo?.name, 'istio-egress');
});

test('a file that was never opened gets diagnostics from the start-up scan', async () => {
  const uri = fileUri(path.join(workspace, 'config', 'broken.yaml'));
  const ds = await client.waitForDiagnostics(uri, (d) => d.length > 0);
  const enumError = ds.find((d) => d.code === 'schema-enum');
  assert.ok(enumError, `schema-enum expected, got ${codes(ds).join(', ')}`);
  assert.equal(enumError.source, 'istio-egress');
  assert.equal(enumError.severity, 1);
  assert.deepEqual(enumError.range.start, { line: 12, character: 12 });
  assert.match((enumError.codeDescription as { href: string }).href, /docs\/diagnostics\.md#schema-enum$/);
  assert.match(enumError.message as string, /MESH_EXTERNAL/);
});

test('valid files, plain Kubernetes YAML and node_modules get no diagnostics', async () => {
  // Diagnostics are published together after the scan; the broken file proves the scan published.
  await client.waitForDiagnostics(fileUri(path.join(workspace, 'config', 'broken.yaml')), (d) => d.length > 0);
  assert.equal(client.diagnostics.get(fileUri(path.join(workspace, 'config', 'valid.yaml')))?.length ?? 0, 0);
  assert.equal(client.diagnostics.get(fileUri(path.join(workspace, 'config', 'deployment.yaml')))?.length ?? 0, 0);
  assert.equal(client.diagnostics.has(fileUri(path.join(workspace, 'node_modules', 'pkg', 'se.yaml'))), false);
});

test('an opened document is checked from its unsaved text', async () => {
  const uri = fileUri(path.join(workspace, 'config', 'valid.yaml'));
  client.open(uri, OTHER_SE.replace('resolution: DNS', 'resolution: DNZ'), 1);
  const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'schema-enum'));
  assert.deepEqual(ds.find((d) => d.code === 'schema-enum')!.range.start, { line: 11, character: 14 });
  client.close(uri);
  // Closing returns to the file on disk, which is valid.
  await client.waitForDiagnostics(uri, (d) => d.length === 0);
});

test('an opened clean Istio file gets an empty list, so the editor knows it was checked; other YAML gets none', async () => {
  const clean = fileUri(path.join(workspace, 'config', 'clean-opened.yaml'));
  const plain = fileUri(path.join(workspace, 'config', 'plain-opened.yaml'));
  client.open(plain, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n', 1);
  client.open(clean, OTHER_SE.replace(/postman-echo/g, 'example'), 1);
  assert.deepEqual(await client.waitForDiagnostics(clean, () => true), []);
  assert.equal(client.diagnostics.has(plain), false);
  client.close(clean);
  client.close(plain);
});

test('a burst of edits ends with the diagnostics of the last text', async () => {
  const uri = fileUri(path.join(workspace, 'config', 'burst.yaml'));
  client.open(uri, VALID_SE, 1);
  await client.waitForDiagnostics(uri, () => true);
  for (let v = 2; v <= 9; v++) client.change(uri, VALID_SE.replace('resolution: DNS', `resolution: DN${'S'.repeat(v % 2)}`), v);
  client.change(uri, VALID_SE.replace('resolution: DNS', 'resolution: DNZ'), 10);
  const ds = await client.waitForDiagnostics(uri, (d) =>
    d.some((x) => x.code === 'schema-enum' && typeof x.message === 'string' && x.message.includes('"DNZ"')),
  );
  assert.equal(ds.filter((d) => d.code === 'schema-enum').length, 1);
  client.close(uri);
});

test('completion after "resolution: " offers exactly the schema values', async () => {
  const uri = 'untitled:completion.yaml';
  const text = VALID_SE.replace('resolution: DNS', 'resolution: ');
  client.open(uri, text);
  const doc = TextDocument.create(uri, 'yaml', 1, text);
  const position = doc.positionAt(text.indexOf('resolution: ') + 'resolution: '.length);
  const result = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  assert.deepEqual(items.map((i) => i.label).sort(), ['DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS', 'NONE', 'STATIC']);
  client.close(uri);
});

test('hover on a name says where other versions of the same object are', async () => {
  const file = path.join(workspace, 'config', 'httpbin-v2.yaml');
  const uri = fileUri(file);
  client.open(uri, VALID_SE);
  const doc = TextDocument.create(uri, 'yaml', 1, VALID_SE);
  const position = doc.positionAt(VALID_SE.indexOf('name: httpbin') + 'name: '.length + 2);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  assert.ok(hover, 'hover expected');
  assert.match(
    (hover.contents as MarkupContent).value,
    /\*\*1 other version\*\* of ServiceEntry default\/httpbin \(same kind, namespace and name\) in `broken\.yaml`/,
  );
  client.close(uri);
});

test('hover on a key shows its description and allowed values', async () => {
  const uri = 'untitled:hover.yaml';
  client.open(uri, VALID_SE);
  const doc = TextDocument.create(uri, 'yaml', 1, VALID_SE);
  const position = doc.positionAt(VALID_SE.indexOf('resolution') + 3);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  assert.ok(hover, 'hover expected');
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /resolution/);
  for (const v of ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']) assert.ok(value.includes(v), `hover lists ${v}`);
  client.close(uri);
});

test('a did-you-mean quick fix, applied, clears the diagnostic', async () => {
  const uri = 'untitled:fix.yaml';
  client.open(uri, BROKEN_SE, 1);
  const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'schema-enum'));
  const diagnostic = ds.find((d) => d.code === 'schema-enum')!;
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ['quickfix'] },
  })) as CodeAction[];
  const fix = actions.find((a) => a.title.includes('MESH_EXTERNAL'));
  assert.ok(fix, `fix expected among ${actions.map((a) => a.title).join(', ')}`);
  const edits = fix.edit!.changes![uri];
  const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, BROKEN_SE), edits);
  assert.equal(fixed, VALID_SE);
  client.change(uri, fixed, 2);
  await client.waitForDiagnostics(uri, (d) => schemaEnum(d).length === 0);
  client.close(uri);
});

test('a file created on disk is picked up through watched-file events', async () => {
  const file = path.join(workspace, 'config', 'new.yaml');
  fs.writeFileSync(file, BROKEN_SE.replace('resolution: DNS', 'resolution: DNZ'));
  client.fileChanged(fileUri(file), FileChangeType.Created);
  const ds = await client.waitForDiagnostics(fileUri(file), (d) => schemaEnum(d).length === 2);
  assert.equal(schemaEnum(ds).length, 2);
  fs.rmSync(file);
  client.fileChanged(fileUri(file), FileChangeType.Deleted);
  await client.waitForDiagnostics(fileUri(file), (d) => d.length === 0);
});

test('hostile input gets diagnostics, and the server keeps answering', async () => {
  const bomb = ['apiVersion: networking.istio.io/v1', 'kind: ServiceEntry', 'metadata: {name: bomb}', 'a: &a [x,x,x,x,x,x,x,x,x,x]'];
  for (let i = 1; i < 8; i++)
    bomb.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill('*' + String.fromCharCode(96 + i))
        .join(',')}]`,
    );
  const cases: Record<string, string> = {
    'untitled:bomb.yaml': bomb.join('\n') + '\n',
    'untitled:helm.yaml': 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: {{ .Values.name }}\n',
    'untitled:broken.yaml': 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nspec:\n  hosts: [a, b\n',
    'untitled:deep.yaml': 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nspec: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n',
  };
  const expected: Record<string, string> = {
    'untitled:bomb.yaml': 'yaml-alias-limit',
    'untitled:helm.yaml': 'helm-template-skipped',
    'untitled:broken.yaml': 'yaml-syntax',
  };
  for (const [uri, text] of Object.entries(cases)) client.open(uri, text);
  for (const [uri, code] of Object.entries(expected)) {
    const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === code), 10000);
    if (code === 'helm-template-skipped') {
      assert.equal(ds.length, 1, 'a template gets one information message and nothing else');
      assert.equal(ds[0].severity, 3);
      assert.deepEqual(ds[0].range.start, { line: 3, character: 8 });
    }
  }
  const uri = 'untitled:after.yaml';
  client.open(uri, BROKEN_SE);
  await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'schema-enum'), 10000);
  for (const uri of [...Object.keys(cases), 'untitled:after.yaml']) client.close(uri);
});

/**
 * Renaming a Kubernetes Service over stdio (test/fixtures/service-rename): prepareRename on a short
 * host, an FQDN and a Sidecar egress entry offers the Service's name, the rename is one WorkspaceEdit
 * over three files that keeps each reference's spelling, names the API server rejects or that are
 * taken are refused with the reason, and the renamed workspace is checked again with no new findings.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrepareRenameRequest, RenameRequest, type Diagnostic, type Position, type WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, fileUri, type TestClient } from './lsp-client';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/service-rename');
const FILES = ['shop/service.yaml', 'shop/routes.yaml', 'front/front.yaml'];

let workspace: string;
let client: TestClient;
const texts = new Map<string, string>();
const uriOf = (f: string) => fileUri(path.join(workspace, f));

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-service-rename-'));
  for (const f of FILES) {
    fs.mkdirSync(path.dirname(path.join(workspace, f)), { recursive: true });
    fs.copyFileSync(path.join(FIXTURE, f), path.join(workspace, f));
    texts.set(f, fs.readFileSync(path.join(FIXTURE, f), 'utf8'));
  }
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

/** The position of the first character of `needle` in a file. */
function at(file: string, needle: string): Position {
  const text = texts.get(file)!;
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return TextDocument.create('file:///x', 'yaml', 1, text).positionAt(i);
}

const codes = (ds: Diagnostic[]) =>
  ds
    .filter((d) => d.severity === 1 || d.severity === 2)
    .map((d) => String(d.code))
    .sort();

test('prepareRename on a short host, an FQDN and a Sidecar entry offers the Service name alone', async () => {
  for (const [file, needle] of [
    ['shop/routes.yaml', 'reviews\n  http'],
    ['front/front.yaml', 'reviews.shop.svc.cluster.local\n  trafficPolicy'],
    ['front/front.yaml', 'shop/reviews.shop.svc.cluster.local'],
  ]) {
    const position = at(file, needle);
    const prepared = (await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: uriOf(file) }, position })) as {
      range: { start: Position; end: Position };
      placeholder: string;
    };
    assert.equal(prepared.placeholder, 'reviews', needle);
    const start = needle.startsWith('shop/') ? position.character + 'shop/'.length : position.character;
    assert.deepEqual(prepared.range, { start: { line: position.line, character: start }, end: { line: position.line, character: start + 7 } }, needle);
  }
});

test('a Service rename refuses a name the API server rejects, and a Service already in the namespace', async () => {
  const params = { textDocument: { uri: uriOf('shop/routes.yaml') }, position: at('shop/routes.yaml', 'reviews\n  http') };
  await assert.rejects(client.connection.sendRequest(RenameRequest.type, { ...params, newName: '9reviews' }), /DNS-1035 label/);
  await assert.rejects(client.connection.sendRequest(RenameRequest.type, { ...params, newName: 'ratings' }), /A Service "ratings" already exists/);
});

test('renaming a Service edits every file in one WorkspaceEdit; applied, the workspace has no new findings', async () => {
  const edit = (await client.connection.sendRequest(RenameRequest.type, {
    textDocument: { uri: uriOf('front/front.yaml') },
    position: at('front/front.yaml', 'shop/reviews.shop.svc.cluster.local'),
    newName: 'critiques',
  })) as WorkspaceEdit;
  assert.deepEqual(Object.keys(edit.changes ?? {}).sort(), FILES.map(uriOf).sort());
  const renamed = new Map(FILES.map((f) => [f, TextDocument.applyEdits(TextDocument.create(uriOf(f), 'yaml', 1, texts.get(f)!), edit.changes![uriOf(f)])]));
  // Short stays short and FQDN stays FQDN; what Istio resolves elsewhere (`reviews` in front, `reviews.shop`) is left alone.
  assert.match(renamed.get('shop/routes.yaml')!, /hosts:\n {2}- critiques\n/);
  assert.match(renamed.get('shop/routes.yaml')!, /host: critiques\.shop\.svc\.cluster\.local\n/);
  assert.match(renamed.get('front/front.yaml')!, /- shop\/critiques\.shop\.svc\.cluster\.local\n/);
  assert.match(renamed.get('front/front.yaml')!, /host: reviews\n {4}mirror:\n {6}host: reviews\.shop\n/);

  // The file of Services alone holds no Istio resource, so it gets no diagnostics; the two others do.
  const checked = ['shop/routes.yaml', 'front/front.yaml'];
  const original = new Map<string, string[]>();
  for (const f of FILES) client.open(uriOf(f), texts.get(f)!, 1);
  for (const f of checked) original.set(f, codes(await client.waitForDiagnostics(uriOf(f), () => client.diagnosticVersions.get(uriOf(f)) === 1)));
  assert.ok(original.get('front/front.yaml')!.includes('vs-unknown-host'), 'the fixture has findings to keep');
  // Half the edit (the Service only) leaves the routes without their host; the whole edit resolves them again.
  client.change(uriOf('shop/service.yaml'), renamed.get('shop/service.yaml')!, 2);
  await client.waitForDiagnostics(uriOf('shop/routes.yaml'), (d) => codes(d).includes('vs-unknown-host'));
  client.change(uriOf('shop/routes.yaml'), renamed.get('shop/routes.yaml')!, 2);
  client.change(uriOf('front/front.yaml'), renamed.get('front/front.yaml')!, 2);
  for (const f of checked) {
    const want = JSON.stringify(original.get(f));
    const now = await client.waitForDiagnostics(uriOf(f), (d) => client.diagnosticVersions.get(uriOf(f)) === 2 && JSON.stringify(codes(d)) === want);
    assert.deepEqual(codes(now), original.get(f), f);
  }
  for (const f of FILES) client.close(uriOf(f));
});

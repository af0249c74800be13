/**
 * The LSP adapters under faults: line breaks as editors count them, related locations capped,
 * diagnostics from an older text or made up by a client get no fix, malformed request parameters
 * and workspace folders that are not on this disk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, ResponseError, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { loadSchemaStore } from '../node/schemas';
import { Checker } from '../check/checker';
import { MAX_RELATED } from '../model';
import { positionAt, offsetAt, toSpan } from './positions';
import { toDiagnostic } from './diagnostics';
import { codeActions } from './code-actions';
import { checkedBundleParams, fileFolders } from './faults';

test('positions break lines at CR, LF and CRLF, as editors and SARIF viewers do', () => {
  const text = 'a: 1\rb: 2\r\nc: 3\nd: 4';
  assert.deepEqual(positionAt(text, text.indexOf('b')), { line: 1, character: 0 });
  assert.deepEqual(positionAt(text, text.indexOf('c')), { line: 2, character: 0 });
  assert.deepEqual(positionAt(text, text.indexOf('d')), { line: 3, character: 0 });
  assert.equal(offsetAt(text, { line: 1, character: 3 }), text.indexOf('2'));
});

test('positions past the end, negative or malformed are clamped, and inverted ranges are read forwards', () => {
  const text = 'a: 1\nb: 2\n';
  assert.equal(offsetAt(text, { line: 99, character: 0 }), text.length);
  assert.equal(offsetAt(text, { line: 0, character: 99 }), 4);
  assert.equal(offsetAt(text, { line: -3, character: -1 }), 0);
  assert.equal(offsetAt(text, { line: null, character: 'x' } as unknown as { line: number; character: number }), 0);
  assert.deepEqual(toSpan(text, { start: { line: 1, character: 2 }, end: { line: 0, character: 1 } }), { start: 1, end: 7 });
  assert.deepEqual(positionAt(text, 1e9), { line: 2, character: 0 });
});

function vs(i: number): string {
  return (
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
    `vs-${i}\nspec:\n  hosts:\n  - api.example.com\n  http:\n  - route:\n    - destination:\n        host: ` +
    'api.example.com\n'
  );
}

test('a host with many VirtualServices gets capped related locations and a short message', () => {
  const index = new WorkspaceIndex();
  const n = MAX_RELATED + 15;
  for (let i = 0; i < n; i++) index.setFile(parseFile(`file:///ws/vs-${i}.yaml`, vs(i)));
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const finding = checker.findings('file:///ws/vs-0.yaml').find((f) => f.code === 'vs-duplicate-mesh-host');
  assert.ok(finding, 'vs-duplicate-mesh-host');
  assert.equal(finding.related?.length, MAX_RELATED);
  assert.equal(finding.relatedNotListed, n - 1 - MAX_RELATED);
  assert.ok(finding.message.length < 600, `message of ${finding.message.length} characters`);
  const d = toDiagnostic(vs(0), finding, (uri) => index.file(uri)?.text);
  assert.equal(d.relatedInformation?.length, MAX_RELATED);
  assert.match(d.message as string, new RegExp(`${n - 1 - MAX_RELATED} more related locations`));
});

const BROKEN_SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'x\nspec:\n  hosts:\n  - api.example.com\n  location: MESH_EXTENAL\n  resolution: DNS\n';

function actionsFor(text: string, diagnostic: (d: Diagnostic) => Diagnostic) {
  const index = new WorkspaceIndex();
  const file = parseFile('file:///ws/se.yaml', text);
  index.setFile(file);
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const findings = checker.findings(file.uri);
  const published = findings.map((f) => toDiagnostic(text, f, () => undefined)).find((d) => d.code === 'schema-enum');
  assert.ok(published, 'schema-enum diagnostic');
  const d = diagnostic(published);
  const params: CodeActionParams = { textDocument: { uri: file.uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } };
  return codeActions(params, file, findings);
}

test('a current diagnostic gets its fix; one whose place or data is stale gets none', () => {
  assert.equal(actionsFor(BROKEN_SE, (d) => d).length, 1);
  // The client still shows a diagnostic from an older text, one line off.
  const moved = actionsFor(BROKEN_SE, (d) => ({
    ...d,
    range: { start: { line: d.range.start.line - 1, character: 2 }, end: { line: d.range.end.line - 1, character: 6 } },
  }));
  assert.deepEqual(moved, []);
  // Data made up by a client, with offsets past the end of the text: the current finding's data is used instead.
  const forged = actionsFor(BROKEN_SE, (d) => ({ ...d, data: { path: ['spec', 'location'], replacement: 'X', start: 99999, end: 100000 } }));
  assert.equal(forged.length, 1);
  const edit = forged[0].edit!.changes!['file:///ws/se.yaml'][0];
  assert.equal(edit.newText, 'MESH_EXTERNAL');
});

test('no fix is offered in a document with duplicate keys, where the fixed copy may not be the one used', () => {
  const text = BROKEN_SE.replace('  resolution: DNS\n', '  resolution: DNS\n  location: MESH_EXTENAL\n');
  const index = new WorkspaceIndex();
  const file = parseFile('file:///ws/se.yaml', text);
  index.setFile(file);
  const findings = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS).findings(file.uri);
  assert.ok(findings.some((f) => f.code === 'yaml-duplicate-key'));
  const diagnostics = findings.map((f) => toDiagnostic(text, f, () => undefined));
  const params: CodeActionParams = {
    textDocument: { uri: file.uri },
    range: { start: { line: 0, character: 0 }, end: { line: 12, character: 0 } },
    context: { diagnostics, only: ['quickfix'] },
  };
  assert.deepEqual(codeActions(params, file, findings), []);
});

test('generateBundle parameters of the wrong shape are InvalidParams errors that name the field', () => {
  const invalid = (p: unknown, field: RegExp) =>
    assert.throws(
      () => checkedBundleParams(p),
      (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.InvalidParams && field.test(e.message),
    );
  invalid(null, /object/);
  invalid([], /object/);
  invalid({ mode: 'http' }, /"host"/);
  invalid({ host: 'a.example.com', mode: 3 }, /"mode"/);
  invalid({ host: 'a.example.com', mode: 'http', port: '80' }, /"port"/);
  invalid({ host: 'a.example.com', mode: 'http', gatewaySelector: { istio: 1 } }, /"gatewaySelector"/);
  invalid({ host: 'a.example.com', mode: 'http', registryOnly: 'yes' }, /"registryOnly"/);
  assert.deepEqual(checkedBundleParams({ host: 'a.example.com', mode: 'http', port: null }), { host: 'a.example.com', mode: 'http' });
});

test('only local, non-root folders are scanned', () => {
  assert.deepEqual(fileFolders(['file:///', 'vscode-vfs://github/o/r', 'vsls:/', 'memfs:/x', 'file:///home/me/repo']), ['/home/me/repo']);
});

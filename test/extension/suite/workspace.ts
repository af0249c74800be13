/**
 * What the extension-host tests share: the extension under test, the files of the scratch
 * workspace, and waiting for diagnostics to change or for the server to have checked a document
 * (with a deadline, never a fixed sleep).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { publisher: string; name: string };
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
export const SOURCE = 'istio-egress';

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

/** A file of the scratch workspace. */
export function workspaceUri(relativePath: string): vscode.Uri {
  const [folder] = vscode.workspace.workspaceFolders ?? [];
  assert.ok(folder, 'no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** Opens a file of the scratch workspace in an editor. */
export async function open(relativePath: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** The range of `value` in the first `key: value` line of the document. */
export function valueRange(doc: vscode.TextDocument, key: string, value: string): vscode.Range {
  const line = new RegExp(`^\\s*-?\\s*${key}: ${value}$`, 'm').exec(doc.getText());
  assert.ok(line, `no "${key}: ${value}" line in ${doc.uri.path}`);
  const end = line.index + line[0].length;
  return new vscode.Range(doc.positionAt(end - value.length), doc.positionAt(end));
}

/** The range of `value` in the first `- value` sequence item of the document. */
export function itemRange(doc: vscode.TextDocument, value: string): vscode.Range {
  const line = new RegExp(`^\\s*- ${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').exec(doc.getText());
  assert.ok(line, `no "- ${value}" item in ${doc.uri.path}`);
  const end = line.index + line[0].length;
  return new vscode.Range(doc.positionAt(end - value.length), doc.positionAt(end));
}

export function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

/** Our diagnostics of a document that touch `range`. */
export function ourDiagnosticsAt(uri: vscode.Uri, range: vscode.Range): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && d.range.intersection(range) !== undefined);
}

/** Our diagnostics of a document with this code. */
export function ourDiagnosticsWithCode(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && codeOf(d) === code);
}

/** Our errors and warnings in a document, one "line:column code message" string each, for assertions. */
export function problemsIn(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === SOURCE && d.severity <= vscode.DiagnosticSeverity.Warning)
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)} ${d.message}`);
}

function listDiagnostics(uri: vscode.Uri): string {
  const ds = vscode.languages.getDiagnostics(uri);
  return ds.length ? ds.map((d) => `\n  ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.source}(${codeOf(d)}) ${d.message}`).join('') : ' none';
}

/**
 * Resolves once `done()` holds for the document's diagnostics: at once if it already does, else on
 * the diagnostics change that makes it hold. Rejects after `timeoutMs`, listing what was there.
 */
export function waitForDiagnostics(uri: vscode.Uri, what: string, done: () => boolean, timeoutMs = 90_000): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} in ${path.basename(uri.path)}; diagnostics:${listDiagnostics(uri)}`));
    }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString()) || !done()) return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
  });
}

export function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/**
 * Resolves once the language server has checked the document's current text. A check that finds
 * nothing may publish nothing, leaving no event to wait for, so this appends a YAML syntax error as
 * a probe, waits for its diagnostic, removes it and waits for the diagnostics that no longer have
 * it: those come from checking the text as it was.
 */
export async function waitForCheck(doc: vscode.TextDocument): Promise<void> {
  assert.ok(!doc.isClosed, `${doc.uri.toString()} is closed: edits to its URI would go to another document`);
  const text = doc.getText();
  const start = doc.positionAt(text.length);
  const onProbe = () => vscode.languages.getDiagnostics(doc.uri).some((d) => d.source === SOURCE && d.range.start.isAfterOrEqual(start));
  const insert = new vscode.WorkspaceEdit();
  insert.insert(doc.uri, start, `${text === '' || text.endsWith('\n') ? '' : '\n'}---\nprobe: [unclosed\n`);
  assert.ok(await vscode.workspace.applyEdit(insert), 'the probe was not inserted');
  await waitForDiagnostics(doc.uri, 'the diagnostic of the probe', onProbe);
  const remove = new vscode.WorkspaceEdit();
  remove.delete(doc.uri, new vscode.Range(start, doc.positionAt(doc.getText().length)));
  assert.ok(await vscode.workspace.applyEdit(remove), 'the probe was not removed');
  assert.equal(doc.getText(), text, 'removing the probe did not restore the text');
  await waitForDiagnostics(doc.uri, 'the diagnostic of the probe to go', () => !onProbe());
}

/**
 * Diagnostics come and go with the text: a valid file gets none, a plain edit clears one mistake and
 * a quick fix another. broken.yaml holds the mistakes; see its opening comment.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, open, ourDiagnosticsAt, SOURCE, valueRange, waitForDiagnostics } from './workspace';

suite('diagnostics', () => {
  test('reports nothing in a valid file, and hovers show field documentation there', async () => {
    const valid = await open('valid.yaml');
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    const broken = vscode.Uri.joinPath(folder.uri, 'broken.yaml');
    // The server checks the whole workspace at start-up: once a closed file's problems are in,
    // it has checked valid.yaml too.
    await waitForDiagnostics(broken, 'the problems of broken.yaml', () => vscode.languages.getDiagnostics(broken).some((d) => d.source === SOURCE));
    // A request answered after that also comes after any diagnostics the server sent for valid.yaml.
    const key = valid.lineAt(valueRange(valid, 'resolution', 'DNS').start.line);
    const onKey = key.range.start.translate(0, key.firstNonWhitespaceCharacterIndex + 1);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', valid.uri, onKey);
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.ok(text.trim().length > 0, 'no hover on "resolution"');
    assert.deepEqual(
      vscode.languages
        .getDiagnostics(valid.uri)
        .filter((d) => d.source === SOURCE)
        .map((d) => d.message),
      [],
    );
  });

  test('reports a wrong enum value and clears it after an edit fixes it', async () => {
    const doc = await open('broken.yaml');
    const dsn = valueRange(doc, 'resolution', 'DSN');
    const typo = valueRange(doc, 'location', 'MESH_EXTENAL');
    await waitForDiagnostics(doc.uri, 'a problem at "DSN"', () => ourDiagnosticsAt(doc.uri, dsn).length > 0);
    assert.deepEqual(ourDiagnosticsAt(doc.uri, dsn).map(codeOf), ['schema-enum']);

    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, dsn, 'DNS');
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
    await waitForDiagnostics(doc.uri, 'the problem at "DSN" to go', () => ourDiagnosticsAt(doc.uri, dsn).length === 0);
    // Only the fixed mistake is gone, not every diagnostic of the file.
    assert.ok(ourDiagnosticsAt(doc.uri, typo).length > 0, 'the other mistake is no longer reported');
  });

  test('offers the did-you-mean quick fix, and applying it clears the problem', async () => {
    const doc = await open('broken.yaml');
    const typo = valueRange(doc, 'location', 'MESH_EXTENAL');
    await waitForDiagnostics(doc.uri, 'a problem at "MESH_EXTENAL"', () => ourDiagnosticsAt(doc.uri, typo).length > 0);
    const [problem] = ourDiagnosticsAt(doc.uri, typo);

    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      problem.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a): a is vscode.CodeAction => a.title === 'Change to "MESH_EXTERNAL"' && 'edit' in a);
    assert.ok(fix?.edit, `no "Change to "MESH_EXTERNAL"" fix; offered: ${actions.map((a) => a.title).join(', ')}`);

    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the fix was not applied');
    assert.match(doc.lineAt(typo.start.line).text, /^\s*location: MESH_EXTERNAL$/);
    await waitForDiagnostics(doc.uri, 'the problem at "MESH_EXTENAL" to go', () => ourDiagnosticsAt(doc.uri, typo).length === 0);
  });
});

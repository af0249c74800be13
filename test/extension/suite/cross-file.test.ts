/**
 * A diagnostic that depends on another file: egress/routes.yaml names the Gateway of
 * egress/gateway.yaml without its namespace. The quick fix corrects the reference; deleting the
 * Gateway's file (a watched-file event, as the file is not open) makes the reference unknown
 * again, and creating the file again resolves it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { itemRange, open, ourDiagnosticsWithCode, waitForDiagnostics, workspaceUri } from './workspace';

const CODE = 'vs-unknown-gateway';
const GATEWAY = 'httpbin-egress-gateway';

suite('cross-file', () => {
  test('vs-unknown-gateway follows the Gateway in another file: quick fix, file deleted, file created', async () => {
    const routes = await open('egress/routes.yaml');
    const gatewayFile = workspaceUri('egress/gateway.yaml');
    const unknown = () => ourDiagnosticsWithCode(routes.uri, CODE);
    const unknownAt = (range: vscode.Range) => unknown().filter((d) => d.range.intersection(range));

    const ref = itemRange(routes, GATEWAY);
    await waitForDiagnostics(routes.uri, `${CODE} at "${GATEWAY}"`, () => unknownAt(ref).length > 0);
    const [problem] = unknownAt(ref);
    assert.equal(unknown().length, 1, 'only the reference without a namespace is unknown');
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.match(problem.message, /No Gateway "httpbin-egress-gateway" in namespace "shop"; it exists in "istio-system"/);

    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      routes.uri,
      problem.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const title = `Change to "istio-system/${GATEWAY}"`;
    const fix = actions.find((a): a is vscode.CodeAction => a.title === title && 'edit' in a);
    assert.ok(fix?.edit, `no ${title} fix; offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the fix was not applied');
    assert.match(routes.lineAt(ref.start.line).text, /^ {2}- istio-system\/httpbin-egress-gateway$/);
    await waitForDiagnostics(routes.uri, `${CODE} to go after the fix`, () => unknown().length === 0);

    // The Gateway's file is not open, so only the file watcher tells the server it is gone.
    const gatewayYaml = await vscode.workspace.fs.readFile(gatewayFile);
    await vscode.workspace.fs.delete(gatewayFile);
    const fixedRef = routes.lineAt(ref.start.line).range;
    await waitForDiagnostics(routes.uri, `${CODE} once gateway.yaml is deleted`, () => unknownAt(fixedRef).length > 0);
    assert.match(unknownAt(fixedRef)[0].message, /No Gateway "httpbin-egress-gateway" in namespace "istio-system"/);

    await vscode.workspace.fs.writeFile(gatewayFile, gatewayYaml);
    await waitForDiagnostics(routes.uri, `${CODE} to go once gateway.yaml is back`, () => unknown().length === 0);
  });
});

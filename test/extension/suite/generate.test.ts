/**
 * "Istio Egress: Generate Egress Bundle…" called with every answer as an argument, so it asks
 * nothing: into an untitled document, into a new workspace file (never over an existing one), and
 * appended to a file by the "Route through the egress gateway…" code action on a ServiceEntry.
 * Each bundle must be clean once the language server has checked it. The prompts themselves are
 * covered by the UI suite (test/e2e/editor.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { itemRange, open, problemsIn, waitForCheck, workspaceUri } from './workspace';

const COMMAND = 'istioEgress.generateBundle';

/** Answers to every question the command would ask, except the host and where to write. */
const ANSWERS = { mode: 'http', port: 80, namespace: 'default', gatewayNamespace: 'istio-system', apiVersion: 'v1', registryOnly: false, networkPolicy: false };

/** The `kind`s of a multi-document YAML text, in order. */
function kindsIn(text: string): string[] {
  return [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
}

suite('generate bundle', () => {
  teardown(async () => {
    // An untitled bundle stays in the server's index while it is open; none of it should reach the next test.
    for (const editor of vscode.window.visibleTextEditors) {
      if (!editor.document.isUntitled) continue;
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  test('with every argument, opens the bundle in an untitled YAML document that has no problems', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument | undefined>(COMMAND, { host: 'api.example.com', ...ANSWERS, target: 'untitled' });
    assert.ok(doc, 'the command resolved to no document');
    assert.ok(doc.isUntitled, `${doc.uri.toString()} is not untitled`);
    assert.equal(doc.languageId, 'yaml');
    assert.equal(vscode.window.activeTextEditor?.document, doc, 'the bundle is not in the active editor');
    const text = doc.getText();
    assert.deepEqual(kindsIn(text), ['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']);
    assert.match(text, /^  - api\.example\.com$/m);

    await waitForCheck(doc);
    assert.deepEqual(problemsIn(doc.uri), []);
  });

  test('writes a new workspace file, and refuses to overwrite it', async () => {
    const file = 'generated/files-example-com.yaml';
    const uri = workspaceUri(file);
    const args = { host: 'files.example.com', ...ANSWERS, target: 'file', file };

    const result = await vscode.commands.executeCommand<vscode.TextDocument | undefined>(COMMAND, args);
    assert.equal(result?.uri.toString(), uri.toString(), 'the command resolved to another document');
    // Saving the new file can make VS Code close its document and open it again for the editor,
    // so the object the command resolved to may be closed: check the one open now.
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(vscode.window.activeTextEditor?.document, doc, 'the new file is not in the active editor');
    assert.ok(!doc.isDirty, 'the new file was not saved');
    const written = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.deepEqual(kindsIn(written), ['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']);
    assert.match(written, /^  - files\.example\.com$/m);
    await waitForCheck(doc);
    assert.deepEqual(problemsIn(uri), []);

    // The second run finds the file there and writes nothing, on disk or in the editor.
    const onDisk = await vscode.workspace.fs.readFile(uri);
    const inEditor = doc.getText();
    const again = await vscode.commands.executeCommand<vscode.TextDocument | undefined>(COMMAND, { ...args, host: 'other.example.com' });
    assert.equal(again, undefined, 'the command wrote over an existing file');
    assert.deepEqual(await vscode.workspace.fs.readFile(uri), onDisk, 'the file on disk changed');
    assert.equal(doc.getText(), inEditor, 'the document changed');
  });

  test('"Route through the egress gateway…" on a ServiceEntry appends the Gateway, DestinationRule and VirtualService', async () => {
    const doc = await open('egress/partner-api.yaml');
    const before = doc.getText();
    assert.deepEqual(kindsIn(before), ['ServiceEntry']);
    // Any position inside the ServiceEntry will do: here its host.
    const host = itemRange(doc, 'partner.example.com');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      host,
      vscode.CodeActionKind.RefactorRewrite.value,
    );
    const route = actions.find((a) => a.title === 'Route through the egress gateway…');
    assert.ok(route, `no "Route through the egress gateway…" action; offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(route.kind?.value, vscode.CodeActionKind.RefactorRewrite.value);
    assert.ok(route.command, 'the action has no command');
    assert.equal(route.command.command, COMMAND);

    // The action fixes the host, mode, port, namespace and target, and leaves the gateway and the
    // extras to ask. An extension-host test cannot see a quick pick appear, so it gives those
    // answers as arguments; the UI suite answers such prompts with the keyboard.
    const [args] = (route.command.arguments ?? []) as Record<string, unknown>[];
    assert.deepEqual(
      {
        host: args?.host,
        mode: args?.mode,
        port: args?.port,
        namespace: args?.namespace,
        target: args?.target,
        uri: args?.uri,
        withoutServiceEntry: args?.withoutServiceEntry,
      },
      { host: 'partner.example.com', mode: 'http', port: 80, namespace: 'shop', target: 'append', uri: doc.uri.toString(), withoutServiceEntry: true },
    );
    const result = await vscode.commands.executeCommand<vscode.TextDocument | undefined>(route.command.command, {
      ...args,
      gatewayNamespace: 'istio-system',
      registryOnly: false,
      networkPolicy: false,
    });
    assert.equal(result?.uri.toString(), doc.uri.toString(), 'the bundle went to another document');
    const text = doc.getText();
    assert.ok(text.startsWith(before), 'the ServiceEntry was changed, not appended to');
    assert.deepEqual(kindsIn(text), ['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']);
    assert.match(text.slice(before.length), /^  - partner\.example\.com$/m);

    await waitForCheck(doc);
    assert.deepEqual(problemsIn(doc.uri), []);
  });
});

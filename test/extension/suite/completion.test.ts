/**
 * Completion as the editor asks for it: the server's enum values at a value position, and the
 * egress snippets only where a document can start; the manifest contributes them without prefixes,
 * for "Insert Snippet" only.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension, labelOf, open, valueRange } from './workspace';

async function completionsAt(uri: vscode.Uri, position: vscode.Position): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
  return list.items;
}

/** The `prefix`es of a snippet file; VS Code's format allows one prefix or several per snippet. */
function prefixesIn(file: string): string[] {
  const snippets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { prefix: string | string[] }>;
  return Object.values(snippets).flatMap((s) => s.prefix);
}

suite('completion', () => {
  test('offers exactly the resolution values after "resolution: "', async () => {
    const doc = await open('draft.yaml');
    const location = valueRange(doc, 'location', 'MESH_EXTERNAL');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, location.end, '\n  resolution: ');
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');

    const line = doc.lineAt(location.end.line + 1);
    const items = await completionsAt(doc.uri, line.range.end);
    // The values and nothing else: no snippet crowds the list inside a resource.
    assert.deepEqual(items.map(labelOf).sort(), ['DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS', 'NONE', 'STATIC']);
  });

  test('offers every egress snippet by its prefix where a document can start', async () => {
    const prefixes = prefixesIn(path.join(extension().extensionPath, 'snippets', 'egress.code-snippets'));
    assert.ok(prefixes.length > 0, 'snippets/egress.code-snippets holds no snippets');
    const doc = await open('snippets.yaml');
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    const offered = new Set((await completionsAt(doc.uri, end)).filter((i) => i.kind === vscode.CompletionItemKind.Snippet).map(labelOf));
    assert.deepEqual(
      prefixes.filter((p) => !offered.has(p)),
      [],
      'snippet prefixes missing from completion',
    );
  });

  test('contributes the same snippets without prefixes, so that VS Code lists them under Insert Snippet only', () => {
    const ext = extension();
    const contributions: { language: string; path: string }[] = (ext.packageJSON.contributes?.snippets ?? []).filter(
      (s: { language: string }) => s.language === 'yaml',
    );
    assert.equal(contributions.length, 1, 'package.json should contribute one snippet file for yaml');
    const file = path.join(ext.extensionPath, contributions[0].path);
    assert.ok(fs.existsSync(file), `the contributed snippet file ${contributions[0].path} does not exist`);
    type Snippets = Record<string, { prefix?: unknown; body: unknown }>;
    const contributed = JSON.parse(fs.readFileSync(file, 'utf8')) as Snippets;
    const source = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'snippets', 'egress.code-snippets'), 'utf8')) as Snippets;
    assert.deepEqual(Object.keys(contributed), Object.keys(source));
    for (const [name, s] of Object.entries(contributed)) {
      assert.equal(s.prefix, undefined, `${name} has a prefix: VS Code would offer it in every completion list`);
      assert.deepEqual(s.body, source[name].body);
    }
  });
});

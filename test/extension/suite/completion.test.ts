/**
 * Completion as the editor asks for it: the server's enum values at a value position, and the
 * snippets the manifest contributes for YAML.
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
    // Snippets are offered everywhere in YAML; the server's own items are what this checks.
    const values = items
      .filter((i) => i.kind !== vscode.CompletionItemKind.Snippet)
      .map(labelOf)
      .sort();
    assert.deepEqual(values, ['DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS', 'NONE', 'STATIC']);
  });

  test('offers every contributed YAML snippet by its prefix', async () => {
    const ext = extension();
    const contributions: { language: string; path: string }[] = (ext.packageJSON.contributes?.snippets ?? []).filter(
      (s: { language: string }) => s.language === 'yaml',
    );
    assert.ok(contributions.length > 0, 'package.json contributes no snippets for yaml');
    const prefixes: string[] = [];
    for (const c of contributions) {
      const file = path.join(ext.extensionPath, c.path);
      assert.ok(fs.existsSync(file), `the contributed snippet file ${c.path} does not exist`);
      prefixes.push(...prefixesIn(file));
    }

    const doc = await open('snippets.yaml');
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    const offered = new Set((await completionsAt(doc.uri, end)).filter((i) => i.kind === vscode.CompletionItemKind.Snippet).map(labelOf));
    assert.deepEqual(
      prefixes.filter((p) => !offered.has(p)),
      [],
      'snippet prefixes missing from completion',
    );
  });
});

/**
 * The egress snippets in completion, offered only where a YAML document can start: on a line that
 * holds nothing but the word being typed, in a document (between `---` separators) that holds
 * nothing else but comments. Elsewhere they would crowd the list after `resolution: ` and the like.
 * The manifest contributes the same snippets without prefixes (built into dist/), which VS Code
 * lists under "Insert Snippet" but never in completion.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';

interface SnippetDefinition {
  prefix: string | string[];
  description?: string;
  body: string | string[];
}

const EMPTY_OR_COMMENT = /^\s*(#.*)?$/;
const SEPARATOR = /^---(\s.*)?$/;

/** Whether a document can start at `position`: the line holds only the word before the cursor, and its document nothing but comments. */
function atDocumentRoot(lineAt: (line: number) => string, lineCount: number, line: number, character: number): boolean {
  const current = lineAt(line);
  if (!/^[\w-]*$/.test(current.slice(0, character)) || current.slice(character).trim() !== '') return false;
  // Stops at the first line that is neither empty nor a comment, so a long file costs only its current document.
  for (let i = line - 1; i >= 0 && !SEPARATOR.test(lineAt(i)); i--) if (!EMPTY_OR_COMMENT.test(lineAt(i))) return false;
  for (let i = line + 1; i < lineCount && !SEPARATOR.test(lineAt(i)); i++) if (!EMPTY_OR_COMMENT.test(lineAt(i))) return false;
  return true;
}

export function snippetCompletionProvider(snippetsFile: string): vscode.CompletionItemProvider {
  const snippets = Object.entries(JSON.parse(fs.readFileSync(snippetsFile, 'utf8')) as Record<string, SnippetDefinition>);
  return {
    provideCompletionItems(document, position) {
      if (!atDocumentRoot((i) => document.lineAt(i).text, document.lineCount, position.line, position.character)) return [];
      const range = new vscode.Range(position.line, 0, position.line, position.character);
      return snippets.flatMap(([name, s]) =>
        [s.prefix].flat().map((prefix) => {
          const item = new vscode.CompletionItem({ label: prefix, description: name }, vscode.CompletionItemKind.Snippet);
          item.insertText = new vscode.SnippetString([s.body].flat().join('\n'));
          item.documentation = new vscode.MarkdownString(s.description ?? '');
          item.detail = name;
          item.range = range;
          return item;
        }),
      );
    },
  };
}

/**
 * Completion and hover as LSP: the schema core's candidates, with offsets turned into ranges.
 */
import { CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind, type CompletionItem, type Hover } from 'vscode-languageserver';
import type { ParsedFile } from '../parse/parse';
import type { SchemaStore } from '../schema/catalogue';
import { complete, type CompletionCandidate } from '../schema/completion';
import { hover as hoverAt } from '../schema/hover';
import { toRange } from './positions';
import type { WorkspaceIndex } from '../index/workspace-index';
import { otherVersionsNote } from '../index/versions';
import { spanAtPath } from '../parse/yaml-path';

const KIND: Record<CompletionCandidate['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  resource: CompletionItemKind.Module,
};

export function completionItems(file: ParsedFile, offset: number, store: SchemaStore): CompletionItem[] {
  return complete(file, offset, store).map((c) => {
    const item: CompletionItem = {
      label: c.label,
      kind: KIND[c.kind] ?? CompletionItemKind.Text,
      detail: c.detail,
      insertTextFormat: c.insertTextFormat === 'snippet' ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      sortText: c.sortText,
      filterText: c.filterText,
      preselect: c.preselect,
    };
    if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
    if (c.deprecated) item.tags = [CompletionItemTag.Deprecated];
    if (c.replace) item.textEdit = { range: toRange(file.text, c.replace), newText: c.insertText };
    else item.insertText = c.insertText;
    return item;
  });
}

export function hoverInfo(file: ParsedFile, offset: number, store: SchemaStore, index?: WorkspaceIndex): Hover | null {
  const h = hoverAt(file, offset, store);
  const versions = index && versionsHover(file, offset, index);
  if (!h && !versions) return null;
  const value = [h?.contents, versions?.contents].filter(Boolean).join('\n\n---\n\n');
  return { contents: { kind: MarkupKind.Markdown, value }, range: toRange(file.text, h ?? versions!) };
}

/** Over a resource's `metadata.name`: the other documents that define the same object, if any. */
function versionsHover(file: ParsedFile, offset: number, index: WorkspaceIndex): { contents: string; start: number; end: number } | undefined {
  const doc = file.documents.find((d) => d.start <= offset && offset <= d.end);
  const r = doc?.resource;
  const span = r && spanAtPath(doc.ast, ['metadata', 'name']);
  if (!r || !span || offset < span.start || offset > span.end) return undefined;
  const note = otherVersionsNote(r, index.find(r.group, r.kind, r.namespace, r.name));
  return note ? { contents: note, ...span } : undefined;
}

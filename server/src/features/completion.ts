/**
 * Completion and hover as LSP: the schema core's candidates, with offsets turned into ranges.
 */
import { CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind, type CompletionItem, type Hover } from 'vscode-languageserver';
import type { ParsedFile } from '../parse/parse';
import type { SchemaStore } from '../schema/catalogue';
import { complete, type CompletionCandidate } from '../schema/completion';
import { hover as hoverAt } from '../schema/hover';
import { toRange } from './positions';

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

export function hoverInfo(file: ParsedFile, offset: number, store: SchemaStore): Hover | null {
  const h = hoverAt(file, offset, store);
  if (!h) return null;
  return { contents: { kind: MarkupKind.Markdown, value: h.contents }, range: toRange(file.text, h) };
}

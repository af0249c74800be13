/**
 * Completion and hover as LSP: the workspace's names (navigation core) and the schema core's
 * candidates, with offsets turned into ranges. A hover on a reference shows what it resolves to
 * above the field's schema text.
 */
import { CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind, type CompletionItem, type Hover } from 'vscode-languageserver';
import type { ParsedFile } from '../parse/parse';
import type { SchemaStore } from '../schema/catalogue';
import { complete, type CompletionCandidate } from '../schema/completion';
import { hover as hoverAt } from '../schema/hover';
import { toRange } from './positions';
import { workspaceCompletions } from '../navigation/completion';
import { siteAtOffset } from '../navigation/references';
import { siteHover } from '../navigation/hover';
import type { Navigation } from './navigation';
import type { IndexReader } from '../index/workspace-index';
import { otherVersionsNote } from '../index/versions';
import { spanAtPath } from '../parse/yaml-path';

const KIND: Record<CompletionCandidate['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  resource: CompletionItemKind.Module,
};

export function completionItems(file: ParsedFile, offset: number, store: SchemaStore, nav: Navigation): CompletionItem[] {
  const names = workspaceCompletions(file, offset, nav);
  const taken = new Set(names.map((c) => c.label));
  return [...names, ...complete(file, offset, store).filter((c) => !taken.has(c.label))].map((c) => {
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

export function hoverInfo(file: ParsedFile, offset: number, store: SchemaStore, nav: Navigation): Hover | null {
  const h = hoverAt(file, offset, store);
  const site = siteAtOffset(file, offset, nav);
  const ref = site && !site.declaration ? siteHover(site, nav, nav.textOf) : undefined;
  const versions = versionsHover(file, offset, nav.index);
  const parts = [ref?.contents, h?.contents, versions?.contents].filter((x): x is string => !!x);
  const span = ref ?? h ?? versions;
  if (!span || parts.length === 0) return null;
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: toRange(file.text, span) };
}

/** Over a resource's `metadata.name`: the other documents that define the same object, if any. */
function versionsHover(file: ParsedFile, offset: number, index: IndexReader): { contents: string; start: number; end: number } | undefined {
  const doc = file.documents.find((d) => d.start <= offset && offset <= d.end);
  const r = doc?.resource;
  const span = r && spanAtPath(doc.ast, ['metadata', 'name']);
  if (!r || !span || offset < span.start || offset > span.end) return undefined;
  const note = otherVersionsNote(r, index.find(r.group, r.kind, r.namespace, r.name));
  return note ? { contents: note, ...span } : undefined;
}

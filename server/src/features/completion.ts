/**
 * Completion and hover as LSP: the workspace's names (navigation core) and the schema core's
 * candidates, with offsets turned into ranges. A hover on a reference shows what it resolves to
 * above the field's schema text.
 */
import { CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind, type CompletionItem, type Hover } from 'vscode-languageserver';
import { parseFileParts, type ParsedFile } from '../parse/parse';
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
  // While the workspace is being indexed, what a reference names may be in a file not read yet.
  const indexing = ref?.unresolved && nav.indexing ? '_The workspace is still being indexed: it may be defined in a file not read yet._' : undefined;
  const parts = [ref?.contents, indexing, h?.contents, versions?.contents].filter((x): x is string => !!x);
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

/** A small file for `warmUpRequests`: a ServiceEntry and a VirtualService routing to it. */
const WARM_UP_TEXT = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: warm-up
spec:
  hosts:
  - warm-up.example.com
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: warm-up
spec:
  hosts:
  - warm-up.example.com
  tls:
  - match:
    - sniHosts:
      - warm-up.example.com
    route:
    - destination:
        host: warm-up.example.com
`;

/**
 * Asks for completion and hover at a few places of a small file of its own, and drops the answers, while `initialize`
 * is answered, before the editor can ask anything: V8 compiles a function on its first call, and the first completion
 * or hover (the parser's, the syntax trees', the schemas' and navigation's code) took tens of milliseconds in one piece
 * while the start-up scan ran. Nothing is kept but compiled code and the schemas the store loaded; it never throws.
 */
export function warmUpRequests(store: SchemaStore, nav: Navigation): void {
  try {
    const file = parseFileParts('untitled:warm-up.yaml', WARM_UP_TEXT, { trees: false }).file;
    // A value of the schema, a key, a host in the hosts list and a reference to it.
    for (const needle of ['resolution: ', 'protocol: ', '  - warm-up', 'host: warm-up']) {
      const at = WARM_UP_TEXT.indexOf(needle);
      completionItems(file, at + needle.length, store, nav);
      hoverInfo(file, at + needle.length - 1, store, nav);
      hoverInfo(file, at + 3, store, nav);
    }
  } catch {
    // Only time is at stake: the first real request compiles what this did not.
  }
}

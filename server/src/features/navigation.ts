/**
 * Definition, references, rename, document and workspace symbols as LSP: the navigation core's
 * answers with offsets turned into ranges. Refusals (a rename Istio would reject) become errors
 * whose message the editor shows.
 */
import {
  ErrorCodes,
  ResponseError,
  SymbolKind,
  type DocumentSymbol,
  type Location,
  type Range,
  type SymbolInformation,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Span } from '../model';
import type { ParsedFile } from '../parse/parse';
import { referencesOf, siteAtOffset, targetsOf, type NavigationContext, type Site } from '../navigation/references';
import { prepareRename as prepare, rename as renameCore } from '../navigation/rename';
import { documentSymbols, workspaceSymbols, type OutlineSymbol } from '../navigation/symbols';
import { toRange } from './positions';

/** What the navigation features need: the core's context and the current text of any indexed file. */
export interface Navigation extends NavigationContext {
  textOf: (uri: string) => string | undefined;
  /** Whether the workspace is still being indexed (the start-up scan): a name not found may be in a file not read yet. */
  indexing?: boolean;
}

/** Why a rename is refused while the workspace is being indexed. */
const RENAME_WHILE_INDEXING =
  'The workspace is still being indexed: a rename now could miss references in files not read yet. Try again when indexing is done.';

function location(nav: Navigation, uri: string, span: Span): Location | undefined {
  const text = nav.textOf(uri);
  return text === undefined ? undefined : { uri, range: toRange(text, span) };
}

export function definition(file: ParsedFile, offset: number, nav: Navigation): Location[] {
  const site = siteAtOffset(file, offset, nav);
  if (!site) return [];
  return targetsOf(site, nav).flatMap((t) => location(nav, t.resource.uri, t.span) ?? []);
}

export function references(file: ParsedFile, offset: number, includeDeclaration: boolean, nav: Navigation): Location[] {
  const site = siteAtOffset(file, offset, nav);
  if (!site) return [];
  return referencesOf(site, nav)
    .filter((s) => includeDeclaration || !s.declaration)
    .flatMap((s) => location(nav, s.resource.uri, s.span) ?? []);
}

/** The site a rename at `offset` would rename; refused while the workspace is being indexed. */
function renameSite(file: ParsedFile, offset: number, nav: Navigation): Site | undefined {
  const site = siteAtOffset(file, offset, nav);
  if (site && nav.indexing) throw new ResponseError(ErrorCodes.InvalidRequest, RENAME_WHILE_INDEXING);
  return site;
}

export function prepareRename(file: ParsedFile, offset: number, nav: Navigation): { range: Range; placeholder: string } | null {
  const site = renameSite(file, offset, nav);
  if (!site) return null;
  const result = prepare(site, nav);
  if ('error' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
  return { range: toRange(file.text, result.span), placeholder: result.placeholder };
}

export function rename(file: ParsedFile, offset: number, newName: string, nav: Navigation): WorkspaceEdit | null {
  const site = renameSite(file, offset, nav);
  if (!site) return null;
  const result = renameCore(site, newName, nav);
  if ('error' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
  const changes: Record<string, TextEdit[]> = {};
  for (const [uri, edits] of result.changes) {
    const text = nav.textOf(uri);
    if (text !== undefined) changes[uri] = edits.map((e) => ({ range: toRange(text, e), newText: e.newText }));
  }
  return { changes };
}

const KIND: Record<OutlineSymbol['kind'], SymbolKind> = {
  resource: SymbolKind.Class,
  server: SymbolKind.Interface,
  route: SymbolKind.Function,
  subset: SymbolKind.EnumMember,
  port: SymbolKind.Field,
  listener: SymbolKind.Interface,
};

function toDocumentSymbol(text: string, s: OutlineSymbol): DocumentSymbol {
  const range = toRange(text, s.span);
  const selection = toRange(text, s.selection);
  return { name: s.name, detail: s.detail, kind: KIND[s.kind], range, selectionRange: selection, children: s.children.map((c) => toDocumentSymbol(text, c)) };
}

export function documentSymbolsOf(file: ParsedFile): DocumentSymbol[] {
  return documentSymbols(file).map((s) => toDocumentSymbol(file.text, s));
}

export function workspaceSymbolsOf(files: Iterable<ParsedFile>, query: string): SymbolInformation[] {
  const list = [...files];
  const texts = new Map(list.map((f) => [f.uri, f.text]));
  return workspaceSymbols(list, query).flatMap((s) => {
    const text = texts.get(s.uri);
    return text === undefined
      ? []
      : [{ name: s.name, kind: SymbolKind.Class, location: { uri: s.uri, range: toRange(text, s.span) }, containerName: s.container }];
  });
}

/**
 * Offsets to LSP positions and back. The core works in character (UTF-16) offsets; only features/
 * (and the CLI's output) convert, through vscode-languageserver-textdocument's `TextDocument`, which
 * breaks lines at CR, LF and CRLF as editors and SARIF viewers do.
 */
import type { Position, Range, TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../model';

/**
 * The few texts converted most recently. Diagnostics, related locations and fixes convert many
 * offsets of the same text in a row; a small fixed bound keeps memory flat while a large file is
 * edited one character at a time (every version is a new text).
 */
const recent: TextDocument[] = [];
const RECENT_TEXTS = 4;

/** A TextDocument for `text`, for line and character conversions. */
function documentOf(text: string): TextDocument {
  const hit = recent.findIndex((d) => d.getText() === text);
  if (hit >= 0) {
    const doc = recent[hit];
    if (hit > 0) recent.unshift(...recent.splice(hit, 1));
    return doc;
  }
  const doc = TextDocument.create('', 'yaml', 0, text);
  recent.unshift(doc);
  if (recent.length > RECENT_TEXTS) recent.pop();
  return doc;
}

export function positionAt(text: string, offset: number): Position {
  return documentOf(text).positionAt(offset);
}

/** A position from the client, made safe: missing or non-integer lines and characters count as 0. */
function sane(position: Position | undefined): Position {
  const int = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : 0);
  return { line: int(position?.line), character: int(position?.character) };
}

export function offsetAt(text: string, position: Position): number {
  return documentOf(text).offsetAt(sane(position));
}

export function toRange(text: string, span: Span): Range {
  const doc = documentOf(text);
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

export function toSpan(text: string, range: Range): Span {
  const doc = documentOf(text);
  const start = doc.offsetAt(sane(range?.start));
  const end = doc.offsetAt(sane(range?.end));
  // An inverted range from the client is read as the text between its ends.
  return start <= end ? { start, end } : { start: end, end: start };
}

/**
 * How the server's open documents are made and take changes. A document opened with the text the
 * index already holds for its file (an editor opening a file from disk, restoring its tabs) keeps
 * the index's copy of that text rather than a second one. Changes are applied like
 * `TextDocument.update`, with each change's range first clamped to the document:
 * `TextDocument.update` replaces the right text for a range past the end, but records line starts
 * at the unclamped line numbers, so every later position in that document would be wrong.
 */
export const openDocuments = (indexedText: (uri: string) => string | undefined): TextDocumentsConfiguration<TextDocument> => ({
  create: (uri, languageId, version, content) => {
    const indexed = indexedText(uri);
    return TextDocument.create(uri, languageId, version, indexed === content ? indexed : content);
  },
  update: (document, changes, version) => {
    for (const change of changes) TextDocument.update(document, [clampChange(document, change)], version);
    return document;
  },
});

function clampChange(document: TextDocument, change: TextDocumentContentChangeEvent): TextDocumentContentChangeEvent {
  if (!('range' in change) || !change.range) return change;
  const start = document.offsetAt(sane(change.range.start));
  const end = document.offsetAt(sane(change.range.end));
  const range = { start: document.positionAt(Math.min(start, end)), end: document.positionAt(Math.max(start, end)) };
  return { range, text: change.text };
}

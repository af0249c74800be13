/**
 * Where a document's `metadata.name` is: the place most related locations point to (the ServiceEntry
 * or Gateway a finding names). A file parsed on a worker thread has its trees dropped (see
 * parsed-record.ts), and reading one location from a tree parses the document again; the worker
 * records this span for each resource instead, so that naming a resource parses nothing.
 */
import type { Span } from '../model';
import type { ParsedDocument } from './parse';
import { spanAtPath } from './yaml-path';

/** The recorded spans; null when the document has none (`spanAtPath` finds nothing). */
const recorded = new WeakMap<ParsedDocument, Span | null>();

/** The span of `metadata.name` in a syntax tree, as `nameSpanOf` answers it. */
export function nameSpanIn(document: ParsedDocument): Span | null {
  return spanAtPath(document.ast, ['metadata', 'name']) ?? null;
}

/** Notes the span `nameSpanIn` gave for a document before its tree was dropped. */
export function recordNameSpan(document: ParsedDocument, span: Span | null): void {
  recorded.set(document, span);
}

/** `spanAtPath(document.ast, ['metadata', 'name'])`, without parsing the document again when its span was recorded. */
export function nameSpanOf(document: ParsedDocument): Span | undefined {
  const known = recorded.get(document);
  if (known !== undefined) return known ?? undefined;
  return spanAtPath(document.ast, ['metadata', 'name']);
}

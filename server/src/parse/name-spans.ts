/**
 * Where a document's `metadata.name` is: the place most related locations point to (the ServiceEntry
 * or Gateway a finding names). A file parsed on a worker thread has its trees dropped (see
 * parsed-record.ts), and reading one location from a tree parses the document again; the worker
 * records this span for each resource instead, so that naming a resource parses nothing.
 */
import type { Span } from '../model';
import type { ParsedDocument } from './parse';
import { spanAtPath } from './yaml-path';

/**
 * A document with its recorded span; null when it has none (`spanAtPath` finds nothing). Kept on the
 * document itself: a WeakMap of every document of the workspace costs more to fill and to collect.
 */
type NamedDocument = ParsedDocument & { nameSpan?: Span | null };

/** Notes where a document's `metadata.name` is (`spanAtPath` of its tree, null for nowhere) before its tree is dropped. */
export function recordNameSpan(document: ParsedDocument, span: Span | null): void {
  (document as NamedDocument).nameSpan = span;
}

/** The span recorded for a document: null when it has no name, undefined when none was recorded. */
export function recordedNameSpan(document: ParsedDocument): Span | null | undefined {
  return (document as NamedDocument).nameSpan;
}

/** `spanAtPath(document.ast, ['metadata', 'name'])`, without parsing the document again when its span was recorded. */
export function nameSpanOf(document: ParsedDocument): Span | undefined {
  const known = (document as NamedDocument).nameSpan;
  if (known !== undefined) return known ?? undefined;
  return spanAtPath(document.ast, ['metadata', 'name']);
}

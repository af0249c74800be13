/**
 * A parsed file as plain data that can cross to another thread (structured clone): what `parseFile`
 * gives without the syntax trees, the resources' back-pointers and anything else derived cheaply.
 * A worker thread parses a file into a record; the main thread rebuilds from it a `ParsedFile` equal
 * to what `parseFile` would give, whose trees start dropped and are parsed again when read (see
 * syntax-trees.ts). It owns that conversion, not the threads (see node/parse-pool.ts).
 */
import type { Finding, Span } from '../model';
import { parsedDocument, parseFile, parseFileParts, syntaxTreesOf, type ParsedDocument, type ParsedFile } from './parse';
import { toResource, type Resource } from './resource';
import { isKustomizationUri, kustomizationOf } from './kustomization';
import { recordedNameSpan, recordNameSpan } from './name-spans';

/** A schema finding of a document, its offsets relative to the document's start (as check/kept-findings.ts keeps them). */
type DocumentSchemaFinding = Omit<Finding, 'related'>;

export interface ParsedRecord {
  /** Each document; `name` is the span of `metadata.name` in a resource's document (null for none, see name-spans.ts). */
  documents: { start: number; end: number; value: unknown; name?: Span | null }[];
  problems: Finding[];
  skipped?: ParsedFile['skipped'];
  owned: boolean;
  /** Whether the documents have syntax trees: not for skipped files nor files the parser refused. */
  trees: boolean;
  /** Where each document's part of the text starts, when the documents can be parsed one by one. */
  parts?: number[];
  /** What the parse thread derived from each document for the index (see `parsedRecord`'s `derive`); `parsedFileOf` hands it on to `takeDerived`. */
  derived?: unknown[];
  /**
   * The schema findings the parse thread found for each resource, in order (see `parsedRecord`'s `validate`), with offsets
   * relative to its document's start; null for a resource it has none for. `parsedFileOf` hands them on to `foundSchemaFindings`.
   */
  schema?: (readonly DocumentSchemaFinding[] | null)[];
}

/** Parses files elsewhere (worker threads, see node/parse-pool.ts). */
export interface FileParser {
  /** The file's record; undefined when the file is to be parsed on this thread (`parsedFileOf` does). */
  parse(uri: string, text: string): Promise<ParsedRecord | undefined>;
  /** Stops parsing elsewhere; files not parsed yet come back without a record. */
  close(): Promise<void>;
  /** Gets ready to parse now rather than on the first `parse` (a pool starts its threads, which then load their code). */
  start?(): void;
}

/**
 * Parses a file into a record; undefined when the file must be parsed where it is used: its mesh
 * config keeps a syntax tree and offset mapping (mesh-config.ts), or its data holds a `!!binary`
 * Buffer, which a structured clone would turn into a plain Uint8Array.
 */
export function parsedRecord(
  uri: string,
  text: string,
  derive?: (file: ParsedFile) => unknown[],
  validate?: (r: Resource) => readonly DocumentSchemaFinding[] | null,
): ParsedRecord | undefined {
  // The record carries no trees: kept here, they would only fill this thread's share of the budget (syntax-trees.ts).
  // Each resource's name span is recorded while parsing (see name-spans.ts): the check names resources in
  // related locations, and the main thread would parse their documents again for it.
  const { file, parts } = parseFileParts(uri, text, { trees: false });
  const named = (d: ParsedDocument) => {
    const name = recordedNameSpan(d);
    return name === undefined ? {} : { name };
  };
  const documents = file.documents.map((d) => ({ start: d.start, end: d.end, value: d.value, ...named(d) }));
  if (file.resources.some((r) => r.meshConfig)) return undefined;
  if (text.includes('binary') && file.documents.some((d) => holdsBuffer(d.value))) return undefined;
  return {
    documents,
    problems: file.problems,
    ...(file.skipped ? { skipped: file.skipped } : {}),
    owned: file.owned,
    trees: file.syntax !== undefined,
    ...(parts ? { parts } : {}),
    // Work the main thread would do for each document when it indexes the file, done here instead.
    ...(derive && file.resources.length > 0 ? { derived: derive(file) } : {}),
    // Validated here, each document is not validated on the main thread (see check/checker.ts).
    ...(validate && file.resources.length > 0 ? { schema: file.resources.map(validate) } : {}),
  };
}

/** The `derived` data of the records files were rebuilt from, until the index takes it. */
const derivedOf = new WeakMap<ParsedFile, unknown[]>();

/** The `derived` data of the record `file` was rebuilt from (see `parsedRecord`), once: it is not kept after that. */
export function takeDerived(file: ParsedFile): unknown[] | undefined {
  const derived = derivedOf.get(file);
  derivedOf.delete(file);
  return derived;
}

/** The schema findings a parse thread found for each resource of the records files were rebuilt from (see `parsedRecord`). */
const schemaFound = new WeakMap<Resource, readonly DocumentSchemaFinding[]>();

/**
 * The schema findings the parse thread that read `r`'s file found for it, relative to its document's start; undefined when it
 * found none to send, or `r` was not rebuilt from a record. A resource is a new object for each text of its file.
 */
export function foundSchemaFindings(r: Resource): readonly DocumentSchemaFinding[] | undefined {
  return schemaFound.get(r);
}

/** The file a record stands for, as `parseFile(uri, text)` gives it; without a record, `parseFile` itself. */
export function parsedFileOf(uri: string, text: string, record: ParsedRecord | undefined): ParsedFile {
  // Parsed here, the file noted its resources' name spans while parsing (see name-spans.ts).
  if (!record) return parseFile(uri, text);
  const { problems, owned } = record;
  if (record.skipped) return { uri, text, documents: [], resources: [], problems, skipped: record.skipped, owned };
  const documents: ParsedDocument[] = [];
  const resources: Resource[] = [];
  if (!record.trees) return { uri, text, documents, resources, problems, owned };
  const syntax = syntaxTreesOf(text, documents, record.parts);
  const schema = record.schema;
  record.documents.forEach(({ start, end, value, name }, index) => {
    const document = parsedDocument(index, start, end, value, syntax);
    const resource = toResource(uri, document);
    if (resource) {
      document.resource = resource;
      const found = schema?.[resources.length];
      if (found) schemaFound.set(resource, found);
      resources.push(resource);
    }
    if (name !== undefined) recordNameSpan(document, name);
    documents.push(document);
  });
  const kustomization = isKustomizationUri(uri) ? kustomizationOf(documents[0]?.value) : undefined;
  const file: ParsedFile = { uri, text, documents, resources, problems, owned, syntax, ...(kustomization ? { kustomization } : {}) };
  // Handed on once, and not kept with the record: a cache of records (node/record-cache.ts) keeps them without it.
  if (record.derived) {
    derivedOf.set(file, record.derived);
    delete record.derived;
  }
  // The cache keeps schema findings by text and document itself (check/kept-findings.ts).
  delete record.schema;
  return file;
}

/** Whether plain data holds a Buffer anywhere (aliases may share objects, so each is visited once). */
function holdsBuffer(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;
  if (Buffer.isBuffer(value)) return true;
  seen.add(value);
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  return children.some((child) => holdsBuffer(child, seen));
}

/**
 * Schema completion for Istio YAML, in character offsets: whole resources at the root of an empty
 * document, the keys a mapping allows, and the values an enum, a boolean, `apiVersion` or `kind`
 * allows. It covers Istio kinds and mesh config only; plain Kubernetes resources are left to other
 * YAML tooling. features/completion.ts turns candidates into LSP items.
 */
import type { ParsedDocument, ParsedFile } from '../parse/parse';
import { splitApiVersion } from '../parse/resource';
import { branches, type CatalogueEntry, type JsonSchema, type SchemaStore } from './catalogue';
import { cursorContext, indentStyle, LineReader, type CursorContext, type KeyCursor, type ValueCursor } from './cursor-context';
import {
  documentAt,
  documentEnd,
  formOf,
  identityOf,
  ISTIO_OPERATOR_API_VERSION,
  istioApiVersions,
  schemasFor,
  sortedEntries,
  type DocumentForm,
  type DocumentIdentity,
} from './document-schema';
import { completionDocs, enumOf, fieldsOf, shapeOf, typeLabel, valueNote, type Field } from './field-docs';
import { escapeSnippet, MESH_CONFIG_FORMS, resourceSnippet } from './resource-skeleton';

export interface CompletionCandidate {
  label: string;
  kind: 'property' | 'value' | 'resource';
  /** The type (`string`, `[]object`) or, for a resource, its apiVersion. */
  detail?: string;
  /** Markdown: the schema description and the allowed values. */
  documentation?: string;
  /**
   * The text to insert; a VS Code snippet when `insertTextFormat` is `snippet`. Lines after the
   * first are indented relative to the cursor line's leading whitespace, as LSP's
   * `InsertTextMode.adjustIndentation` (VS Code's default) expects.
   */
  insertText: string;
  insertTextFormat: 'plain' | 'snippet';
  /** Required keys first, then alphabetical; enum values in schema order. */
  sortText?: string;
  filterText?: string;
  /** The range the completion replaces: the word under the cursor. */
  replace?: { start: number; end: number };
  preselect?: boolean;
  deprecated?: boolean;
}

/** The completions at `offset` in `file`; empty where there is nothing to offer. Never throws. */
export function complete(file: ParsedFile, offset: number, store: SchemaStore): CompletionCandidate[] {
  try {
    return completeAt(file, Math.max(0, Math.min(Math.floor(offset), file.text.length)), store);
  } catch {
    return [];
  }
}

const readers = new WeakMap<ParsedFile, LineReader>();

/** One LineReader per parsed file, so repeated requests on the same version share line parsing. */
function linesOf(file: ParsedFile): LineReader {
  let lines = readers.get(file);
  if (!lines) {
    lines = new LineReader(file.text);
    readers.set(file, lines);
  }
  return lines;
}

interface Request {
  file: ParsedFile;
  doc: ParsedDocument | undefined;
  lines: LineReader;
  store: SchemaStore;
  id: DocumentIdentity;
  form: DocumentForm;
}

function completeAt(file: ParsedFile, offset: number, store: SchemaStore): CompletionCandidate[] {
  if (file.skipped) return [];
  const doc = documentAt(file, offset);
  const lines = linesOf(file);
  const cursor = cursorContext(lines, offset, doc?.ast);
  if (!cursor) return [];
  const id = identityOf(file, doc);
  const request: Request = { file, doc, lines, store, id, form: formOf(id, store) };
  return cursor.type === 'key' ? keyCandidates(request, cursor) : valueCandidates(request, cursor);
}

function atRoot(cursor: CursorContext): boolean {
  return !cursor.block && cursor.path.length === (cursor.type === 'key' ? 0 : 1);
}

function keyCandidates(request: Request, cursor: KeyCursor): CompletionCandidate[] {
  const { id, form, store } = request;
  if (form === 'unidentified') {
    if (!atRoot(cursor) || cursor.inItem) return [];
    // Other root keys already written would be duplicated by a whole-resource snippet.
    return cursor.present.size === 0 ? [...resourceCandidates(store, cursor), ...envelopeKeys(cursor)] : envelopeKeys(cursor);
  }
  const schemas = schemasFor(id, form, store, cursor.path, cursor.block);
  if (schemas.length === 0) return [];
  if (cursor.inItem && shapeOf(schemas) !== 'object') return valuesFrom(schemas, cursor, false);
  const candidates: CompletionCandidate[] = [];
  for (const field of fieldsOf(schemas)) {
    // `status` is written by the cluster, never by hand.
    if (cursor.present.has(field.name) || (atRoot(cursor) && field.name === 'status')) continue;
    candidates.push(keyCandidate(field, cursor, request));
  }
  return candidates;
}

function keyCandidate(field: Field, cursor: KeyCursor, request: Request): CompletionCandidate {
  const { insertText, snippet } = keyInsertText(field, cursor, request);
  const docs = completionDocs(field.schemas);
  return {
    label: field.name,
    kind: 'property',
    detail: typeLabel(field.schemas),
    documentation: field.required ? (docs ? `${docs}\n\nRequired.` : 'Required.') : docs,
    insertText,
    insertTextFormat: snippet ? 'snippet' : 'plain',
    sortText: `${field.required ? 0 : field.deprecated ? 2 : 1}_${field.name}`,
    filterText: field.name,
    replace: cursor.replace,
    ...(field.deprecated ? { deprecated: true } : {}),
  };
}

function choice(values: readonly unknown[]): string {
  return `\${1|${values.map((v) => String(v).replace(/[\\$},|]/g, '\\$&')).join(',')}|}`;
}

function keyInsertText(field: Field, cursor: KeyCursor, request: Request): { insertText: string; snippet: boolean } {
  if (cursor.hasColon) return { insertText: field.name, snippet: false };
  const key = escapeSnippet(field.name);
  const shape = shapeOf(field.schemas);
  if (shape === 'enum') return { insertText: `${key}: ${choice(enumOf(field.schemas))}`, snippet: true };
  if (shape === 'boolean') return { insertText: `${key}: ${choice(['true', 'false'])}`, snippet: true };
  if (shape === 'scalar') return { insertText: `${field.name}: `, snippet: false };
  const { file, doc, lines } = request;
  const style = indentStyle(lines, lines.lineOf(doc?.start ?? 0), lines.lineOf(documentEnd(file, doc)));
  const relative = ' '.repeat(Math.max(0, cursor.column - cursor.lineIndent));
  if (shape === 'array') {
    const items = field.schemas.flatMap((s) => (s.items && typeof s.items === 'object' ? branches(s.items) : []));
    const values = enumOf(items);
    const first = values.length > 0 ? choice(values) : '$1';
    return { insertText: `${key}:\n${relative}${' '.repeat(style.sequence)}- ${first}`, snippet: true };
  }
  return { insertText: `${key}:\n${relative}${' '.repeat(style.unit)}$1`, snippet: true };
}

/** `apiVersion` and `kind` keys for a document that has neither yet. */
function envelopeKeys(cursor: KeyCursor): CompletionCandidate[] {
  const keys = [
    { name: 'apiVersion', doc: 'The API group and version of this resource, such as `networking.istio.io/v1`.' },
    { name: 'kind', doc: 'The kind of this resource, such as `ServiceEntry`.' },
  ];
  return keys
    .filter((k) => !cursor.present.has(k.name))
    .map((k) => ({
      label: k.name,
      kind: 'property' as const,
      detail: 'string',
      documentation: k.doc,
      insertText: cursor.hasColon ? k.name : `${k.name}: `,
      insertTextFormat: 'plain' as const,
      sortText: `9_${k.name}`,
      filterText: k.name,
      replace: cursor.replace,
    }));
}

/** Deprecated, or networking's v1alpha3 where a v1 of the same kind exists (EnvoyFilter has only v1alpha3). */
function isLegacy(entry: CatalogueEntry, store: SchemaStore): boolean {
  if (entry.deprecated) return true;
  return entry.group === 'networking.istio.io' && entry.version === 'v1alpha3' && store.versionsOf(entry.group, entry.kind).some((e) => e.version === 'v1');
}

/** One whole-resource snippet per Istio kind and served version, and the two mesh-config forms. */
function resourceCandidates(store: SchemaStore, cursor: KeyCursor): CompletionCandidate[] {
  const entries = sortedEntries(store);
  const networking = entries.filter((e) => e.group === 'networking.istio.io');
  const others = entries.filter((e) => e.group !== 'networking.istio.io');
  const out: CompletionCandidate[] = [];
  const push = (c: Omit<CompletionCandidate, 'sortText' | 'replace' | 'kind' | 'insertTextFormat'>) =>
    out.push({ ...c, kind: 'resource', insertTextFormat: 'snippet', sortText: `0_${String(out.length).padStart(3, '0')}`, replace: cursor.replace });
  const pushEntry = (e: CatalogueEntry) => {
    const legacy = isLegacy(e, store);
    const versions = store
      .versionsOf(e.group, e.kind)
      .map((v) => `\`${v.version}\``)
      .join(', ');
    push({
      label: e.kind,
      detail: `${e.group}/${e.version}${legacy ? ' (legacy)' : ''}`,
      documentation: `${e.description}\n\nServed versions: ${versions}`,
      insertText: resourceSnippet(e, store.schemaFile(e.file)),
      filterText: e.kind,
      ...(e.version === 'v1' && e.group === 'networking.istio.io' ? { preselect: true } : {}),
      ...(legacy ? { deprecated: true } : {}),
    });
  };
  networking.forEach(pushEntry);
  for (const form of MESH_CONFIG_FORMS) push({ ...form, filterText: form.label });
  others.forEach(pushEntry);
  return out;
}

function valueCandidates(request: Request, cursor: ValueCursor): CompletionCandidate[] {
  const { id, form, store } = request;
  if (atRoot(cursor) && (cursor.path[0] === 'apiVersion' || cursor.path[0] === 'kind')) return rootValues(request, cursor, cursor.path[0]);
  let schemas = schemasFor(id, form, store, cursor.path, cursor.block);
  if (cursor.flowItem) schemas = schemas.flatMap((s) => (s.items && typeof s.items === 'object' ? branches(s.items) : []));
  return valuesFrom(schemas, cursor, cursor.needsSpace);
}

/** Candidates for the enum or boolean values the schemas allow. */
function valuesFrom(schemas: JsonSchema[], cursor: CursorContext, needsSpace: boolean): CompletionCandidate[] {
  let values: unknown[] = enumOf(schemas);
  if (values.length === 0 && shapeOf(schemas) === 'boolean') values = [true, false];
  const detail = typeLabel(schemas);
  const docs = completionDocs(schemas);
  return values.map((v, i) => {
    const label = String(v);
    const note = valueNote(schemas, label);
    return {
      label,
      kind: 'value',
      detail,
      documentation: note ?? docs,
      insertText: `${needsSpace ? ' ' : ''}${label}`,
      insertTextFormat: 'plain',
      sortText: `0_${String(i).padStart(3, '0')}`,
      filterText: label,
      replace: cursor.replace,
    };
  });
}

/** `kind` values for the apiVersion written, and `apiVersion` values for the kind written. */
function rootValues(request: Request, cursor: ValueCursor, field: 'apiVersion' | 'kind'): CompletionCandidate[] {
  const { store } = request;
  // The value being typed does not count: `apiVersion: netw` is not a non-Istio apiVersion.
  const id: DocumentIdentity = { ...request.id, [field]: undefined };
  const form = formOf(id, store);
  if (form !== 'istio' && form !== 'istio-operator' && form !== 'unidentified') return [];
  const values: { label: string; detail: string; documentation?: string; preselect?: boolean; deprecated?: boolean }[] = [];
  const entries = sortedEntries(store);
  if (field === 'kind') {
    const apiVersion = id.apiVersion;
    const group = apiVersion ? splitApiVersion(apiVersion).group : undefined;
    const seen = new Set<string>();
    for (const e of entries) {
      if (apiVersion && `${e.group}/${e.version}` !== apiVersion) continue;
      if (seen.has(e.kind)) continue;
      seen.add(e.kind);
      values.push({ label: e.kind, detail: e.group, documentation: e.description });
    }
    if (!apiVersion || group === 'install.istio.io')
      values.push({ label: 'IstioOperator', detail: 'install.istio.io', documentation: MESH_CONFIG_FORMS[0].documentation });
  } else if (id.kind === 'IstioOperator') {
    values.push({ label: ISTIO_OPERATOR_API_VERSION, detail: 'IstioOperator', preselect: true });
  } else if (id.kind) {
    for (const e of entries.filter((x) => x.kind === id.kind)) {
      const legacy = isLegacy(e, store);
      values.push({
        label: `${e.group}/${e.version}`,
        detail: `${e.kind}${e.storage ? ' · storage version' : ''}${legacy ? ' (legacy)' : ''}`,
        documentation: e.description,
        ...(e.version === 'v1' ? { preselect: true } : {}),
        ...(legacy ? { deprecated: true } : {}),
      });
    }
  } else {
    for (const apiVersion of istioApiVersions(store)) {
      const kinds = entries.filter((e) => `${e.group}/${e.version}` === apiVersion).map((e) => e.kind);
      values.push({ label: apiVersion, detail: kinds.join(', '), ...(apiVersion === 'networking.istio.io/v1' ? { preselect: true } : {}) });
    }
    values.push({ label: ISTIO_OPERATOR_API_VERSION, detail: 'IstioOperator' });
  }
  return values.map((v, i) => ({
    ...v,
    kind: 'value' as const,
    insertText: `${cursor.needsSpace ? ' ' : ''}${v.label}`,
    insertTextFormat: 'plain' as const,
    sortText: `0_${String(i).padStart(3, '0')}`,
    filterText: v.label,
    replace: cursor.replace,
  }));
}

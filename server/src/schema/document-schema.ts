/**
 * Which schema applies where in a document, for completion and hover: the catalogue schema of an
 * Istio resource, the mesh-config schema under an IstioOperator's `spec.meshConfig` or inside the
 * `istio` ConfigMap's `mesh` string, and nothing for other Kubernetes resources, which other YAML
 * tooling already covers. It reads identity from the parsed value, or from the text when the
 * document is too broken to have one.
 */
import type { ParsedDocument, ParsedFile } from '../parse/parse';
import { splitApiVersion } from '../parse/resource';
import type { YamlPath } from '../parse/yaml-path';
import { schemasAtPath, type CatalogueEntry, type JsonSchema, type SchemaStore } from './catalogue';
import { isRecord } from '../data';
import { isMeshConfigMapName } from '../parse/mesh-config';

export interface DocumentIdentity {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/**
 * - `istio`: a resource of an `*.istio.io` group (or a known Istio kind without apiVersion yet);
 * - `istio-operator`, `mesh-configmap`: the two places mesh config is written;
 * - `unidentified`: neither apiVersion nor kind written yet;
 * - `other`: anything else, which gets no completion or hover.
 */
export type DocumentForm = 'istio' | 'istio-operator' | 'mesh-configmap' | 'unidentified' | 'other';

export const ISTIO_OPERATOR_API_VERSION = 'install.istio.io/v1alpha1';

/** The document holding `offset`: the last one starting at or before it. */
export function documentAt(file: ParsedFile, offset: number): ParsedDocument | undefined {
  let found: ParsedDocument | undefined;
  for (const doc of file.documents) {
    if (doc.start <= offset) found = doc;
    else break;
  }
  return found ?? file.documents[0];
}

/** Where the document's text ends: at the start of the next document, or the end of the file. */
export function documentEnd(file: ParsedFile, doc: ParsedDocument | undefined): number {
  if (!doc) return file.text.length;
  const next = file.documents[file.documents.indexOf(doc) + 1];
  return next ? next.start : file.text.length;
}

function rootScalar(text: string, key: string): string | undefined {
  const m = new RegExp(`^${key}:[ \\t]*["']?([^"'\\s#]+)`, 'm').exec(text);
  return m?.[1];
}

/** apiVersion, kind, name and namespace as written, from the parsed value or else the text. */
export function identityOf(file: ParsedFile, doc: ParsedDocument | undefined): DocumentIdentity {
  const value = isRecord(doc?.value) ? doc.value : {};
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const id: DocumentIdentity = {
    apiVersion: typeof value.apiVersion === 'string' && value.apiVersion.trim() ? value.apiVersion.trim() : undefined,
    kind: typeof value.kind === 'string' && value.kind.trim() ? value.kind.trim() : undefined,
    name: typeof metadata.name === 'string' ? metadata.name : undefined,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
  };
  if (!id.apiVersion || !id.kind) {
    const text = file.text.slice(doc?.start ?? 0, documentEnd(file, doc));
    id.apiVersion ??= rootScalar(text, 'apiVersion');
    id.kind ??= rootScalar(text, 'kind');
  }
  return id;
}

/** The catalogue entry a kind written without apiVersion most likely means: its storage version. */
function preferredEntry(store: SchemaStore, kind: string): CatalogueEntry | undefined {
  const all = store.catalogue.kinds.filter((e) => e.kind === kind);
  return all.find((e) => e.storage && e.group === 'networking.istio.io') ?? all.find((e) => e.storage) ?? all[0];
}

export function formOf(id: DocumentIdentity, store: SchemaStore): DocumentForm {
  if (!id.apiVersion && !id.kind) return 'unidentified';
  const group = id.apiVersion ? splitApiVersion(id.apiVersion).group : undefined;
  if (id.kind === 'IstioOperator' && (group === undefined || group === 'install.istio.io')) return 'istio-operator';
  if (id.kind === 'ConfigMap' && (group === undefined || group === '') && isMeshConfigMapName(id.name ?? '', id.namespace)) {
    return 'mesh-configmap';
  }
  if (group !== undefined) return group.endsWith('istio.io') ? 'istio' : 'other';
  return id.kind && preferredEntry(store, id.kind) ? 'istio' : 'other';
}

/** Every apiVersion of the Istio groups, networking first, v1 first. */
export function istioApiVersions(store: SchemaStore): string[] {
  const out: string[] = [];
  for (const e of sortedEntries(store)) {
    const apiVersion = `${e.group}/${e.version}`;
    if (!out.includes(apiVersion)) out.push(apiVersion);
  }
  return out;
}

const GROUP_ORDER = ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];

function groupRank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i < 0 ? GROUP_ORDER.length : i;
}

/** Kubernetes version order: v1 before v1beta1 before v1alpha3. */
function versionRank(version: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!m) return 1000;
  const major = Number(m[1]);
  const stability = m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0;
  return stability * 100 - major * 10 + (m[3] ? -Number(m[3]) / 100 : 0) + 50;
}

/** Istio catalogue entries by group, then kind, then version (v1 first). */
export function sortedEntries(store: SchemaStore): CatalogueEntry[] {
  return [...store.catalogue.kinds]
    .filter((e) => e.group.endsWith('istio.io'))
    .sort(
      (a, b) =>
        groupRank(a.group) - groupRank(b.group) ||
        a.group.localeCompare(b.group) ||
        a.kind.localeCompare(b.kind) ||
        versionRank(a.version) - versionRank(b.version),
    );
}

/** The schema of the whole document, or of the mesh config for the two mesh-config forms. */
function rootSchema(id: DocumentIdentity, form: DocumentForm, store: SchemaStore): JsonSchema | undefined {
  if (form === 'istio') {
    const exact = id.apiVersion && id.kind ? store.schema(id.apiVersion, id.kind) : undefined;
    if (exact) return exact;
    if (!id.apiVersion && id.kind) {
      const entry = preferredEntry(store, id.kind);
      return entry && store.schemaFile(entry.file);
    }
    return envelope(id, store);
  }
  if (form === 'istio-operator') {
    return {
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { meshConfig: store.meshConfigSchema() } },
      },
    };
  }
  return undefined;
}

/**
 * For an Istio apiVersion without a known kind: the fields every resource has, with the kinds
 * that apiVersion serves as the allowed values of `kind`.
 */
function envelope(id: DocumentIdentity, store: SchemaStore): JsonSchema {
  const kinds = store.catalogue.kinds.filter((e) => `${e.group}/${e.version}` === id.apiVersion).map((e) => e.kind);
  const any = sortedEntries(store)[0];
  const sample = any ? store.schemaFile(any.file) : undefined;
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { type: 'string', enum: istioApiVersions(store), description: 'The API group and version of this resource.' },
      kind: { type: 'string', ...(kinds.length > 0 ? { enum: kinds } : {}), description: 'The kind of this resource.' },
      metadata: sample?.properties?.metadata ?? { type: 'object' },
      spec: { type: 'object', description: 'The settings of the resource; their fields depend on its kind.' },
    },
  };
}

/**
 * The schemas describing the node at `path` in a document, or at `path` inside the block scalar
 * at `block`. Empty where completion and hover have nothing to say.
 */
export function schemasFor(id: DocumentIdentity, form: DocumentForm, store: SchemaStore, path: YamlPath, block?: YamlPath): JsonSchema[] {
  if (block) {
    const inMesh = form === 'mesh-configmap' && block.length === 2 && block[0] === 'data' && block[1] === 'mesh';
    return inMesh ? schemasAtPath(store.meshConfigSchema(), path) : [];
  }
  if (form === 'istio-operator') {
    const underSpec = path[0] === 'spec' && (path.length === 1 || path[1] === 'meshConfig');
    if (!underSpec) return [];
  } else if (form !== 'istio') {
    return [];
  }
  return schemasAtPath(rootSchema(id, form, store), path);
}

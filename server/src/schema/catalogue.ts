/**
 * The schema catalogue: which (apiVersion, kind) pairs have a JSON Schema, loading those schemas
 * through a function the caller passes in (the core does no I/O), and the sub-schema at a data path.
 */

export interface CatalogueEntry {
  group: string;
  version: string;
  kind: string;
  /** Path of the schema file relative to the schemas folder. */
  file: string;
  storage: boolean;
  deprecated: boolean;
  shortNames: string[];
  description: string;
}

export interface Catalogue {
  kinds: CatalogueEntry[];
}

/** Reads a schema file (relative to the schemas folder) as parsed JSON. */
export type SchemaLoader = (file: string) => unknown;

export type JsonSchema = Record<string, any>;

export const MESH_CONFIG_SCHEMA = 'mesh-config.json';

export class SchemaStore {
  private readonly entries = new Map<string, CatalogueEntry>();
  private readonly loaded = new Map<string, JsonSchema>();

  constructor(
    readonly catalogue: Catalogue,
    private readonly load: SchemaLoader,
  ) {
    for (const e of catalogue.kinds) this.entries.set(`${e.group}/${e.version}|${e.kind}`, e);
  }

  entry(apiVersion: string, kind: string): CatalogueEntry | undefined {
    return this.entries.get(`${apiVersion}|${kind}`);
  }

  /** Every served version of a kind in a group. */
  versionsOf(group: string, kind: string): CatalogueEntry[] {
    return this.catalogue.kinds.filter((e) => e.group === group && e.kind === kind);
  }

  /** Whether a group has any schema here (so an unknown kind or version in it is worth reporting). */
  knowsGroup(group: string): boolean {
    return this.catalogue.kinds.some((e) => e.group === group);
  }

  schemaFile(file: string): JsonSchema {
    let schema = this.loaded.get(file);
    if (!schema) {
      schema = this.load(file) as JsonSchema;
      this.loaded.set(file, schema);
    }
    return schema;
  }

  schema(apiVersion: string, kind: string): JsonSchema | undefined {
    const e = this.entry(apiVersion, kind);
    return e ? this.schemaFile(e.file) : undefined;
  }

  meshConfigSchema(): JsonSchema {
    return this.schemaFile(MESH_CONFIG_SCHEMA);
  }
}

/**
 * The alternatives a schema allows at one level: the schema itself plus the branches of
 * oneOf/anyOf/allOf, flattened, so callers see every property that may appear there.
 */
export function branches(schema: JsonSchema | undefined): JsonSchema[] {
  if (!schema || typeof schema !== 'object') return [];
  const out: JsonSchema[] = [schema];
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    if (Array.isArray(schema[key])) for (const s of schema[key]) out.push(...branches(s));
  }
  return out;
}

/** The sub-schemas that describe the value at `path` below `schema` (empty when none does). */
export function schemasAtPath(schema: JsonSchema | undefined, path: (string | number)[]): JsonSchema[] {
  let current = branches(schema);
  for (const step of path) {
    const next: JsonSchema[] = [];
    for (const s of current) {
      if (typeof step === 'number') {
        if (s.items && typeof s.items === 'object') next.push(...branches(s.items));
      } else if (s.properties && s.properties[step]) {
        next.push(...branches(s.properties[step]));
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        next.push(...branches(s.additionalProperties));
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

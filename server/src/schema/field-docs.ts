/**
 * What a schema says about a field, in the words completion and hover show: the properties a
 * mapping allows (over all oneOf/anyOf branches), a field's type as Kubernetes writes it
 * (`[]object`, `map[string]string`), its description without CRD noise, and its allowed values.
 * It does not know where the field is in a file.
 */
import { branches, type JsonSchema } from './catalogue';

export interface Field {
  name: string;
  /** The schemas the field's value may follow (one per branch that declares it). */
  schemas: JsonSchema[];
  /** Required by the mapping itself, not by one alternative of a oneOf/anyOf. */
  required: boolean;
  deprecated: boolean;
}

type FieldShape = 'object' | 'map' | 'array' | 'enum' | 'boolean' | 'scalar';

const MAX_DESCRIPTION = 700;

/** The properties the mappings described by `schemas` allow, in schema order. */
export function fieldsOf(schemas: JsonSchema[]): Field[] {
  const alternatives = new Set<JsonSchema>();
  for (const s of schemas) {
    for (const key of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(s[key])) for (const b of s[key]) for (const x of branches(b)) alternatives.add(x);
    }
  }
  const required = new Set<string>();
  for (const s of schemas) {
    if (!alternatives.has(s) && Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') required.add(r);
  }
  const fields = new Map<string, Field>();
  for (const s of schemas) {
    if (!s.properties || typeof s.properties !== 'object') continue;
    for (const [name, sub] of Object.entries(s.properties as Record<string, JsonSchema>)) {
      let field = fields.get(name);
      if (!field) {
        field = { name, schemas: [], required: required.has(name), deprecated: false };
        fields.set(name, field);
      }
      field.schemas.push(...branches(sub));
    }
  }
  for (const field of fields.values()) field.deprecated = /^deprecated\b/i.test(descriptionOf(field.schemas) ?? '');
  return [...fields.values()];
}

/** The first description among the schemas, as written. */
function descriptionOf(schemas: JsonSchema[]): string | undefined {
  for (const s of schemas) if (typeof s.description === 'string' && s.description.trim() !== '') return s.description;
  return undefined;
}

/** The description for display: no "Valid Options" list (values are shown on their own), not too long. */
function cleanDescription(schemas: JsonSchema[]): string | undefined {
  const raw = descriptionOf(schemas);
  if (!raw) return undefined;
  let text = raw.replace(/\n*\s*Valid Options:[^\n]*/g, '').trim();
  if (text.length > MAX_DESCRIPTION) {
    const cut = text.slice(0, MAX_DESCRIPTION);
    const sentence = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'));
    text = (sentence > MAX_DESCRIPTION / 2 ? cut.slice(0, sentence + 1) : cut.trimEnd()) + ' …';
  }
  return text || undefined;
}

/** The distinct allowed values of a field, in schema order. */
export function enumOf(schemas: JsonSchema[]): (string | number | boolean)[] {
  const out: (string | number | boolean)[] = [];
  for (const s of schemas) {
    if (!Array.isArray(s.enum)) continue;
    for (const v of s.enum) if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && !out.includes(v)) out.push(v);
  }
  return out;
}

function typesOf(schemas: JsonSchema[]): Set<string> {
  const types = new Set<string>();
  for (const s of schemas) {
    if (typeof s.type === 'string') {
      types.add(s.type);
    } else if (Array.isArray(s.type)) {
      for (const t of s.type) if (typeof t === 'string') types.add(t);
    } else if (s.properties) {
      types.add('object');
    }
  }
  return types;
}

/** How a value of the field is written, which decides what a completion inserts. */
export function shapeOf(schemas: JsonSchema[]): FieldShape {
  const types = typesOf(schemas);
  if (schemas.some((s) => s['x-kubernetes-int-or-string'])) return 'scalar';
  if (types.has('array')) return 'array';
  if (types.has('object')) {
    const hasProperties = schemas.some((s) => s.properties && Object.keys(s.properties).length > 0);
    return hasProperties || schemas.some((s) => s['x-kubernetes-preserve-unknown-fields']) ? 'object' : 'map';
  }
  if (enumOf(schemas).length > 0) return 'enum';
  if (types.has('boolean')) return 'boolean';
  return 'scalar';
}

/** The field's type as Kubernetes documentation writes it: `string`, `[]object`, `map[string]string`. */
export function typeLabel(schemas: JsonSchema[], depth = 0): string {
  if (depth > 4) return 'object';
  // Its anyOf branches (integer, string) say the same thing again.
  if (schemas.some((s) => s['x-kubernetes-int-or-string'])) return 'int-or-string';
  const labels: string[] = [];
  const add = (label: string) => {
    if (!labels.includes(label)) labels.push(label);
  };
  for (const s of schemas) {
    const type = typeof s.type === 'string' ? s.type : s.properties ? 'object' : undefined;
    if (type === 'array') {
      add(`[]${s.items && typeof s.items === 'object' ? typeLabel(branches(s.items), depth + 1) : 'any'}`);
    } else if (type === 'object') {
      const values = s.additionalProperties;
      const mapOnly = (!s.properties || Object.keys(s.properties).length === 0) && values && typeof values === 'object';
      add(mapOnly ? `map[string]${typeLabel(branches(values), depth + 1)}` : 'object');
    } else if (type) {
      add(type);
    }
  }
  return labels.join(' | ') || 'any';
}

function code(value: unknown): string {
  return `\`${String(value)}\``;
}

/**
 * The sentence of the description that explains one allowed value, when the description has
 * such per-value notes (for example "`REGISTRY_ONLY` blocks it, ...").
 */
export function valueNote(schemas: JsonSchema[], value: string): string | undefined {
  const raw = descriptionOf(schemas);
  if (!raw) return undefined;
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const mention = new RegExp(`(^|[^A-Za-z0-9_])${escaped}([^A-Za-z0-9_]|$)`);
  const parts = raw
    .replace(/\n*\s*Valid Options:[^\n]*/g, '')
    .split(/(?<=[.;])\s+|\n+/)
    .map((p) => p.trim());
  const hit = parts.find((p) => mention.test(p));
  return hit?.replace(/;$/, '.');
}

interface FieldDocOptions {
  required?: boolean;
  /** The value written in the file, to mark among the allowed values. */
  value?: string;
  /** Dotted path shown under the title. */
  path?: string;
}

/** Markdown about a field: name and type, description, allowed values. */
export function fieldMarkdown(name: string, schemas: JsonSchema[], options: FieldDocOptions = {}): string {
  const parts: string[] = [];
  const title = `**${name}**${options.required ? ' (required)' : ''} · \`${typeLabel(schemas)}\``;
  parts.push(options.path ? `${title}\n\n\`${options.path}\`` : title);
  const description = cleanDescription(schemas);
  if (description) parts.push(description);
  const values = enumOf(schemas);
  if (values.length > 0) {
    const list = values.map((v) => (options.value !== undefined && String(v) === options.value ? `**${code(v)}**` : code(v))).join(', ');
    parts.push(`Allowed values: ${list}`);
  }
  if (options.value !== undefined && values.some((v) => String(v) === options.value)) {
    const note = valueNote(schemas, options.value);
    if (note) parts.push(`${code(options.value)}: ${note}`);
  }
  return parts.join('\n\n');
}

/** Markdown documentation for a completion item: the description and the allowed values. */
export function completionDocs(schemas: JsonSchema[]): string | undefined {
  const parts: string[] = [];
  const description = cleanDescription(schemas);
  if (description) parts.push(description);
  const values = enumOf(schemas);
  if (values.length > 0) parts.push(`Allowed values: ${values.map(code).join(', ')}`);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/** Dotted path for display: `spec.ports[0].number`. */
export function dottedPath(path: (string | number)[]): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out;
}

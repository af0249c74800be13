/**
 * Turns ajv's raw errors into the problems users read: one plain sentence per problem that says
 * what is wrong and what is allowed, with ajv's noise removed (the branches of the CRDs'
 * mutual-exclusion `oneOf`s, the alternatives of int-or-string `anyOf`s, the extra errors on a
 * value of the wrong type). It knows nothing of YAML positions; validate.ts places the problems.
 */
import type { ErrorObject } from 'ajv';
import type { YamlPath } from '../parse/yaml-path';
import { closestMatch } from './suggest';
import { isRecord } from '../data';

export type SchemaCode =
  'schema-unknown-field' | 'schema-required' | 'schema-type' | 'schema-enum' | 'schema-value' | 'schema-one-of' | 'schema-cel' | 'schema-unknown-kind';

/**
 * Where a problem sits: on the key at `path`, on the value at `path`, or (for a missing
 * field) on the object at `path` that lacks it.
 */
type Anchor = 'key' | 'value' | 'object';

export interface SchemaProblem {
  code: SchemaCode;
  message: string;
  path: YamlPath;
  anchor: Anchor;
  /** The did-you-mean replacement for the text the problem sits on. */
  suggestion?: string;
  /** For a missing field: its name, so a `key:` with an empty value can carry the finding. */
  missing?: string;
}

/** How messages name the place of a problem: "VirtualService" or "mesh config". */
export interface MessageContext {
  label: string;
  /** True when the data is a whole resource, so the leading `spec` is left out of locations. */
  resource: boolean;
}

const MAX_LISTED = 40;

/** `/spec/tls/0/match/0` to `['spec', 'tls', 0, 'match', 0]`, with indices where the data has lists. */
function pointerToPath(pointer: string, root: unknown): YamlPath {
  if (!pointer) return [];
  const path: YamlPath = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const step = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(step)) {
      path.push(Number(step));
      current = current[Number(step)];
    } else {
      path.push(step);
      current = isRecord(current) ? current[step] : undefined;
    }
  }
  return path;
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let current = root;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isRecord(current) ? current[step] : undefined;
  }
  return current;
}

/** Where the object at `path` is, in words: "in VirtualService tls match", "at the top level of Sidecar". */
function describeLocation(path: YamlPath, context: MessageContext): string {
  let keys = path.filter((s): s is string => typeof s === 'string');
  if (context.resource && keys[0] === 'spec') {
    if (keys.length === 1) return `in ${context.label} spec`;
    keys = keys.slice(1);
  }
  if (keys.length === 0) return context.resource ? `at the top level of ${context.label}` : `in ${context.label}`;
  return `in ${context.label} ${keys.slice(-3).join(' ')}`;
}

/** How a message refers to the value at `path`: `"number"`, or `item 2 of "hosts"`. */
function subject(path: YamlPath): string {
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const parent = path[path.length - 2];
    return typeof parent === 'string' ? `item ${last + 1} of "${parent}"` : `item ${last + 1}`;
  }
  return last === undefined ? 'the document' : `"${last}"`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The last key on the path, to name what a value is for ("location", "mode"). */
function fieldName(path: YamlPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return 'value';
}

function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return typeof value === 'string' ? `"${short}"` : short;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  object: 'an object (key: value pairs)',
  array: 'a list',
  null: 'nothing',
};

/** What a value is, in words: `a string ("80")`, `a list`. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${quote(value)})`;
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}

function orList(words: string[], joiner = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${joiner} ${words[words.length - 1]}`;
}

function typeMessage(expected: string[], value: unknown): string {
  const wanted = orList(expected.filter((t) => t !== 'null').map((t) => TYPE_WORDS[t] ?? t));
  let hint = '';
  if (expected.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) {
    hint = ' Put it in quotes to make it a string.';
  } else if ((expected.includes('integer') || expected.includes('number')) && typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
    hint = ' Remove the quotes to make it a number.';
  } else if (expected.includes('boolean') && typeof value === 'string' && /^(true|false)$/i.test(value)) {
    hint = ' Remove the quotes to make it a boolean.';
  }
  return `Expected ${wanted}, got ${describeValue(value)}.${hint}`;
}

function listed(values: string[]): string {
  const shown = values.slice(0, MAX_LISTED).join(', ');
  return values.length > MAX_LISTED ? `${shown} and ${values.length - MAX_LISTED} more` : shown;
}

/** The fields a mutual-exclusion oneOf (`[{not: {anyOf: [{required: [a]}, ...]}}, {required: [a]}, ...]`) names. */
function exclusiveFields(schema: unknown): string[] {
  if (!Array.isArray(schema)) return [];
  const fields: string[] = [];
  for (const branch of schema) {
    if (isRecord(branch) && Array.isArray(branch.required)) {
      for (const f of branch.required) if (typeof f === 'string' && !fields.includes(f)) fields.push(f);
    }
  }
  return fields;
}

function isTypeAlternatives(schema: unknown): string[] | undefined {
  if (!Array.isArray(schema) || schema.length === 0) return undefined;
  const types: string[] = [];
  for (const branch of schema) {
    if (!isRecord(branch) || typeof branch.type !== 'string' || Object.keys(branch).some((k) => k !== 'type' && k !== 'description')) return undefined;
    types.push(branch.type);
  }
  return types;
}

/**
 * The problems ajv's errors describe, simplified and deduplicated. `root` is the data that was
 * validated; paths in the result are relative to it.
 */
export function problemsFromAjv(errors: readonly ErrorObject[], root: unknown, context: MessageContext): SchemaProblem[] {
  // Errors inside a combinator's branches are restated by the combinator's own problem.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'not');
  const insideCombinator = (e: ErrorObject) => combinators.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`));
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type' && !insideCombinator(e)).map((e) => e.instancePath));
  for (const c of combinators) if (c.keyword === 'anyOf' && isTypeAlternatives(c.schema)) typeErrorAt.add(c.instancePath);

  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  const push = (p: SchemaProblem) => {
    const key = `${p.code}|${p.path.join('/')}|${p.anchor}|${p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  // A number past its maximum usually breaks its integer format too: the limit says it better.
  const limitAt = new Set(errors.filter((e) => /^(exclusiveM|m)(in|ax)imum$/.test(e.keyword)).map((e) => e.instancePath));
  for (const e of errors) {
    if (insideCombinator(e)) continue;
    if (e.keyword === 'format' && limitAt.has(e.instancePath)) continue;
    const isTypeProblem = e.keyword === 'type' || (e.keyword === 'anyOf' && isTypeAlternatives(e.schema));
    if (!isTypeProblem && typeErrorAt.has(e.instancePath) && e.keyword !== 'required' && e.keyword !== 'additionalProperties') continue;
    const problem = toProblem(e, root, context);
    if (problem) push(problem);
  }
  // Two misspellings of one field in one object: renaming both would make a duplicate key.
  const suggested = new Set<string>();
  for (const p of out) {
    if (p.code !== 'schema-unknown-field' || !p.suggestion) continue;
    const key = [...p.path.slice(0, -1), p.suggestion].join('\u0000');
    if (suggested.has(key)) {
      p.suggestion = undefined;
      p.message = p.message.replace(/ Did you mean "[^"]*"\?/, '');
    }
    suggested.add(key);
  }
  // A misspelt required field ("sniHost" for "sniHosts") is one mistake: keep only the did-you-mean.
  const misspelt = new Set(
    out.filter((p) => p.code === 'schema-unknown-field' && p.suggestion).map((p) => [...p.path.slice(0, -1), p.suggestion].join('\u0000')),
  );
  return out.filter((p) => !(p.code === 'schema-required' && p.missing !== undefined && misspelt.has([...p.path, p.missing].join('\u0000'))));
}

function toProblem(e: ErrorObject, root: unknown, context: MessageContext): SchemaProblem | undefined {
  const path = pointerToPath(e.instancePath, root);
  const data = e.data !== undefined ? e.data : valueAt(root, path);
  const params = e.params;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const properties = isRecord(e.parentSchema) && isRecord(e.parentSchema.properties) ? Object.keys(e.parentSchema.properties).sort() : [];
      const present = isRecord(data) ? Object.keys(data) : [];
      const suggestion = closestMatch(
        field,
        properties.filter((p) => !present.includes(p)),
      );
      const mean = suggestion ? ` Did you mean "${suggestion}"?` : '';
      const allowed = properties.length ? ` Allowed fields: ${listed(properties)}.` : ' This object takes no fields.';
      return {
        code: 'schema-unknown-field',
        message: `Unknown field "${field}" ${describeLocation(path, context)}.${mean}${allowed}`,
        path: [...path, field],
        anchor: 'key',
        suggestion,
      };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { code: 'schema-required', message: `Missing required field "${field}".`, path, anchor: 'object', missing: field };
    }
    case 'type': {
      const expected = String(params.type).split(',');
      return { code: 'schema-type', message: typeMessage(expected, data), path, anchor: 'value' };
    }
    case 'enum':
    case 'const': {
      const allowed = (e.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue]).map((v) => String(v));
      const suggestion = typeof data === 'string' ? closestMatch(data, allowed) : undefined;
      const mean = suggestion ? ` Did you mean "${suggestion}"?` : '';
      return {
        code: 'schema-enum',
        message: `${quote(data)} is not a valid ${fieldName(path)}. Allowed values: ${listed(allowed)}.${mean}`,
        path,
        anchor: 'value',
        suggestion,
      };
    }
    case 'oneOf':
    case 'anyOf':
    case 'not':
      return combinatorProblem(e, path, data);
    default:
      return { code: 'schema-value', message: valueMessage(e, path, data), path, anchor: 'value' };
  }
}

function combinatorProblem(e: ErrorObject, path: YamlPath, data: unknown): SchemaProblem {
  const types = e.keyword === 'anyOf' ? isTypeAlternatives(e.schema) : undefined;
  if (types) return { code: 'schema-type', message: typeMessage(types, data), path, anchor: 'value' };
  const fields = exclusiveFields(e.keyword === 'not' && isRecord(e.schema) ? e.schema.anyOf : e.schema);
  const present = isRecord(data) ? fields.filter((f) => data[f] !== undefined) : [];
  if (present.length >= 2) {
    const names = present.map((f) => `"${f}"`);
    return {
      code: 'schema-one-of',
      message: `Only one of ${orList(names, 'and')} may be set.`,
      path: [...path, present[1]],
      anchor: 'key',
    };
  }
  if (e.keyword === 'anyOf' && fields.length > 0) {
    return { code: 'schema-required', message: `Set one of ${orList(fields.map((f) => `"${f}"`))}.`, path, anchor: 'object' };
  }
  return { code: 'schema-one-of', message: `${capitalise(subject(path))} does not match any of the allowed forms.`, path, anchor: 'value' };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function valueMessage(e: ErrorObject, path: YamlPath, data: unknown): string {
  const params = e.params;
  const what = capitalise(subject(path));
  switch (e.keyword) {
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' }[e.keyword];
      return `${what} must be ${words} ${params.limit}; got ${quote(data)}.`;
    }
    case 'minLength':
    case 'maxLength': {
      const length = typeof data === 'string' ? [...data].length : 0;
      return `${what} must be ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${plural(params.limit, 'character')} long; it has ${length}.`;
    }
    case 'minItems':
    case 'maxItems': {
      const count = Array.isArray(data) ? data.length : 0;
      return `${what} must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${plural(params.limit, 'item')}; it has ${count}.`;
    }
    case 'minProperties':
    case 'maxProperties': {
      const count = isRecord(data) ? Object.keys(data).length : 0;
      const entries = `${params.limit} ${params.limit === 1 ? 'entry' : 'entries'}`;
      return `${what} must have ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${entries}; it has ${count}.`;
    }
    case 'pattern':
      return `${quote(data)} is not a valid ${fieldName(path)}: it must match the pattern ${params.pattern}.`;
    case 'format':
      return formatMessage(String(params.format), what, data, path);
    case 'uniqueItems':
      return `${what} must not repeat items: items ${Number(params.j) + 1} and ${Number(params.i) + 1} are the same.`;
    case 'multipleOf':
      return `${what} must be a multiple of ${params.multipleOf}; got ${quote(data)}.`;
    default:
      return `${what} ${e.message ?? 'is not valid'}.`;
  }
}

const INT_RANGES: Record<string, string> = {
  int32: 'from -2147483648 to 2147483647',
  int64: '',
  uint32: 'from 0 to 4294967295',
  uint64: 'of 0 or more',
};

function formatMessage(format: string, what: string, data: unknown, path: YamlPath): string {
  const range = INT_RANGES[format];
  if (range !== undefined) return `${what} must be a whole number${range ? ` ${range}` : ''} (${format}); got ${quote(data)}.`;
  if (format === 'byte') return `${what} must be base64-encoded data; got ${quote(data)}.`;
  return `${quote(data)} is not a valid ${fieldName(path)}: expected the ${format} format.`;
}

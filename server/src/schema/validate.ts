/**
 * Single-resource schema validation: an Istio resource against its CRD schema (ajv for the
 * OpenAPI part, cel.ts for the `x-kubernetes-validations` rules), and mesh config against the
 * mesh-config schema, with each finding placed on the exact key or value in the file.
 * It does not look at other resources; cross-resource checks belong to analyzers/.
 */
import Ajv, { type CodeOptions, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { SCHEMA_FORMATS } from './formats';
import { isCollection, isMap, isScalar, Scalar, type Document, type Node } from 'yaml';
import type { FaultReport, Finding, Fix, Span } from '../model';
import type { Resource } from '../parse/resource';
import { nodeAtPath, spanAtPath, type YamlPath } from '../parse/yaml-path';
import { MESH_CONFIG_SCHEMA, type JsonSchema, type SchemaStore } from './catalogue';
import { celProblems, celWarmUpSteps, prepareRule, ruleExpressions } from './cel';
import { problemsFromAjv, type MessageContext, type SchemaCode, type SchemaProblem } from './messages';
import { closestMatch } from './suggest';
import { isRecord } from '../data';
import { replaceScalar } from '../edits/yaml-edits';

export type { SchemaCode } from './messages';

/** Every code validateResource can report. */
export const SCHEMA_CODES: readonly SchemaCode[] = [
  'schema-unknown-field',
  'schema-required',
  'schema-type',
  'schema-enum',
  'schema-value',
  'schema-one-of',
  'schema-cel',
  'schema-unknown-kind',
];

/**
 * `data` of a fixable schema finding (`schema-unknown-field`, `schema-enum`, `schema-unknown-kind`).
 * The finding's range covers exactly the text to replace: for a quoted scalar, only the characters
 * inside the quotes, so replacing the range with `suggestion` keeps the quotes and the formatting.
 */
interface SchemaFindingData {
  suggestion: string;
}

const FIXABLE = new Set<string>(['schema-unknown-field', 'schema-enum', 'schema-unknown-kind']);

interface Validators {
  /** Made on the first schema that has no precompiled validator. */
  ajv?: Ajv;
  /** Compiled validators by schema file; null when a schema would not compile. */
  compiled: Map<string, ValidateFunction | null>;
  /** The samples of the precompiled validators in `compiled`, by schema file. */
  samples: Map<string, readonly unknown[]>;
}

const validatorsByStore = new WeakMap<SchemaStore, Validators>();

/** The formats that SCHEMA_FORMATS adds to or changes from ajv-formats' full formats. */
const OWN_FORMATS = ['int32', 'int64', 'uint32', 'uint64', 'float', 'double'];

/**
 * The ajv instance validators are compiled with, at run time and at build time (precompile.ts, which
 * passes `code` to generate standalone code, and `inlineRefs: false` to keep each referenced subschema a function of its own).
 */
export function newAjv(code?: CodeOptions, { inlineRefs = true } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, logger: false, validateSchema: false, inlineRefs, ...(code ? { code } : {}) });
  addFormats(ajv);
  for (const name of OWN_FORMATS) ajv.addFormat(name, SCHEMA_FORMATS[name]);
  ajv.addVocabulary([
    'x-kubernetes-validations',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-embedded-resource',
  ]);
  return ajv;
}

/** A validator compiled at build time, for the schema whose `schemaHash` is `hash`. */
export interface PrecompiledValidator {
  hash: string;
  validate: ValidateFunction;
  /**
   * Values that each reach one more of the validator's functions (see `splitSchema` in precompile.ts): validating them
   * one at a time has V8 compile the functions one at a time, which `warmUpSteps` takes as steps.
   */
  samples?: readonly unknown[];
}

/** Validators compiled at build time, by schema file; the bundles set them (see precompile.ts). */
let precompiled: Readonly<Record<string, PrecompiledValidator>> = {};
/** Whether a precompiled validator that failed to load was reported: once is enough to show the build is broken. */
let loadFailureReported = false;

/** Makes `validatorFor` use these validators, each for the very schema it was compiled from, instead of compiling. */
export function usePrecompiledValidators(validators: Readonly<Record<string, PrecompiledValidator>>): void {
  precompiled = validators;
  loadFailureReported = false;
}

/**
 * Whether the build's precompiled validators were handed over: without them each schema is compiled at run time,
 * which a parse thread leaves to the main thread.
 */
export function hasPrecompiledValidators(): boolean {
  return Object.keys(precompiled).length > 0;
}

const hashes = new WeakMap<object, string>();

/** A short hash (FNV-1a) of a schema's JSON, to tell whether a precompiled validator was compiled from it; kept per schema object. */
export function schemaHash(schema: JsonSchema): string {
  const known = hashes.get(schema);
  if (known !== undefined) return known;
  const hash = fnv1a(JSON.stringify(schema));
  hashes.set(schema, hash);
  return hash;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${(h >>> 0).toString(16)}:${text.length}`;
}

/**
 * The validator for a schema file: the one compiled at build time for this very schema, else compiled on first use; kept per store.
 * A precompiled validator that fails to load (a broken build) is compiled here instead, and reported once through `onError`.
 */
function validatorFor(store: SchemaStore, file: string, schema: JsonSchema, onError?: (fault: FaultReport) => void, uri = ''): ValidateFunction | null {
  let validators = validatorsByStore.get(store);
  if (!validators) {
    validators = { compiled: new Map(), samples: new Map() };
    validatorsByStore.set(store, validators);
  }
  const cached = validators.compiled.get(file);
  if (cached !== undefined) return cached;
  let compiled: ValidateFunction | null = null;
  try {
    const built = precompiled[file];
    if (built && schema && typeof schema === 'object' && built.hash === schemaHash(schema)) {
      compiled = built.validate;
      validators.samples.set(file, built.samples ?? []);
    }
  } catch (error) {
    // Compiled here instead, more slowly; the build that bundled the validator is broken, which its users should see.
    if (onError && !loadFailureReported) {
      loadFailureReported = true;
      const reason = error instanceof Error ? error.message : String(error);
      onError({
        uri,
        code: 'schema',
        error: new Error(`the build's precompiled validator for ${file} failed to load (${reason}), so it is compiled at run time`),
      });
    }
  }
  try {
    if (!compiled && schema && typeof schema === 'object') compiled = (validators.ajv ??= newAjv()).compile(schema);
  } catch {
    compiled = null;
  }
  validators.compiled.set(file, compiled);
  return compiled;
}

/**
 * What the first validation of an Istio kind does besides validating, as separate steps: read its
 * schema, hash it, load (or compile) its validator and run it once, and parse each of its CEL rules. Background work
 * takes them one at a time, so that no single first check does them all at once; each step only
 * fills caches, and validating afterwards gives the same findings. Empty for a kind the catalogue
 * does not serve. A precompiled validator that fails to load is reported through `onError`, as on
 * first use.
 */
export function warmUpSteps(store: SchemaStore, apiVersion: string, kind: string, onError?: (fault: FaultReport) => void, uri = ''): (() => void)[] {
  const entry = store.entry(apiVersion, kind);
  if (!entry) return [];
  const schema = () => store.schemaFile(entry.file);
  const steps: (() => void)[] = [
    () => schema(),
    () => schemaHash(schema()),
    () => validatorFor(store, entry.file, schema(), onError, uri),
    // V8 compiles a function on its first call: the validator runs once on an empty value, which compiles its outermost
    // function, then once on each of its samples, which compiles one function more each time.
    () => {
      const validate = validatorFor(store, entry.file, schema(), onError, uri);
      validate?.({});
      for (const sample of validatorsByStore.get(store)?.samples.get(entry.file) ?? []) steps.push(() => validate?.(sample));
    },
    // One step per rule, known once the schema is read: appended to the steps still to take, after CEL's own.
    () => {
      const rules = ruleExpressions(schema());
      if (rules.length > 0) steps.push(...celWarmUpSteps());
      for (const rule of rules) steps.push(() => prepareRule(rule));
    },
  ];
  return steps;
}

/**
 * The value as the API server validates it: object fields set to null are pruned. Returns the
 * same object when there is nothing to prune.
 */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Loops over indexes and keys rather than `forEach` and `Object.entries`: this runs over every resource's whole value.
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const pruned = withoutNulls(item);
      if (pruned !== item) (copy ??= value.slice())[i] = pruned;
    }
    return copy ?? value;
  }
  if (!isRecord(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === null || item === undefined) {
      copy ??= { ...value };
      delete copy[key];
      continue;
    }
    const pruned = withoutNulls(item);
    if (pruned !== item) (copy ??= { ...value })[key] = pruned;
  }
  return copy ?? value;
}

/**
 * Schema findings for one resource: for an Istio resource whose apiVersion and kind the catalogue
 * serves, the CRD schema and its CEL rules; for an unknown kind or unserved version in an Istio
 * group, one `schema-unknown-kind`; for a resource carrying mesh config (IstioOperator, the `istio`
 * ConfigMap), the mesh-config schema. Every finding is an error (the API server would reject the
 * resource). Never throws: an exception (a broken schema, a value validation cannot walk) goes to `onError`.
 */
export function validateResource(resource: Resource, store: SchemaStore, onError?: (fault: FaultReport) => void): Finding[] {
  const out: Finding[] = [];
  // A broken schema or an unexpected value is reported through `onError` (once per fault, by the checker's reporter)
  // rather than crashing; the other part's findings, and the analyzers' findings, are kept.
  const fault = (error: unknown) => onError?.({ uri: resource.uri, code: 'schema', error });
  try {
    if (resource.group.endsWith('istio.io')) out.push(...validateIstioResource(resource, store, onError));
  } catch (error) {
    fault(error);
  }
  try {
    if (resource.meshConfig) out.push(...validateMeshConfig(resource, store, onError));
  } catch (error) {
    fault(error);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

function validateIstioResource(resource: Resource, store: SchemaStore, onError?: (fault: FaultReport) => void): Finding[] {
  const apiVersion = `${resource.group}/${resource.version}`;
  const entry = store.entry(apiVersion, resource.kind);
  if (!entry) {
    const finding = unknownKindFinding(resource, store);
    return finding ? [finding] : [];
  }
  const problems = schemaProblems(
    store,
    entry.file,
    store.schemaFile(entry.file),
    resource.value,
    { label: resource.kind, resource: true },
    onError,
    resource.uri,
  );
  return problems.map((p) => toFinding(p, resource.document.ast, [], (o) => o, true));
}

function validateMeshConfig(resource: Resource, store: SchemaStore, onError?: (fault: FaultReport) => void): Finding[] {
  const mesh = resource.meshConfig!;
  const problems = schemaProblems(
    store,
    MESH_CONFIG_SCHEMA,
    store.meshConfigSchema(),
    mesh.value,
    { label: 'mesh config', resource: false },
    onError,
    resource.uri,
  );
  return problems.map((p) => toFinding(p, mesh.ast, mesh.path, mesh.toFileOffset, false));
}

/** What the schema in `file` (ajv, then its CEL rules) finds wrong with `data`, with paths relative to `data`. */
function schemaProblems(
  store: SchemaStore,
  file: string,
  schema: JsonSchema,
  data: unknown,
  context: MessageContext,
  onError?: (fault: FaultReport) => void,
  uri?: string,
): SchemaProblem[] {
  const validate = validatorFor(store, file, schema, onError, uri);
  const value = withoutNulls(data);
  const problems: SchemaProblem[] = [];
  if (validate && !validate(value)) problems.push(...problemsFromAjv(validate.errors ?? [], value, context));
  for (const p of celProblems(schema, value)) problems.push({ code: 'schema-cel', message: p.message, path: p.path, anchor: 'value' });
  return problems;
}

/**
 * A problem as a finding in file offsets. `prefix` is the path from `ast`'s root to the validated
 * data; `isResource` says that data is a whole resource (so its root is named by `kind`).
 */
function toFinding(problem: SchemaProblem, ast: Document, prefix: YamlPath, toFileOffset: (offset: number) => number, isResource: boolean): Finding {
  const path = [...prefix, ...problem.path];
  const span = placeProblem(ast, path, problem.anchor, problem.missing, isResource) ?? { start: 0, end: 1 };
  const start = toFileOffset(span.start);
  const end = Math.max(toFileOffset(span.end), start + 1);
  const finding: Finding = { code: problem.code, severity: 'error', message: problem.message, start, end };
  if (problem.suggestion) finding.data = { suggestion: problem.suggestion } satisfies SchemaFindingData;
  return finding;
}

/** The span of a node's text; for a quoted scalar, only the characters inside the quotes. */
function innerSpan(node: Node | null | undefined): Span | undefined {
  if (!node?.range) return undefined;
  const [start, end] = node.range;
  if (isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && end - start >= 2) {
    return { start: start + 1, end: end - 1 };
  }
  return { start, end };
}

/** Where a list item with no key of its own starts: its first key, or its first character. */
function firstLine(node: Node): Span | undefined {
  if (isCollection(node) && node.flow) return innerSpan(node);
  if (isMap(node) && node.items[0]) return innerSpan(node.items[0].key as Node);
  return node.range ? { start: node.range[0], end: Math.min(node.range[1], node.range[0] + 1) } : undefined;
}

/**
 * Where a problem sits in the YAML: an unknown field on its key; a wrong value on the value
 * (on its key instead when the value is a block collection, so a whole block is not underlined);
 * a missing field on the key of the object that lacks it (or on `kind` for the document root,
 * or on an existing empty `field:`).
 */
function placeProblem(ast: Document, path: YamlPath, anchor: SchemaProblem['anchor'], missing: string | undefined, isResource: boolean): Span | undefined {
  const found = nodeAtPath(ast, path);
  if (anchor === 'key') {
    if (found?.key) return innerSpan(found.key);
    if (found?.value) return innerSpan(found.value);
    return spanAtPath(ast, path, 'key');
  }
  if (anchor === 'value') {
    const value = found?.value;
    if (value && isCollection(value)) {
      if (value.flow) return innerSpan(value);
      return found?.key ? innerSpan(found.key) : firstLine(value);
    }
    if (value) return innerSpan(value);
    if (found?.key) return innerSpan(found.key);
    return spanAtPath(ast, path, 'value');
  }
  if (missing !== undefined) {
    const empty = nodeAtPath(ast, [...path, missing]);
    if (empty?.key) return innerSpan(empty.key);
  }
  if (path.length === 0) {
    const kind = isResource ? innerSpan(nodeAtPath(ast, ['kind'])?.value) : undefined;
    return kind ?? (isMap(ast.contents) && ast.contents.items[0] ? innerSpan(ast.contents.items[0].key as Node) : undefined);
  }
  if (found?.key) return innerSpan(found.key);
  if (found?.value && isCollection(found.value)) return firstLine(found.value);
  return spanAtPath(ast, path, 'key');
}

/**
 * The `schema-unknown-kind` finding for an Istio group the catalogue knows with an unknown kind,
 * a kind served under other versions, a kind that lives in another Istio group, or a misspelt
 * Istio group. Groups the catalogue does not know (install.istio.io, ...) get nothing.
 */
function unknownKindFinding(resource: Resource, store: SchemaStore): Finding | undefined {
  const { group, version, kind } = resource;
  const ast = resource.document.ast;
  const apiVersionSpan = innerSpan(nodeAtPath(ast, ['apiVersion'])?.value);
  const kindSpan = innerSpan(nodeAtPath(ast, ['kind'])?.value);
  const make = (span: Span | undefined, message: string, suggestion: string | undefined): Finding | undefined => {
    if (!span) return undefined;
    const finding: Finding = { code: 'schema-unknown-kind', severity: 'error', message, ...span };
    if (suggestion) finding.data = { suggestion } satisfies SchemaFindingData;
    return finding;
  };
  const groups = [...new Set(store.catalogue.kinds.map((e) => e.group))];
  const preferred = (entries: ReturnType<SchemaStore['versionsOf']>) => (entries.find((e) => e.storage) ?? entries[0]).version;

  if (!store.knowsGroup(group)) {
    const near = closestMatch(group, groups);
    const entries = near ? store.versionsOf(near, kind) : [];
    if (!near || entries.length === 0) return undefined;
    const served = entries.map((e) => e.version);
    const suggestion = `${near}/${served.includes(version) ? version : preferred(entries)}`;
    return make(apiVersionSpan, `Unknown API group "${group}". Did you mean "${suggestion}"? ${kind} is served by ${near}.`, suggestion);
  }

  const entries = store.versionsOf(group, kind);
  if (entries.length > 0) {
    const served = entries.map((e) => e.version);
    const suggestion = `${group}/${closestMatch(version, served) ?? preferred(entries)}`;
    return make(
      apiVersionSpan,
      `${kind} is not served at ${group}/${version}. Served versions: ${served.join(', ')}. Did you mean "${suggestion}"?`,
      suggestion,
    );
  }

  // The kind may belong to another Istio group (AuthorizationPolicy under networking.istio.io).
  const elsewhere = store.catalogue.kinds.filter((e) => e.kind === kind && e.group !== group);
  if (elsewhere.length > 0) {
    const home = elsewhere[0].group;
    const suggestion = `${home}/${preferred(elsewhere.filter((e) => e.group === home))}`;
    return make(apiVersionSpan, `${kind} is not a kind of ${group}; it belongs to ${home}. Did you mean "${suggestion}"?`, suggestion);
  }

  const kinds = [...new Set(store.catalogue.kinds.filter((e) => e.group === group).map((e) => e.kind))].sort();
  const suggestion = closestMatch(kind, kinds);
  const mean = suggestion ? ` Did you mean "${suggestion}"?` : '';
  return make(kindSpan, `Unknown kind "${kind}" in ${group}.${mean} Known kinds: ${kinds.join(', ')}.`, suggestion);
}

/**
 * The did-you-mean quick fix for a schema finding whose `data` carries a suggestion: replace the
 * scalar at the finding's range with the suggestion, keeping its quotes (`replaceScalar`); an empty
 * list when the finding has no suggestion or its range no longer fits the text.
 */
export function fixSchemaFinding(finding: { code: string; data?: unknown; start: number; end: number }, text: string): Fix[] {
  if (!FIXABLE.has(finding.code) || !isRecord(finding.data) || typeof finding.data.suggestion !== 'string') return [];
  const suggestion = finding.data.suggestion;
  let { start, end } = finding;
  if (start < 0 || end > text.length || start >= end) return [];
  if (text.slice(start, end) === suggestion || /[\r\n]/.test(text.slice(start, end))) return [];
  // The range covers the inside of a quoted scalar: the replacement takes the quotes with it.
  if (start > 0 && (text[start - 1] === '"' || text[start - 1] === "'") && text[end] === text[start - 1]) {
    start--;
    end++;
  }
  return [{ title: `Change to "${suggestion}"`, edits: [replaceScalar(text, { start, end }, suggestion)], isPreferred: true, fixAllSafe: true }];
}

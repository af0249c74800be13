/**
 * Evaluates the CRDs' `x-kubernetes-validations` CEL rules the way the API server does, with
 * `self` bound to each value that a rule's schema node describes. Each rule is parsed and planned
 * once. Rules that cannot be evaluated here (transition rules that read `oldSelf`, functions this
 * environment lacks, field accesses that fail at run time) are skipped silently: a rule this module
 * cannot run must never turn into a false error.
 */
import { celEnv, celFunc, celList, celMap, celMethod, CelScalar, isCelError, mapType, parse, plan, type CelEnv, type CelMap } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { YamlPath } from '../parse/yaml-path';
import type { JsonSchema } from './catalogue';
import { isRecord } from '../data';

/** One failed rule: where it sits (relative to the validated value) and its message as a sentence. */
interface CelProblem {
  path: YamlPath;
  message: string;
  rule: string;
}

interface ValidationRule {
  rule?: unknown;
  message?: unknown;
  messageExpression?: unknown;
  fieldPath?: unknown;
}

type Program = (bindings: { self: unknown }) => unknown;

/**
 * Kubernetes' URL library (`isURL`, `url`, `getScheme`, ...), which Istio's WasmPlugin, TrafficExtension
 * and RequestAuthentication rules use. A URL is carried as a CEL map with a marker key.
 */
const URL_MARKER = '\u0000url';
const URL_TYPE = mapType(CelScalar.STRING, CelScalar.STRING);

function urlPart(self: CelMap, part: string): string {
  if (self.get(URL_MARKER) !== true) throw new Error('not a URL');
  const value = self.get(part);
  return typeof value === 'string' ? value : '';
}

const CEL_FUNCTIONS = [
  ...strings,
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s) => parseRequestUri(s) !== undefined),
  celFunc('url', [CelScalar.STRING], URL_TYPE, (s) => {
    const url = parseRequestUri(s);
    if (!url) throw new Error(`URL parse error during conversion from string: ${s}`);
    return new Map<string, unknown>([[URL_MARKER, true], ...Object.entries(url)]) as Map<string, string>;
  }),
  celMethod('getScheme', URL_TYPE, [], CelScalar.STRING, function () {
    return urlPart(this, 'scheme');
  }),
  celMethod('getHost', URL_TYPE, [], CelScalar.STRING, function () {
    return urlPart(this, 'host');
  }),
  celMethod('getHostname', URL_TYPE, [], CelScalar.STRING, function () {
    return urlPart(this, 'hostname');
  }),
  celMethod('getPort', URL_TYPE, [], CelScalar.STRING, function () {
    return urlPart(this, 'port');
  }),
  celMethod('getEscapedPath', URL_TYPE, [], CelScalar.STRING, function () {
    return urlPart(this, 'path');
  }),
];

interface ParsedUrl {
  scheme: string;
  host: string;
  hostname: string;
  port: string;
  path: string;
}

/**
 * Go's `url.ParseRequestURI`, which Kubernetes' `isURL` and `url` use: an absolute URI or an
 * absolute path. Close enough to agree on every value a CRD rule is likely to see.
 */
export function parseRequestUri(s: string): ParsedUrl | undefined {
  if (/[\u0000-\u001f\u007f]/.test(s)) return undefined;
  let rest = s;
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  if (s.startsWith(':')) return undefined;
  if (m) {
    scheme = m[1].toLowerCase();
    rest = s.slice(m[0].length);
  }
  rest = rest.split('?')[0];
  if (!rest.startsWith('/')) {
    return scheme ? { scheme, host: '', hostname: '', port: '', path: '' } : undefined;
  }
  let host = '';
  if (scheme && rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    const authority = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
    rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    if (/[\s<>"{}|\\^`]/.test(host)) return undefined;
  }
  let hostname = host;
  let port = '';
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(host);
  if (bracket) {
    hostname = bracket[1];
    port = bracket[2] ?? '';
  } else if (host.startsWith('[')) {
    return undefined;
  } else if (host.includes(':')) {
    hostname = host.slice(0, host.lastIndexOf(':'));
    port = host.slice(host.lastIndexOf(':') + 1);
  }
  if (port !== '' && !/^[0-9]+$/.test(port)) return undefined;
  return { scheme, host, hostname, port, path: rest };
}

let env: CelEnv | undefined;
const programs = new Map<string, Program | null>();

/** The planned program for a rule, or null when it cannot run here (cached either way). */
function program(rule: string): Program | null {
  let p = programs.get(rule);
  if (p !== undefined) return p;
  p = null;
  if (!/\boldSelf\b/.test(rule)) {
    try {
      env ??= celEnv({ funcs: CEL_FUNCTIONS });
      p = plan(env, parse(rule)) as Program;
    } catch {
      p = null;
    }
  }
  programs.set(rule, p);
  return p;
}

/** Parses and plans a rule or message expression before its first evaluation; evaluating it later gives the same result, sooner. */
export function prepareRule(rule: string): void {
  program(rule);
}

/**
 * Expressions that each take the CEL parser and planner through a little more of their code than the one before.
 * V8 compiles a function on its first call, and the first rule of a schema calls most of the parser's: prepared
 * first, one per step, these spread that over several steps. They are planned and cached like rules.
 */
const PRIMERS = ['0', '1 + 2 <= 3', 'self.a', 'has(self.a) ? self.a : ""', '!self.contains("*")', '[1].exists(k, k == 1)', 'self.all(k, size(k) < 2)'];

/** The steps that set up CEL before a schema's first rule is prepared (see PRIMERS): none once they were taken. */
export function celWarmUpSteps(): (() => void)[] {
  const steps = PRIMERS.filter((expression) => !programs.has(expression)).map((expression) => () => prepareRule(expression));
  return env ? steps : [() => (env ??= celEnv({ funcs: CEL_FUNCTIONS })), ...steps];
}

/** Every rule and message expression of a schema and its sub-schemas, each once, in the order of the schema. */
export function ruleExpressions(schema: JsonSchema): string[] {
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (isRecord(node)) {
      const rules = node['x-kubernetes-validations'];
      if (Array.isArray(rules)) {
        for (const r of rules as ValidationRule[]) {
          if (!isRecord(r)) continue;
          if (typeof r.rule === 'string') out.add(r.rule);
          if (typeof r.messageExpression === 'string') out.add(r.messageExpression);
        }
      }
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(schema);
  return [...out];
}

/**
 * `self` as the CEL library reads a variable: a list or a map over the value (what its `toCel` makes of
 * an array or a plain object), else the value itself. The library converts a variable every time an
 * expression reads it, and a rule reads `self` several times (`has(self.a) ? self.a : ...`); converted
 * once here, it is read as it is. Children are still converted as they are read, as before.
 */
function celSelf(self: unknown): unknown {
  if (Array.isArray(self)) return celList(self);
  if (typeof self === 'object' && self !== null && self.constructor?.name === 'Object') return celMap(new Map(Object.entries(self)));
  return self;
}

/** Runs a rule: true or false, or undefined when it errs or does not return a boolean. */
export function evaluateRule(rule: string, self: unknown): boolean | undefined {
  const p = program(rule);
  if (!p) return undefined;
  try {
    const result = p({ self: celSelf(self) });
    return typeof result === 'boolean' ? result : undefined;
  } catch {
    return undefined;
  }
}

function evaluateMessage(expression: string, self: unknown): string | undefined {
  const p = program(expression);
  if (!p) return undefined;
  try {
    const result = p({ self: celSelf(self) });
    return typeof result === 'string' && result.trim() !== '' && !isCelError(result) ? result : undefined;
  } catch {
    return undefined;
  }
}

/** A rule's message as a sentence: capitalised, ending with a full stop. */
export function sentence(message: string): string {
  const text = message.trim().replace(/\s+/g, ' ');
  if (!text) return text;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** `.spec.ports` or `.foo['bar']`, relative to the rule's node; undefined when not understood. */
export function parseFieldPath(fieldPath: string): YamlPath | undefined {
  const out: YamlPath = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*(\d+)\s*\]/y;
  let pos = 0;
  while (pos < fieldPath.length) {
    re.lastIndex = pos;
    const m = re.exec(fieldPath);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(m[2].replace(/\\(.)/g, '$1'));
    else if (m[3] !== undefined) out.push(m[3].replace(/\\(.)/g, '$1'));
    else out.push(Number(m[4]));
    pos = re.lastIndex;
  }
  return out;
}

/** Whether a value has the JSON type a schema node declares (so a rule written for it can apply). */
function hasSchemaType(schema: JsonSchema, value: unknown): boolean {
  switch (schema.type) {
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return value !== null && value !== undefined;
  }
}

const hasRulesBelow = new WeakMap<object, boolean>();

/** Whether a schema node or anything below it carries CEL rules (cached per node). */
function carriesRules(schema: JsonSchema): boolean {
  const cached = hasRulesBelow.get(schema);
  if (cached !== undefined) return cached;
  hasRulesBelow.set(schema, false);
  let found = Array.isArray(schema['x-kubernetes-validations']) && schema['x-kubernetes-validations'].length > 0;
  const children: unknown[] = [];
  if (isRecord(schema.properties)) children.push(...Object.values(schema.properties));
  if (isRecord(schema.additionalProperties)) children.push(schema.additionalProperties);
  if (isRecord(schema.items)) children.push(schema.items);
  for (const child of children) if (!found && isRecord(child)) found = carriesRules(child);
  hasRulesBelow.set(schema, found);
  return found;
}

/**
 * What a rule's result can depend on, when it reads `self` only through fields (`self.hosts`,
 * `has(self.endpoints)`): those fields; null when it reads `self` whole (`self != "*"`, `self.all(...)`,
 * `size(self)`), and also when in doubt. Read from the rule's text: a `self` that is not followed by a
 * field name, or is followed by a call, counts as whole, so a string literal can only make it more cautious.
 */
function fieldsRead(rule: string): readonly string[] | null {
  const fields = new Set<string>();
  const uses = /\bself\b/g;
  const field = /\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()/y;
  for (let m = uses.exec(rule); m; m = uses.exec(rule)) {
    field.lastIndex = m.index + 4;
    const f = field.exec(rule);
    if (!f) return null;
    fields.add(f[1]);
  }
  return [...fields];
}

/**
 * A value as a key that equal values, and only those, share: its JSON, provided the value holds only what
 * JSON writes faithfully (plain objects and arrays, strings, booleans, null and finite numbers other
 * than -0); undefined otherwise, and the value is not remembered. Written out here rather than with a
 * `JSON.stringify` replacer, which costs a call for every value and key.
 */
function valueKey(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? JSON.stringify(value) : undefined;
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item = valueKey(value[i]);
          if (item === undefined) return undefined;
          out += i === 0 ? item : `,${item}`;
        }
        return `${out}]`;
      }
      if (value.constructor?.name !== 'Object') return undefined;
      let out = '{';
      let first = true;
      for (const key of Object.keys(value)) {
        const item = valueKey((value as Record<string, unknown>)[key]);
        if (item === undefined) return undefined;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${item}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

interface RuleResults {
  /** See `fieldsRead`. */
  fields: readonly string[] | null;
  results: Map<string, boolean | undefined>;
}

/** Results remembered per rule, by what the rule reads of the value (see `resultKey`): thousands of resources repeat the same few values. */
const remembered = new Map<string, RuleResults>();
/** How many results one rule remembers before it starts afresh, so that values seen once (a host name) do not pile up. */
const RESULTS_BOUND = 4096;

/** The key of what `rule` reads of `self`: the values of the fields it reads (or their absence), else the whole value; undefined when not faithful. */
function resultKey(fields: readonly string[] | null, self: unknown): string | undefined {
  if (fields === null || typeof self !== 'object' || self === null || Array.isArray(self) || self.constructor?.name !== 'Object') {
    return typeof self === 'string' ? `s${self}` : valueKey(self);
  }
  let key = '';
  for (const f of fields) {
    // The library reads a map's own entries (`Object.entries`).
    const part = Object.prototype.hasOwnProperty.call(self, f) ? valueKey((self as Record<string, unknown>)[f]) : '-';
    if (part === undefined) return undefined;
    key += `${part}\u0001`;
  }
  return key;
}

/** `evaluateRule`, remembered for values that read the same to the rule: CEL is pure, so equal inputs give equal results. */
function evaluateRuleOnce(rule: string, self: unknown): boolean | undefined {
  let known = remembered.get(rule);
  if (!known) remembered.set(rule, (known = { fields: fieldsRead(rule), results: new Map() }));
  const key = resultKey(known.fields, self);
  if (key === undefined) return evaluateRule(rule, self);
  const result = known.results.get(key);
  // A rule that errs is remembered as undefined: only then is the map asked twice.
  if (result !== undefined || known.results.has(key)) return result;
  const evaluated = evaluateRule(rule, self);
  if (known.results.size >= RESULTS_BOUND) known.results.clear();
  known.results.set(key, evaluated);
  return evaluated;
}

/**
 * Every CEL rule of `schema` and its sub-schemas that fails for `value`. Paths are relative to
 * `value`. Never throws.
 */
export function celProblems(schema: JsonSchema, value: unknown): CelProblem[] {
  const out: CelProblem[] = [];
  try {
    visit(schema, value, [], out);
  } catch {
    // A malformed schema or value yields what was found so far rather than a crash.
  }
  return out;
}

function visit(schema: JsonSchema, value: unknown, path: YamlPath, out: CelProblem[]): void {
  if (!isRecord(schema) || value === null || value === undefined || !carriesRules(schema)) return;
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules) && hasSchemaType(schema, value)) {
    for (const r of rules as ValidationRule[]) checkRule(r, value, path, out);
  }
  // `path` is one array for the whole walk, pushed and popped: a problem takes a copy (see `checkRule`).
  if (isRecord(value)) {
    const properties = isRecord(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
    const additional = isRecord(schema.additionalProperties) ? (schema.additionalProperties as JsonSchema) : undefined;
    // Keys rather than entries: no pair is made for each field of every object visited.
    for (const key of Object.keys(value)) {
      const sub = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : additional;
      if (!sub) continue;
      path.push(key);
      visit(sub, value[key], path, out);
      path.pop();
    }
  } else if (Array.isArray(value) && isRecord(schema.items)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      visit(schema.items as JsonSchema, value[i], path, out);
      path.pop();
    }
  }
}

function checkRule(r: ValidationRule, value: unknown, path: YamlPath, out: CelProblem[]): void {
  if (!isRecord(r) || typeof r.rule !== 'string') return;
  if (evaluateRuleOnce(r.rule, value) !== false) return;
  const custom = typeof r.messageExpression === 'string' ? evaluateMessage(r.messageExpression, value) : undefined;
  const message = custom ?? (typeof r.message === 'string' && r.message.trim() ? r.message : `failed rule: ${r.rule}`);
  const field = typeof r.fieldPath === 'string' ? parseFieldPath(r.fieldPath) : undefined;
  out.push({ path: field ? [...path, ...field] : [...path], message: sentence(message), rule: r.rule });
}

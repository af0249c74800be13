/**
 * The YAML parser's settings and its errors as findings, shared by the file parser and the
 * mesh-config reader (which parses the YAML inside the `istio` ConfigMap).
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  YAMLParseError,
  type Document,
  type ParseOptions,
  type DocumentOptions,
  type SchemaOptions,
  type ToJSOptions,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type { Finding } from '../model';

/** Aliases a document may expand before it counts as an alias bomb. */
export const MAX_ALIAS_COUNT = 1000;

export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  prettyErrors: false,
  // The library compares each key with every earlier key of its mapping, which takes seconds on a
  // mapping of 30,000 keys (a 2 MB ConfigMap); `markDuplicateKeys` does the same check in one pass.
  uniqueKeys: false,
  keepSourceTokens: false,
  // Findings carry what matters; the library's console warnings (keys that are collections) are noise on stderr.
  logLevel: 'error',
};
export const TO_JS_OPTIONS: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };

/**
 * Adds the library's DUPLICATE_KEY error for each mapping key equal to an earlier key of the same
 * mapping, as `uniqueKeys: true` would (same scalar value, at the key's start), in linear time.
 * Call it on every freshly parsed document (parse.ts does the same in its own walk, see `prepareTree`).
 */
export function markDuplicateKeys(doc: Document.Parsed): void {
  const found: YAMLParseError[] = [];
  // A walk of its own rather than the library's `visit`, which allocates a path at every node.
  const walk = (node: unknown): void => {
    if (isPair(node)) {
      walk(node.key);
      walk(node.value);
    } else if (isMap(node)) {
      findDuplicateKeys(node, found);
      for (const pair of node.items) walk(pair);
    } else if (isSeq(node)) for (const item of node.items) walk(item);
  };
  walk(doc.contents);
  addDuplicateKeyErrors(doc, found);
}

/** Adds to `found` a DUPLICATE_KEY error for each key of `map` equal to an earlier one (see `markDuplicateKeys`). */
export function findDuplicateKeys(map: YAMLMap, found: YAMLParseError[]): void {
  const items = map.items;
  if (items.length < 2) return;
  // Most mappings have a few keys: comparing them costs less than a set (`===` equals SameValueZero here, NaN left out).
  if (items.length <= 8) {
    const values: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const key = items[i].key;
      // A key that is not a scalar is never equal to another: a value no scalar holds stands for it.
      const value = isScalar(key) ? key.value : NOT_SCALAR;
      values.push(value);
      if (value === NOT_SCALAR || Number.isNaN(value)) continue;
      for (let j = 0; j < i; j++) {
        if (values[j] === value) {
          duplicateAt(key as Scalar, found);
          break;
        }
      }
    }
    return;
  }
  const seen = new Set<unknown>();
  for (const { key } of items) {
    if (!isScalar(key) || Number.isNaN(key.value)) continue;
    if (seen.has(key.value)) duplicateAt(key, found);
    seen.add(key.value);
  }
}

const NOT_SCALAR = Symbol('not a scalar');

function duplicateAt(key: Scalar, found: YAMLParseError[]): void {
  const start = key.range?.[0] ?? 0;
  found.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
}

/** Adds the errors `findDuplicateKeys` found in a document to its errors, in text order. */
export function addDuplicateKeyErrors(doc: Document.Parsed, found: YAMLParseError[]): void {
  if (found.length) doc.errors.push(...found.sort((a, b) => a.pos[0] - b.pos[0]));
}

/** Syntax errors and warnings of one YAML document as findings. */
export function yamlErrorFindings(doc: Document.Parsed): Finding[] {
  const out: Finding[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const [start, end] = e.pos;
    const duplicate = e.code === 'DUPLICATE_KEY';
    out.push({
      code: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
      severity: e.name === 'YAMLWarning' ? 'warning' : 'error',
      message: duplicate ? 'This key appears twice in the same mapping; Kubernetes rejects duplicate fields.' : plainYamlMessage(e.message),
      start,
      end: Math.max(end, start + 1),
    });
  }
  return out;
}

function plainYamlMessage(message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax error: ${first.charAt(0).toLowerCase()}${first.slice(1)}${/[.!?]$/.test(first) ? '' : '.'}`;
}

/**
 * Moves between YAML syntax nodes and data paths: the node (key and value) at a path, and the
 * path at a character offset. Findings use it to sit on the exact key or value they describe.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { Span } from '../model';

export type YamlPath = (string | number)[];

interface NodeAtPath {
  /** The key scalar, when the path ends in a mapping key. */
  key?: Node;
  /** The value node; undefined for `key:` with nothing after it. */
  value?: Node | null;
  pair?: Pair;
}

/** The text of a scalar's value (keys and values in Kubernetes YAML are strings, numbers or booleans). */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}

function keyText(pair: Pair<unknown, unknown>): string | undefined {
  const k = pair.key;
  return isScalar(k) ? scalarText(k.value) : undefined;
}

/** The pair in a mapping whose key is `name`, or undefined. */
function findPair(map: unknown, name: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => keyText(p) === name);
}

/** Follows `path` from the document root; undefined where a step is missing. */
export function nodeAtPath(doc: Document | { contents: unknown }, path: YamlPath): NodeAtPath | undefined {
  let current: unknown = doc.contents;
  let found: NodeAtPath = { value: current as Node };
  for (const step of path) {
    if (typeof step === 'number') {
      if (!isSeq(current)) return undefined;
      const item = current.items[step];
      if (item === undefined) return undefined;
      found = { value: item as Node };
      current = item;
    } else {
      const pair = findPair(current, step);
      if (!pair) return undefined;
      found = { key: pair.key as Node, value: pair.value as Node | null, pair };
      current = pair.value;
    }
  }
  return found;
}

/** The text range of a node, without trailing comments. */
export function nodeSpan(node: Node | null | undefined): Span | undefined {
  if (!node || !node.range) return undefined;
  return { start: node.range[0], end: node.range[1] };
}

/**
 * Where a finding about `path` should sit: on the value for `value`, on the key for `key`,
 * walking up to the nearest existing ancestor when the path does not exist. With `firstLine`, a
 * mapping or sequence value narrows to its first key, so a squiggle stays on one line.
 */
export function spanAtPath(doc: Document, path: YamlPath, prefer: 'key' | 'value' = 'value', firstLine = false): Span | undefined {
  for (let n = path.length; n >= 0; n--) {
    const found = nodeAtPath(doc, path.slice(0, n));
    if (!found) continue;
    const exact = n === path.length;
    if ((prefer === 'key' || !exact || !found.value) && found.key) {
      const span = nodeSpan(found.key);
      if (span) return span;
    }
    let node: unknown = found.value;
    if (firstLine) {
      while (isSeq(node) && node.items.length > 0) node = node.items[0];
      if (isMap(node) && node.items.length > 0) node = node.items[0].key;
    }
    const span = nodeSpan(node as Node | null | undefined) ?? nodeSpan(found.key);
    if (span) return span;
  }
  return undefined;
}

interface OffsetLocation {
  path: YamlPath;
  /** The innermost node containing the offset. */
  node?: Node;
  /** True when the offset is inside a mapping key. */
  inKey: boolean;
  /** The pair whose key or value holds the offset. */
  pair?: Pair;
}

/** The data path of the node that contains `offset` (the deepest one). */
export function pathAtOffset(doc: Document, offset: number): OffsetLocation {
  const path: YamlPath = [];
  let current: unknown = doc.contents;
  let inKey = false;
  let pair: Pair | undefined;
  const within = (node: unknown) => {
    const r = (node as Node | null)?.range;
    return !!r && offset >= r[0] && offset <= r[1];
  };
  for (;;) {
    if (isMap(current)) {
      const hit = current.items.find((p) => within(p.key) || within(p.value));
      if (!hit) break;
      const name = keyText(hit);
      if (name === undefined) break;
      pair = hit;
      path.push(name);
      if (within(hit.key) && !within(hit.value)) {
        inKey = true;
        current = hit.key;
        break;
      }
      current = hit.value;
    } else if (isSeq(current)) {
      const i = current.items.findIndex((item) => within(item));
      if (i < 0) break;
      path.push(i);
      current = current.items[i];
    } else break;
  }
  return { path, node: (current ?? undefined) as Node | undefined, inKey, pair };
}

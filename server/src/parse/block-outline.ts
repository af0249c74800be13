/**
 * The outline of one document of plain block YAML, read from its text without the YAML library: its
 * mappings, sequences and the spans of its keys and one-line scalars, as the library's tree gives them.
 * It lets a finding be placed on a document whose syntax tree was dropped (see syntax-trees.ts) without
 * parsing the document again, which on a thread that parses no other YAML costs about a millisecond a
 * document. It reads only the plainest YAML (block mappings with plain keys, block sequences, one-line
 * plain or quoted scalars without escapes, comments) and answers null for anything else, so that the
 * caller parses the tree as before: `block-outline.test.ts` compares its answers with the tree's over the corpora.
 */
import type { Span } from '../model';

/** A key or a one-line scalar, with its span in the file. */
export interface OutlineScalar {
  kind: 'scalar';
  start: number;
  end: number;
  /** Whether it is written in quotes (which its span includes). */
  quoted: boolean;
}

/** A node whose span the outline does not know: a value left empty (`key:`), which the tree holds as an empty scalar. */
interface OutlineEmpty {
  kind: 'empty';
}

interface OutlineMap {
  kind: 'map';
  items: { key: OutlineScalar; name: string; value: OutlineNode }[];
}

interface OutlineSeq {
  kind: 'seq';
  /** Where its first `-` is, where its span starts. */
  start: number;
  items: OutlineNode[];
}

export type OutlineNode = OutlineScalar | OutlineEmpty | OutlineMap | OutlineSeq;

/** Thrown while reading when the text is not plain enough; never escapes. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain('not plain block YAML');
const fail = (): never => {
  throw NOT_PLAIN;
};

/** A plain key that the core schema reads as the string it spells: never a number, boolean or null. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const NOT_STRING_KEYS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);

/** A line of the document's text: where it starts, where its content starts (after the indentation), where it ends (before its line break). */
interface Line {
  start: number;
  content: number;
  end: number;
}

/**
 * The outline of the document in `source` from `start` to `end` (a document's part of its file: the
 * comments and blank lines before it, an optional `---` line, then its content), or null when the text
 * holds anything but plain block YAML.
 */
export function blockOutline(source: string, start: number, end: number): OutlineNode | null {
  // Tabs (never indentation in YAML, but they may separate tokens) and carriage returns are left to the tree, anywhere in the document.
  const part = source.slice(start, end);
  if (part.includes('\t') || part.includes('\r')) return null;
  const lines: Line[] = [];
  let opened = false;
  for (let at = start; at < end;) {
    let lineEnd = source.indexOf('\n', at);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let content = at;
    while (content < lineEnd && source.charCodeAt(content) === 0x20) content++;
    const first = source[content];
    if (content < lineEnd && first !== '#') {
      const isMarker = content === at && (source.startsWith('---', at) || source.startsWith('...', at) || first === '%');
      if (isMarker) {
        // One `---` alone on its line may open the document; any other marker or directive, or content after it, is not read here.
        if (opened || lines.length > 0 || !/^---[ ]*(#.*)?$/.test(source.slice(at, lineEnd))) return null;
        opened = true;
      } else lines.push({ start: at, content, end: lineEnd });
    }
    at = lineEnd + 1;
  }
  if (lines.length === 0) return null;
  try {
    const reader = new Reader(source, lines);
    const root = reader.node(0, -1);
    if (reader.at < lines.length) return null;
    return root;
  } catch (e) {
    if (e instanceof NotPlain || e instanceof RangeError) return null;
    throw e;
  }
}

class Reader {
  /** The next line to read. */
  at = 0;

  constructor(
    private readonly source: string,
    private readonly lines: Line[],
  ) {}

  private indent(line: Line): number {
    return line.content - line.start;
  }

  /** The node starting at the current line's content, a collection whose entries sit at its column; `parent` is the indentation of its parent entry. */
  node(column: number, parent: number): OutlineNode {
    const line = this.lines[this.at];
    if (this.indent(line) !== column || column <= parent) fail();
    return this.isItem(line.content, line.end) ? this.seq(column) : this.map(column, line.content);
  }

  private isItem(pos: number, end: number): boolean {
    return this.source[pos] === '-' && (pos + 1 === end || this.source[pos + 1] === ' ');
  }

  /** A block sequence whose `-` sit at `column`. */
  private seq(column: number): OutlineSeq {
    const items: OutlineNode[] = [];
    const start = this.lines[this.at].content;
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      const indent = this.indent(line);
      if (indent < column) break;
      if (indent > column) fail();
      if (!this.isItem(line.content, line.end)) break;
      let pos = line.content + 1;
      while (pos < line.end && this.source.charCodeAt(pos) === 0x20) pos++;
      if (pos === line.end || this.source[pos] === '#') {
        // `-` alone: the item is on the lines below, more indented, or empty.
        this.at++;
        items.push(this.below(column));
      } else if (this.isItem(pos, line.end)) {
        fail();
      } else if (this.entryAt(pos, line.end) !== undefined) {
        // `- key: value`: a mapping whose keys sit at the column of its first key.
        items.push(this.map(pos - line.start, pos));
      } else {
        this.at++;
        items.push(this.scalar(pos, line.end, column));
      }
    }
    return { kind: 'seq', start, items };
  }

  /** A block mapping whose keys sit at `column`; its first key is at `first` on the current line. */
  private map(column: number, first: number): OutlineMap {
    const items: OutlineMap['items'] = [];
    let pos = first;
    for (;;) {
      const line = this.lines[this.at];
      const colon = this.entryAt(pos, line.end) ?? fail();
      const name = this.source.slice(pos, colon);
      if (!PLAIN_KEY.test(name) || NOT_STRING_KEYS.has(name)) fail();
      const key: OutlineScalar = { kind: 'scalar', start: pos, end: colon, quoted: false };
      let value = colon + 1;
      while (value < line.end && this.source.charCodeAt(value) === 0x20) value++;
      this.at++;
      if (value === line.end || this.source[value] === '#') {
        items.push({ key, name, value: this.below(column, true) });
      } else {
        if (value === colon + 1) fail();
        items.push({ key, name, value: this.scalar(value, line.end, column) });
      }
      const next = this.lines[this.at];
      if (!next) break;
      const indent = this.indent(next);
      if (indent < column) break;
      if (indent > column) fail();
      // A sequence item at the column of a mapping's keys, after an entry with a value, is an error.
      if (this.isItem(next.content, next.end)) fail();
      pos = next.content;
    }
    return { kind: 'map', items };
  }

  /**
   * The value on the lines below an entry at `column` whose own line holds nothing more: a more indented
   * node, a sequence at the same column for a mapping's entry (`compact`), or else an empty value.
   */
  private below(column: number, compact = false): OutlineNode {
    const next = this.lines[this.at];
    if (!next) return { kind: 'empty' };
    const indent = this.indent(next);
    if (indent > column) return this.node(indent, column);
    if (compact && indent === column && this.isItem(next.content, next.end)) return this.seq(column);
    return { kind: 'empty' };
  }

  /** Where the `:` of a mapping entry starting at `pos` is: the first `:` followed by a space or the line's end; undefined for none. */
  private entryAt(pos: number, end: number): number | undefined {
    const c = this.source[pos];
    if (c === '"' || c === "'") return undefined;
    for (let i = pos; i < end; i++) {
      const ch = this.source[i];
      if (ch === '#' && i > pos && this.source[i - 1] === ' ') return undefined;
      if (ch === ':' && (i + 1 === end || this.source[i + 1] === ' ')) return i;
    }
    return undefined;
  }

  /** A one-line scalar starting at `pos` on the line just read, whose entry sits at `column`. */
  private scalar(pos: number, end: number, column: number): OutlineScalar {
    const s = this.source;
    const c = s[pos];
    let last: number;
    if (c === '"' || c === "'") {
      const close = s.indexOf(c, pos + 1);
      if (close < 0 || close >= end) fail();
      const inner = s.slice(pos + 1, close);
      if (inner.includes('\\') || (c === "'" && s[close + 1] === "'")) fail();
      last = close + 1;
      let rest = last;
      while (rest < end && s.charCodeAt(rest) === 0x20) rest++;
      if (rest < end && !(s[rest] === '#' && rest > last)) fail();
    } else {
      // Indicators that open anything but a plain scalar (flow collections, anchors, aliases, tags, block scalars, directives, reserved).
      if ('[]{}&*!|>%@`?:,-#'.includes(c)) fail();
      let i = pos;
      last = pos;
      for (; i < end; i++) {
        const ch = s[i];
        if (ch === '#' && s[i - 1] === ' ') break;
        if (ch === ':' && (i + 1 === end || s[i + 1] === ' ')) fail();
        if ('[]{}'.includes(ch)) fail();
        if (ch !== ' ') last = i + 1;
      }
    }
    // A plain scalar goes on over more indented lines, and a more indented line below any other is an error: neither is read here.
    const next = this.lines[this.at];
    if (next && this.indent(next) > column) fail();
    if (next && this.hasLineBelow(end, next.start, column)) fail();
    return { kind: 'scalar', start: pos, end: last, quoted: c === '"' || c === "'" };
  }

  /** Whether a comment line between two content lines is indented deeper than `column` (it might continue a scalar). */
  private hasLineBelow(from: number, to: number, column: number): boolean {
    for (let at = from + 1; at < to;) {
      let lineEnd = this.source.indexOf('\n', at);
      if (lineEnd < 0 || lineEnd > to) lineEnd = to;
      let content = at;
      while (content < lineEnd && this.source.charCodeAt(content) === 0x20) content++;
      if (content < lineEnd && content - at > column) return true;
      at = lineEnd + 1;
    }
    return false;
  }
}

/** What `outlineSpanAtPath` answers when only the tree can say. */
export const UNSURE = Symbol('unsure');

/** The outline's node at `path` (as `nodeAtPath` follows it); undefined where a step is missing. */
export function outlineAt(root: OutlineNode, path: readonly (string | number)[]): { key?: OutlineScalar; value: OutlineNode } | undefined {
  let found: { key?: OutlineScalar; value: OutlineNode } = { value: root };
  for (const step of path) {
    const current = found.value;
    if (typeof step === 'number') {
      if (current.kind !== 'seq') return undefined;
      const item = current.items[step];
      if (item === undefined) return undefined;
      found = { value: item };
    } else {
      if (current.kind !== 'map') return undefined;
      const pair = current.items.find((p) => p.name === step);
      if (!pair) return undefined;
      found = { key: pair.key, value: pair.value };
    }
  }
  return found;
}

/**
 * `spanAtPath` (yaml-path.ts) answered from an outline: the same span the document's tree gives, or
 * UNSURE where the answer would be the span of something the outline does not place (a collection, an empty value).
 */
export function outlineSpanAtPath(
  root: OutlineNode,
  path: readonly (string | number)[],
  prefer: 'key' | 'value',
  firstLine: boolean,
): Span | undefined | typeof UNSURE {
  for (let n = path.length; n >= 0; n--) {
    const found = outlineAt(root, n === path.length ? path : path.slice(0, n));
    if (!found) continue;
    const exact = n === path.length;
    // An empty value is a node in the tree too (an empty scalar), so only a present key counts here.
    if ((prefer === 'key' || !exact) && found.key) return { start: found.key.start, end: found.key.end };
    let node = found.value;
    if (firstLine) {
      while (node.kind === 'seq' && node.items.length > 0) node = node.items[0];
      if (node.kind === 'map' && node.items.length > 0) node = node.items[0].key;
    }
    if (node.kind === 'scalar') return { start: node.start, end: node.end };
    return UNSURE;
  }
  return undefined;
}

/**
 * Where a cursor sits in YAML that is being typed: at a mapping key (maybe half written), or at a
 * value after `key:`, and the data path of the mapping or key it belongs to. The path comes from
 * indentation and `- ` markers of the lines above, because the YAML being edited is often too
 * incomplete for the parser to have a node at the cursor; the syntax tree is used only to name
 * the path of a well-formed parent key exactly. It knows nothing of schemas.
 */
import type { Document } from 'yaml';
import type { Span } from '../model';
import { pathAtOffset, type YamlPath } from '../parse/yaml-path';

/** One line of text, read for its block structure only. */
interface LineInfo {
  index: number;
  /** Offset of the first character (after a byte order mark on the first line). */
  start: number;
  /** Leading spaces: the column of the first `-` or of the content. */
  indent: number;
  /** Columns of the `- ` sequence markers that open the line. */
  dashes: number[];
  /** Column of what follows the indentation and the dashes. */
  contentCol: number;
  /** The mapping key that starts the content, unquoted. */
  key?: string;
  /** Offset of the key's first character. */
  keyStart?: number;
  /** What follows `key:`, without a trailing comment, trimmed. */
  value?: string;
  /** Empty or comment-only. */
  blank: boolean;
  /** Only `- ` markers (and maybe a comment): a sequence item whose content starts on the next line. */
  emptyItem: boolean;
  /** A document marker (`---`, `...`) or directive: structure never crosses it. */
  marker: boolean;
}

/** The path of a mapping or key; inside a block scalar, relative to the YAML held by the scalar. */
interface ResolvedPath {
  path: YamlPath;
  /** Set when the cursor is inside a block scalar (`key: |`): the path of that scalar's key. */
  block?: YamlPath;
}

interface CursorBase extends ResolvedPath {
  /** The text the completion replaces: the word under the cursor. */
  replace: Span;
  /** The part of that word before the cursor. */
  partial: string;
  line: number;
}

/** The cursor is where a mapping key goes, in the mapping at `path`. */
export interface KeyCursor extends CursorBase {
  type: 'key';
  /** Column of the key. */
  column: number;
  /** Leading spaces of the cursor's line (before any `- `). */
  lineIndent: number;
  /** The line opens a sequence item (`- ` before the key), so `path` ends in an item index. */
  inItem: boolean;
  /** The word is already followed by `:`, so only the key name should be inserted. */
  hasColon: boolean;
  /** Keys already written in the same mapping, apart from the one being typed. */
  present: Set<string>;
}

/** The cursor is in the value of the key at `path` (`path` ends in that key). */
export interface ValueCursor extends CursorBase {
  type: 'value';
  /** The value is an item of a flow sequence (`key: [a, |]`): its schema is the key's items. */
  flowItem: boolean;
  quoted: boolean;
  /** The cursor touches the colon (`key:|`), so an inserted value needs a leading space. */
  needsSpace: boolean;
}

export type CursorContext = KeyCursor | ValueCursor;

/** How a document indents: spaces per level, and where `- ` sits under its key. */
interface IndentStyle {
  unit: number;
  /** Columns from a key to the `- ` of its sequence value: 0 for `key:\n- a`, 2 for `key:\n  - a`. */
  sequence: number;
}

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"[\]{},](?:[^#]*?[^\s])?))[ \t]*:(?=[ \t]|$)/;
const PARTIAL_KEY = /^[A-Za-z0-9_./-]*$/;
const WORD_AFTER = /^[A-Za-z0-9_./-]*/;
const VALUE_WORD_AFTER = /^[^\s"',\]}#]*/;
/** Nesting deeper than this is not resolved (the walk recurses once per level). */
const MAX_DEPTH = 1000;

/** The text split into lines, read lazily and cached per call. */
export class LineReader {
  private readonly starts: number[] = [0];
  private readonly cache = new Map<number, LineInfo>();

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get count(): number {
    return this.starts.length;
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Offset of the first character of line `index`, after a byte order mark. */
  startOf(index: number): number {
    const start = this.starts[index];
    return index === 0 && this.text.charCodeAt(0) === 0xfeff ? 1 : start;
  }

  /** Offset just past the line's content, before `\r\n` or `\n`. */
  endOf(index: number): number {
    let end = index + 1 < this.starts.length ? this.starts[index + 1] - 1 : this.text.length;
    if (end > this.startOf(index) && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  info(index: number): LineInfo {
    let info = this.cache.get(index);
    if (!info) {
      const start = this.startOf(index);
      info = parseLine(this.text.slice(start, this.endOf(index)), start, index);
      this.cache.set(index, info);
    }
    return info;
  }
}

/** Reads one line's block structure: indentation, `- ` markers, and a leading `key:`. */
function parseLine(line: string, start: number, index: number): LineInfo {
  let indent = 0;
  while (indent < line.length && (line[indent] === ' ' || line[indent] === '\t')) indent++;
  const dashes: number[] = [];
  let col = indent;
  while (line[col] === '-' && (col + 1 === line.length || line[col + 1] === ' ' || line[col + 1] === '\t')) {
    dashes.push(col);
    col++;
    while (line[col] === ' ' || line[col] === '\t') col++;
  }
  const content = line.slice(col);
  const marker = /^(?:---|\.\.\.)(?:\s|$)/.test(line) || line.startsWith('%');
  const empty = content === '' || content.startsWith('#');
  const info: LineInfo = { index, start, indent, dashes, contentCol: col, blank: dashes.length === 0 && empty, emptyItem: dashes.length > 0 && empty, marker };
  const m = KEY.exec(content);
  if (m && !marker) {
    info.key = m[1] !== undefined ? unescapeDouble(m[1]) : m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3];
    info.keyStart = start + col;
    info.value = stripComment(content.slice(m[0].length)).trim();
  }
  return info;
}

function unescapeDouble(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/** Drops a `# comment`, which starts at a `#` after whitespace outside quotes. */
function stripComment(s: string): string {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      if (i === 0 || /\s/.test(s[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) {
      return s.slice(0, i);
    }
  }
  return s;
}

/** `key:` with nothing after it (but maybe an anchor or tag): a parent of the lines below. */
function opensBlock(value: string | undefined): boolean {
  return value !== undefined && (value === '' || /^(?:[&!]\S*)$/.test(value));
}

function isBlockScalarHeader(value: string | undefined): boolean {
  return value !== undefined && /^(?:[&!]\S*\s+)*[|>][0-9+-]*$/.test(value);
}

function extend(base: ResolvedPath, ...steps: YamlPath): ResolvedPath {
  return base.block ? { path: [...base.path, ...steps], block: base.block } : { path: [...base.path, ...steps] };
}

/**
 * Resolves paths for lines of one text, walking up from a line to its parents. `ast`, when given,
 * names the path of a parent key exactly (quoted keys, sequence indexes as the parser counted them);
 * where it cannot (broken YAML, inside a block scalar) the walk carries on through the text.
 */
class PathResolver {
  private depth = 0;

  constructor(
    readonly lines: LineReader,
    private readonly ast?: Document,
  ) {}

  /**
   * The path of the mapping whose keys sit at column `col`, for a key on line `index` (described by
   * `self`, which may be the cursor's half-typed line).
   */
  mapping(index: number, col: number, self: LineInfo): ResolvedPath | undefined {
    if (++this.depth > MAX_DEPTH) return undefined;
    try {
      if (self.dashes.length > 0 && self.contentCol === col) return this.item(index, self, self.dashes.length - 1);
      for (let i = index - 1; i >= 0; i--) {
        const line = this.lines.info(i);
        if (line.marker) break;
        if (line.blank) continue;
        if (line.contentCol === col && line.key !== undefined) {
          if (line.dashes.length > 0) return this.item(i, line, line.dashes.length - 1);
          continue;
        }
        if (line.indent >= col) continue;
        if (line.key !== undefined && line.contentCol < col) {
          if (isBlockScalarHeader(line.value)) {
            const header = this.key(i, line);
            return header && !header.block ? { path: [], block: header.path } : undefined;
          }
          return opensBlock(line.value) ? this.key(i, line) : undefined;
        }
        if (line.emptyItem && line.dashes[line.dashes.length - 1] < col) return this.item(i, line, line.dashes.length - 1);
        return undefined;
      }
      return { path: [] };
    } finally {
      this.depth--;
    }
  }

  /** The path of the key on line `index`. */
  key(index: number, line: LineInfo): ResolvedPath | undefined {
    if (line.key === undefined) return undefined;
    if (this.ast && line.keyStart !== undefined) {
      const at = pathAtOffset(this.ast, line.keyStart);
      if (at.inKey && at.path[at.path.length - 1] === line.key) return { path: at.path };
    }
    const parent = this.mapping(index, line.contentCol, line);
    return parent && extend(parent, line.key);
  }

  /** The path of the sequence item opened by the `dash`-th `- ` on line `index`. */
  item(index: number, self: LineInfo, dash: number): ResolvedPath | undefined {
    if (++this.depth > MAX_DEPTH) return undefined;
    try {
      const col = self.dashes[dash];
      if (dash > 0) {
        const outer = this.item(index, self, dash - 1);
        return outer && extend(outer, 0);
      }
      let position = 0;
      for (let i = index - 1; i >= 0; i--) {
        const line = this.lines.info(i);
        if (line.marker) break;
        if (line.blank) continue;
        const at = line.dashes.indexOf(col);
        if (at === 0) {
          position++;
          continue;
        }
        if (at > 0) {
          const outer = this.item(i, line, at - 1);
          return outer && extend(outer, position + 1);
        }
        if (line.indent > col) continue;
        if (line.key !== undefined && line.contentCol <= col && opensBlock(line.value)) {
          const seq = this.key(i, line);
          return seq && extend(seq, position);
        }
        return undefined;
      }
      return { path: [position] };
    } finally {
      this.depth--;
    }
  }

  /** Keys written in the mapping at column `col` that line `index` belongs to, apart from that line's own. */
  siblingKeys(index: number, col: number, self: LineInfo): Set<string> {
    const keys = new Set<string>();
    const opensItem = self.dashes.length > 0 && self.contentCol === col;
    if (!opensItem) {
      for (let i = index - 1; i >= 0; i--) {
        const line = this.lines.info(i);
        if (line.marker) break;
        if (line.blank) continue;
        // At the same indentation, or the `- key:` line that opens this item's mapping.
        if (line.contentCol === col && line.key !== undefined) keys.add(line.key);
        if (line.indent < col) break;
      }
    }
    for (let i = index + 1; i < this.lines.count; i++) {
      const line = this.lines.info(i);
      if (line.marker) break;
      if (line.blank) continue;
      if (line.indent < col) break;
      if (line.indent === col && line.dashes.length === 0 && line.key !== undefined) keys.add(line.key);
    }
    return keys;
  }
}

/**
 * What the cursor at `offset` is completing. `ast` is the syntax tree of the document holding the
 * offset. Undefined inside comments, block scalar headers, flow mappings and other places where
 * no key or value is being typed.
 */
export function cursorContext(lines: LineReader, offset: number, ast?: Document): CursorContext | undefined {
  const text = lines.text;
  const index = lines.lineOf(offset);
  const lineStart = lines.startOf(index);
  if (offset < lineStart) return undefined;
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, lines.endOf(index));
  const resolver = new PathResolver(lines, ast);
  const self = parseLine(before, lineStart, index);
  if (self.marker) return undefined;
  const typed = before.slice(self.contentCol);

  // A `-` just typed, with no space yet, is not a sequence item the key could go in.
  if (before.endsWith('-') && self.dashes[self.dashes.length - 1] === before.length - 1) return undefined;
  if (self.key === undefined && PARTIAL_KEY.test(typed)) {
    if (typed.startsWith('-')) return undefined;
    const col = self.contentCol;
    const resolved = resolver.mapping(index, col, self);
    if (!resolved) return undefined;
    const rest = WORD_AFTER.exec(after)?.[0] ?? '';
    return {
      type: 'key',
      ...resolved,
      line: index,
      column: col,
      lineIndent: self.indent,
      inItem: self.dashes.length > 0,
      hasColon: /^[ \t]*:/.test(after.slice(rest.length)),
      partial: typed,
      replace: { start: offset - typed.length, end: offset + rest.length },
      present: resolver.siblingKeys(index, col, self),
    };
  }

  if (self.key === undefined || self.keyStart === undefined) return undefined;
  const raw = before.slice(self.contentCol);
  const colon = KEY.exec(raw);
  if (!colon) return undefined;
  const afterColon = raw.slice(colon[0].length);
  const spaces = /^[ \t]*/.exec(afterColon)![0];
  const valueText = afterColon.slice(spaces.length);
  if (/^[|>{&!*]/.test(valueText)) return undefined;
  let partial = valueText;
  let quoted = false;
  let flowItem = false;
  if (valueText.startsWith('[')) {
    const inner = valueText.slice(1);
    if (/[\]{}[]/.test(inner)) return undefined;
    const lastComma = inner.lastIndexOf(',');
    partial = inner.slice(lastComma + 1).replace(/^\s+/, '');
    flowItem = true;
  }
  if (partial.startsWith('"') || partial.startsWith("'")) {
    if (partial.indexOf(partial[0], 1) >= 0) return undefined;
    partial = partial.slice(1);
    quoted = true;
  } else if (/\s#/.test(partial) || partial.startsWith('#')) {
    return undefined;
  }
  const keyPath = resolver.mapping(index, self.contentCol, self);
  if (!keyPath) return undefined;
  const rest = VALUE_WORD_AFTER.exec(after)?.[0] ?? '';
  return {
    type: 'value',
    ...extend(keyPath, self.key),
    line: index,
    partial,
    replace: { start: offset - partial.length, end: offset + rest.length },
    flowItem,
    quoted,
    needsSpace: spaces === '' && valueText === '',
  };
}

/** The document's indentation habits, read from its first few hundred structural lines. */
export function indentStyle(lines: LineReader, fromLine: number, toLine: number): IndentStyle {
  let unit: number | undefined;
  let sequence: number | undefined;
  const last = Math.min(toLine, fromLine + 2000, lines.count - 1);
  for (let i = fromLine; i <= last && (unit === undefined || sequence === undefined); i++) {
    const line = lines.info(i);
    if (line.key === undefined || !opensBlock(line.value)) continue;
    let j = i + 1;
    while (j <= last && lines.info(j).blank) j++;
    if (j > last) break;
    const next = lines.info(j);
    if (next.marker) continue;
    if (next.dashes.length > 0 && next.indent >= line.contentCol) sequence ??= next.indent - line.contentCol;
    else if (next.dashes.length === 0 && next.indent > line.contentCol) unit ??= next.indent - line.contentCol;
  }
  return { unit: unit && unit > 0 && unit <= 8 ? unit : 2, sequence: sequence !== undefined && sequence <= 8 ? sequence : 0 };
}

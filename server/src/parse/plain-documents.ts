/**
 * The plain data of a file's documents read straight from the YAML library's concrete syntax tree
 * (its `Parser` output), for files whose data alone is wanted (a worker thread's record): composing
 * `Document` nodes with ranges and comments only to turn them into data and drop them took about a
 * third of the time spent parsing. It covers only what a plain manifest is made of (block mappings and
 * sequences, plain, quoted and block scalars, comments) and answers undefined for anything else, or
 * anything the library would report a problem for, so that the caller composes the file as usual.
 * Each answer is the one the library gives (`plain-documents.test.ts` compares both over the corpora):
 * scalars are read with the library's own `CST.resolveAsScalar` (a plain scalar of one line is its source, see
 * `plainLineEnd`) and typed by its core schema's tags, and ranges follow the composer's rules. It lexes
 * and parses nothing itself.
 */
import { CST, Document, isScalar, type ScalarTag } from 'yaml';
import type { Span } from '../model';
import { PARSE_OPTIONS } from './syntax';

/** A document's data and range, as `Document.toJS` and `Document.range` give them. */
export interface PlainDocument {
  start: number;
  end: number;
  value: unknown;
  /**
   * Where `spanAtPath(tree, ['metadata', 'name'])` is when `metadata.name` is a written scalar (see
   * name-spans.ts); undefined otherwise, when only the tree can say.
   */
  name?: Span;
}

/** Thrown inside the reader when the library could read the text differently or report a problem; never escapes. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain('not a plain document');

/** The tags the composer tries on a plain scalar (core schema, YAML 1.2), in its order. */
const SCHEMA = new Document(undefined, PARSE_OPTIONS).schema;
const VALUE_TAGS = SCHEMA.tags.filter((t): t is ScalarTag => !('collection' in t && t.collection) && t.default === true && !!t.test);
const KEY_TAGS = SCHEMA.tags.filter((t): t is ScalarTag => !('collection' in t && t.collection) && (t.default === true || t.default === 'key') && !!t.test);
/**
 * Whether any of `tags` matches: one regular expression for what is most often a string, so that only
 * the others try each tag in turn. The tags' tests are whole-string patterns without flags.
 */
const anyOf = (tags: readonly ScalarTag[]): RegExp => new RegExp(tags.map((t) => `(?:${t.test!.source})`).join('|'));
const ANY_VALUE_TAG = anyOf(VALUE_TAGS);
const ANY_KEY_TAG = anyOf(KEY_TAGS);
const fail = (): never => {
  throw NOT_PLAIN;
};

/**
 * The documents of a stream of top-level CST tokens (what `Parser.parse` yields) as data, or undefined
 * when any document is not plain, the stream holds anything but documents, comments and blank space,
 * or composing would report a problem.
 */
export function plainDocuments(tokens: readonly CST.Token[]): PlainDocument[] | undefined {
  const out: PlainDocument[] = [];
  try {
    for (const token of tokens) {
      switch (token.type) {
        case 'document':
          out.push(plainDocument(token));
          break;
        case 'comment':
        case 'newline':
        case 'space':
        case 'byte-order-mark':
          break;
        default:
          return undefined;
      }
    }
  } catch {
    // Nesting too deep for this reader included: the composer then reports what it reports.
    return undefined;
  }
  return out;
}

/** What `resolveProps` in the composer works out of a node's leading tokens, for the tokens allowed here. */
interface Props {
  /** The indicator (`-`, `:`, `---`), if present. */
  found: CST.SourceToken | undefined;
  comment: boolean;
  hasNewline: boolean;
  /** Where the tokens end (`offset` when there are none). */
  end: number;
}

/**
 * Reads `tokens` as the composer's `resolveProps` does, failing where it would report a problem or
 * where anything but blank space, comments and one `indicator` appears (anchors, tags, explicit keys, tabs).
 */
function props(tokens: readonly CST.SourceToken[], indicator: string, offset: number, startOnNewline: boolean): Props {
  let hasSpace = startOnNewline;
  let found: CST.SourceToken | undefined;
  let comment = false;
  let hasNewline = false;
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        if (token.source.includes('\t')) fail();
        hasSpace = true;
        break;
      case 'newline':
        hasNewline = true;
        hasSpace = true;
        break;
      case 'comment':
        if (!hasSpace) fail();
        comment = true;
        break;
      default:
        if (token.type !== indicator || found) fail();
        found = token;
        hasSpace = false;
    }
  }
  const last = tokens[tokens.length - 1];
  return { found, comment, hasNewline, end: last ? last.offset + last.source.length : offset };
}

/** Where the composer places an empty node (`emptyScalarPosition`) after the tokens `before`. */
function emptyPosition(offset: number, before: readonly CST.SourceToken[]): number {
  for (let i = before.length - 1; i >= 0; --i) {
    let st = before[i];
    if (st.type === 'space' || st.type === 'comment' || st.type === 'newline') {
      offset -= st.source.length;
      continue;
    }
    st = before[++i];
    while (st?.type === 'space') {
      offset += st.source.length;
      st = before[++i];
    }
    break;
  }
  return offset;
}

/** Where the composer ends an empty node (`composeEmptyNode`): at the end of its props when they hold a comment. */
function emptyEnd(p: Props, before: readonly CST.SourceToken[]): number {
  return p.comment ? p.end : emptyPosition(p.end, before);
}

/** A node's data and where the composer ends it (`range[2]`). */
interface Read {
  value: unknown;
  end: number;
}

function plainDocument(doc: CST.Document): PlainDocument {
  const { offset, start, value, end } = doc;
  const p = props(start, 'doc-start', offset, true);
  if (p.found && value && (value.type === 'block-map' || value.type === 'block-seq') && !p.hasNewline) fail();
  const read = value ? node(value) : { value: null, end: emptyEnd(p, start) };
  let docEnd = read.end;
  // `resolveEnd` after the document's content, without the strict check of comments' spacing.
  if (end) {
    for (const token of end) {
      if (token.type !== 'space' && token.type !== 'comment' && token.type !== 'newline') fail();
      docEnd += token.source.length;
    }
  }
  const name = value?.type === 'block-map' ? nameSpan(value) : undefined;
  return { start: offset, end: docEnd, value: read.value, ...(name ? { name } : {}) };
}

/** The span of `metadata.name`'s value when it is a scalar: the composer's range of it, as the library resolves it. */
function nameSpan(map: CST.BlockMap): Span | undefined {
  const metadata = valueAt(map, 'metadata');
  const name = metadata?.type === 'block-map' ? valueAt(metadata, 'name') : undefined;
  if (name?.type !== 'scalar' && name?.type !== 'single-quoted-scalar' && name?.type !== 'double-quoted-scalar' && name?.type !== 'block-scalar')
    return undefined;
  const range = CST.resolveAsScalar(name)?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/** The value token of a key in a block mapping already read as plain (so its keys are unique). */
function valueAt(map: CST.BlockMap, key: string): CST.Token | undefined {
  for (const item of map.items) {
    const k = item.key;
    if (!item.sep || (k?.type !== 'scalar' && k?.type !== 'single-quoted-scalar' && k?.type !== 'double-quoted-scalar')) continue;
    if ((k.type === 'scalar' && !k.source.includes('\n') ? k.source : CST.resolveAsScalar(k)?.value) === key) return item.value;
  }
  return undefined;
}

function node(token: CST.Token): Read {
  switch (token.type) {
    case 'block-map':
      return blockMap(token);
    case 'block-seq':
      return blockSeq(token);
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
      return scalar(token, false);
    default:
      // Aliases, flow collections, errors.
      return fail();
  }
}

/** A scalar's data: the composer's core schema gives only these (a BigInt only with `intAsBigInt`, which is not set). */
type ScalarValue = string | number | boolean | null;

function scalar(token: CST.FlowScalar | CST.BlockScalar, atKey: boolean): { value: ScalarValue; end: number } {
  let source: string;
  let end: number;
  if (token.type === 'scalar' && !token.source.includes('\n')) {
    source = token.source;
    end = plainLineEnd(token);
  } else {
    const resolved = CST.resolveAsScalar(token, true, fail);
    if (!resolved) return fail();
    if (token.type !== 'scalar') return { value: resolved.value, end: resolved.range[2] };
    source = resolved.value;
    end = resolved.range[2];
  }
  let value: unknown = source;
  // `findScalarTagByTest` in the composer: the first default tag whose test matches, else a string.
  if ((atKey ? ANY_KEY_TAG : ANY_VALUE_TAG).test(source)) {
    for (const tag of atKey ? KEY_TAGS : VALUE_TAGS) {
      if (tag.test!.test(source)) {
        const res = tag.resolve(source, fail, PARSE_OPTIONS);
        value = isScalar(res) ? res.value : res;
        break;
      }
    }
  }
  if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') fail();
  return { value: value as ScalarValue, end };
}

/**
 * Where `CST.resolveAsScalar` ends a plain scalar of one line (`range[2]`), whose value is its source:
 * `plainValue` and `resolveEnd` in the composer, without the objects they make for each scalar. Fails
 * where they report a problem.
 */
function plainLineEnd(token: CST.FlowScalar): number {
  switch (token.source[0]) {
    case '\t':
    case ',':
    case '%':
    case '|':
    case '>':
    case '@':
    case '`':
      fail();
  }
  let end = token.offset + token.source.length;
  let hasSpace = false;
  for (const t of token.end ?? []) {
    if (t.type === 'space' || t.type === 'newline') hasSpace = true;
    else if (t.type !== 'comment' || !hasSpace) fail();
    end += t.source.length;
  }
  return end;
}

function blockMap(map: CST.BlockMap): Read {
  const data: Record<string, unknown> = {};
  let offset = map.offset;
  let commentEnd: number | null = null;
  for (const item of map.items) {
    const { start, key, sep, value } = item;
    const keyProps = props(start, 'explicit-key-ind', offset, true);
    if (keyProps.found || item.explicitKey) fail();
    if (!sep) {
      // A line of comments between items; a key without `:` is the parser's error case.
      if (key) fail();
      commentEnd = keyProps.end;
      continue;
    }
    if (!key || (key.type !== 'scalar' && key.type !== 'single-quoted-scalar' && key.type !== 'double-quoted-scalar')) return fail();
    if (key.indent !== map.indent || key.source.includes('\n') || key.end?.some((t) => t.type === 'newline')) fail();
    const k = scalar(key, true);
    const valueProps = props(sep, 'map-value-ind', k.end, false);
    if (!valueProps.found) fail();
    if (value?.type === 'block-map' && !valueProps.hasNewline) fail();
    // The library limits an implicit key to 1024 characters before its `:`, counted from `keyProps.start`.
    if (keyProps.end < valueProps.found!.offset - 1024) fail();
    const v = value ? node(value) : { value: null, end: emptyEnd(valueProps, sep) };
    offset = v.end;
    // `addPairToJSMap`: keys become strings; a key met twice (or a merge key) is left to the composer and its duplicate-key check.
    const name = k.value === null ? '' : String(k.value);
    if (name === '<<') fail();
    if (!(name in data)) data[name] = v.value;
    else if (Object.hasOwn(data, name)) fail();
    else Object.defineProperty(data, name, { value: v.value, writable: true, enumerable: true, configurable: true });
  }
  if (commentEnd && commentEnd < offset) fail();
  return { value: data, end: commentEnd ?? offset };
}

function blockSeq(seq: CST.BlockSequence): Read {
  const data: unknown[] = [];
  let offset = seq.offset;
  let commentEnd: number | null = null;
  for (const item of seq.items) {
    if ('key' in item || 'sep' in item) fail();
    const { start, value } = item;
    const p = props(start, 'seq-item-ind', offset, true);
    if (!p.found) {
      if (value) fail();
      commentEnd = p.end;
      continue;
    }
    const v = value ? node(value) : { value: null, end: emptyEnd(p, start) };
    offset = v.end;
    data.push(v.value);
  }
  return { value: data, end: commentEnd ?? offset };
}

/**
 * Text surgery on YAML shared by quick fixes and generators: minimal edits that add a key, append a
 * sequence item, replace a scalar or append a document, matching the file's indentation, sequence
 * style, quoting and line endings. Everything else in the file, comments included, is left as it is.
 */
import YAML, { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { TextEdit } from '../model';
import { nodeAtPath, type YamlPath } from '../parse/yaml-path';

/** The line ending the file uses: CRLF, LF, or a lone CR (old Mac files). */
function eolOf(text: string): string {
  if (text.includes('\r\n')) return '\r\n';
  return !text.includes('\n') && text.includes('\r') ? '\r' : '\n';
}

/** The start of the line holding `offset`; lines end at LF, CRLF or a lone CR. */
function lineStartOf(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/** The end of the line holding `offset` (before its line break), so an insertion keeps trailing comments on their line. */
function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Indents every line of `block` but the first by `indent` spaces, and uses `eol` between lines. */
function indentBlock(block: string, indent: number, eol: string): string {
  const pad = ' '.repeat(indent);
  return block
    .replace(/(\r\n|\r|\n)$/, '')
    .split(/\r\n|\r|\n/)
    .map((line, i) => (i === 0 || line === '' ? line : pad + line))
    .join(eol);
}

/** Renders plain data as block YAML in the style of Istio's docs (sequences not indented under their key). */
/** The text after `edits`, which must not overlap: applied from the last to the first, so offsets stay valid. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

export function toYaml(value: unknown): string {
  return YAML.stringify(value, { indentSeq: false, lineWidth: 0 });
}

/**
 * Replaces a scalar's text, keeping its quotes when it had any. A plain value that YAML would read
 * as something else (a leading `*` makes an alias, `a: b` a mapping) is written double-quoted.
 */
export function replaceScalar(text: string, span: { start: number; end: number }, value: string): TextEdit {
  const raw = text.slice(span.start, span.end);
  const quote = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw[raw.length - 1] === raw[0] ? raw[0] : '';
  if (quote === "'") return { start: span.start, end: span.end, newText: `'${value.replace(/'/g, "''")}'` };
  if (quote === '"' || !readsAsPlain(value)) return { start: span.start, end: span.end, newText: JSON.stringify(value) };
  return { start: span.start, end: span.end, newText: value };
}

/** Whether `value` written as a plain scalar reads back as the same text (a string, or a number or boolean spelled canonically). */
function readsAsPlain(value: string): boolean {
  if (value === '' || /[\r\n]/.test(value)) return false;
  try {
    const doc = YAML.parseDocument(value);
    if (doc.errors.length > 0 || !isScalar(doc.contents)) return false;
    const v: unknown = doc.contents.value;
    return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && String(v) === value;
  } catch {
    return false;
  }
}

/** The last character of a node's own text (its range end without trailing comments or blank lines). */
function nodeEnd(text: string, node: Node): number {
  let end = node.range![1];
  while (end > node.range![0] && /\s/.test(text[end - 1])) end--;
  return end;
}

/**
 * Adds `key: value` to the block mapping at `path`, after its last entry and at its entries'
 * indentation. `value` is YAML text (one line, or a block that is indented to fit).
 */
export function insertMapEntry(text: string, doc: Document, path: YamlPath, key: string, value: string): TextEdit | undefined {
  const map = nodeAtPath(doc, path)?.value;
  if (!isMap(map) || !map.range) return undefined;
  const eol = eolOf(text);
  if (map.flow) {
    const close = text.lastIndexOf('}', map.range[1]);
    if (close < 0) return undefined;
    const sep = map.items.length > 0 ? ', ' : '';
    return { start: close, end: close, newText: `${sep}${key}: ${value.trim()}` };
  }
  const first = map.items[0]?.key as Node | undefined;
  if (!first?.range) return undefined;
  const indent = columnOf(text, first.range[0]);
  const last = map.items[map.items.length - 1];
  const lastNode = (last.value as Node | null) ?? (last.key as Node);
  const at = lineEndOf(text, nodeEnd(text, lastNode));
  // Block values go on the lines below the key: sequences at the key's indentation (the style of
  // Istio's docs), mappings two spaces in.
  const sequence = /^- /.test(value);
  const mapping = !sequence && (value.includes('\n') || /^[\w.-]+: /.test(value));
  const childIndent = sequence ? indent : indent + 2;
  const rendered = sequence || mapping ? `${key}:${eol}${' '.repeat(childIndent)}${indentBlock(value, childIndent, eol)}` : `${key}: ${value}`;
  return { start: at, end: at, newText: `${eol}${' '.repeat(indent)}${rendered}` };
}

/**
 * Appends an item to the sequence at `path`: a block sequence gets `- item` in the style of its
 * existing items; a flow sequence gets `, item`. `item` is YAML text.
 */
export function appendSequenceItem(text: string, doc: Document, path: YamlPath, item: string): TextEdit | undefined {
  const seq = nodeAtPath(doc, path)?.value;
  if (!isSeq(seq) || !seq.range) return undefined;
  const eol = eolOf(text);
  if (seq.flow) {
    const close = text.lastIndexOf(']', seq.range[1]);
    if (close < 0) return undefined;
    return { start: close, end: close, newText: `${seq.items.length > 0 ? ', ' : ''}${item.trim()}` };
  }
  const firstItem = seq.items[0] as Node | undefined;
  if (!firstItem?.range) return undefined;
  // The dash sits before the first item's content; its column is the sequence's indentation.
  const dash = text.lastIndexOf('-', firstItem.range[0]);
  const indent = columnOf(text, dash);
  const lastItem = seq.items[seq.items.length - 1] as Node;
  const at = lineEndOf(text, nodeEnd(text, lastItem));
  return { start: at, end: at, newText: `${eol}${' '.repeat(indent)}- ${indentBlock(item, indent + 2, eol)}` };
}

/** Appends a new YAML document at the end of the file, separated by `---`. */
export function appendDocument(text: string, documentYaml: string): TextEdit {
  const eol = eolOf(text);
  const body = documentYaml
    .replace(/(\r\n|\r|\n)$/, '')
    .split(/\r\n|\r|\n/)
    .join(eol);
  const needsBreak = text.length > 0 && !/[\r\n]$/.test(text);
  const separator = text.trim().length === 0 ? '' : `${needsBreak ? eol : ''}---${eol}`;
  return { start: text.length, end: text.length, newText: `${separator}${body}${eol}` };
}

/**
 * Offsets to LSP positions and back. The core works in character (UTF-16) offsets; only features/
 * converts, with a line table built once per text.
 */
import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../model';

const tables = new Map<string, number[]>();
const MAX_TABLES = 256;

export function lineStarts(text: string): number[] {
  let starts = tables.get(text);
  if (starts) return starts;
  starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value as string);
  tables.set(text, starts);
  return starts;
}

export function positionAt(text: string, offset: number): Position {
  const starts = lineStarts(text);
  const o = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: o - starts[lo] };
}

export function offsetAt(text: string, position: Position): number {
  const starts = lineStarts(text);
  if (position.line >= starts.length) return text.length;
  const lineStart = starts[Math.max(0, position.line)];
  const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] - 1 : text.length;
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}

export function toRange(text: string, span: Span): Range {
  return { start: positionAt(text, span.start), end: positionAt(text, span.end) };
}

export function toSpan(text: string, range: Range): Span {
  return { start: offsetAt(text, range.start), end: offsetAt(text, range.end) };
}

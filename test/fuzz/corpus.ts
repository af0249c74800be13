/**
 * What the fuzz tests share: the seed files from `../shared/corpus` (beside the repository), the
 * mutations applied to them, and the checks every offered quick fix must pass.
 * Runs are short by default; `FUZZ_RUNS` (set by `npm run fuzz`) makes them long, `FUZZ_SEED` and
 * `FUZZ_PATH` (from a failure report) replay one case.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Lexer, parseAllDocuments, visit } from 'yaml';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const corpusRoot = path.resolve(repoRoot, '..', 'shared', 'corpus');

/** The number of cases for a property: `short` in the normal test run, FUZZ_RUNS times as many in a long one. */
export function runs(short: number): number {
  const factor = Number(process.env.FUZZ_RUNS ?? '');
  return Number.isFinite(factor) && factor > 0 ? Math.round(short * factor) : short;
}

export function fcParams(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  const replay = process.env.FUZZ_PATH === undefined ? {} : { path: process.env.FUZZ_PATH };
  return { numRuns, includeErrorInReport: true, ...(seed === undefined ? {} : { seed, ...replay }) };
}

export interface Seed {
  name: string;
  text: string;
}

/**
 * The seed files, or a reason they are missing. Missing data skips the fuzz tests on a machine
 * without the shared corpus, but fails them under CI=true, where it must be present.
 */
export function loadSeeds(): Seed[] | string {
  if (!fs.existsSync(corpusRoot)) {
    const reason = `the shared corpus is not at ${path.relative(repoRoot, corpusRoot)}`;
    if (process.env.CI === 'true') assert.fail(`${reason} (CI=true: the fuzz tests need it)`);
    return reason;
  }
  const out: Seed[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name) && fs.statSync(full).size < 64 * 1024)
        out.push({ name: path.relative(corpusRoot, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(corpusRoot);
  if (out.length === 0 && process.env.CI === 'true') assert.fail('the shared corpus holds no YAML files');
  return out.length ? out : 'the shared corpus holds no YAML files';
}

/** One change to a file's text; positions are fractions of the text or of its lines, so any seed takes any mutation. */
export type Mutation =
  | { op: 'flip'; at: number; char: string }
  | { op: 'delete-line' | 'duplicate-line' | 'tab-indent' | 'duplicate-key'; line: number }
  | { op: 'indent'; line: number; by: number }
  | { op: 'swap-type'; line: number; value: string }
  | { op: 'insert-line'; line: number; text: string }
  | { op: 'line-endings'; eol: '\r\n' | '\r' }
  | { op: 'bom' }
  | { op: 'huge-scalar'; line: number; size: number }
  | { op: 'list' }
  | { op: 'flow'; node: number }
  | { op: 'invalid-utf8'; at: number; bytes: readonly number[] };

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const odd = fc.constantFrom(
  '\u0000',
  '\ufffd',
  '\ud800',
  '\t',
  '\r',
  '\n',
  ':',
  '-',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '%',
  '@',
  '`',
  ' ',
  'é',
  '😀',
);
const scalarSwap = fc.constantFrom(
  '[]',
  '{}',
  'null',
  '~',
  '70000',
  '-1',
  'true',
  '"443"',
  '1e3',
  '0x1F',
  '*r',
  '&r [*r]',
  '[*r]',
  '*',
  '""',
  '!!binary aGk=',
  '{a: [b, {c: d}]}',
);
const insertion = fc.constantFrom(
  '---',
  '...',
  '<<: *a',
  'x: &a {k: v}',
  'y: *a',
  'exportTo: &r [*r]',
  '- &s [*s]',
  '? [a, b]',
  ': c',
  'hosts: [a.example.com, "*.b.example.com", {x: 1}]',
  '# a comment: keep me',
  'kind: List',
  'items:',
  '%YAML 1.1',
  '  - !!str 5',
  'key: |',
  '  {{ .Values.x }}',
  '{{ x',
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fraction, char: odd }),
  fc.record({ op: fc.constantFrom('delete-line' as const, 'duplicate-line' as const, 'tab-indent' as const, 'duplicate-key' as const), line: fraction }),
  fc.record({ op: fc.constant('indent' as const), line: fraction, by: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ op: fc.constant('swap-type' as const), line: fraction, value: scalarSwap }),
  fc.record({ op: fc.constant('insert-line' as const), line: fraction, text: insertion }),
  fc.record({ op: fc.constant('line-endings' as const), eol: fc.constantFrom('\r\n' as const, '\r' as const) }),
  fc.record({ op: fc.constant('bom' as const) }),
  fc.record({ op: fc.constant('huge-scalar' as const), line: fraction, size: fc.integer({ min: 1000, max: 200000 }) }),
  fc.record({ op: fc.constant('list' as const) }),
  fc.record({ op: fc.constant('flow' as const), node: fraction }),
  fc.record({
    op: fc.constant('invalid-utf8' as const),
    at: fraction,
    // A lone continuation byte, a truncated sequence, an overlong `/`, a surrogate, bytes never valid.
    bytes: fc.constantFrom([0x80], [0xc3], [0xe2, 0x28, 0xa1], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf8, 0x88, 0x80, 0x80, 0x80]),
  }),
);

export function mutate(text: string, m: Mutation): string {
  if (m.op === 'flow') return toFlow(text, m.node);
  if (m.op === 'invalid-utf8') {
    // Bytes no UTF-8 decoder accepts, read as the server and the CLI read files (each becomes U+FFFD).
    const bytes = Buffer.from(text, 'utf8');
    const at = Math.floor(m.at * (bytes.length + 1));
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]).toString('utf8');
  }
  const lines = text.split('\n');
  const lineAt = (f: number) => Math.min(lines.length - 1, Math.floor(f * lines.length));
  switch (m.op) {
    case 'flip': {
      const at = Math.floor(m.at * (text.length + 1));
      return text.slice(0, at) + m.char + text.slice(at + 1);
    }
    case 'delete-line':
      lines.splice(lineAt(m.line), 1);
      return lines.join('\n');
    case 'duplicate-line':
    case 'duplicate-key': {
      const i = lineAt(m.line);
      // A duplicate key: the next line that holds a key, repeated right after itself.
      const j =
        m.op === 'duplicate-key'
          ? Math.max(
              i,
              lines.findIndex((l, k) => k >= i && /^\s*[\w.-]+:/.test(l)),
            )
          : i;
      lines.splice(j, 0, lines[j] ?? '');
      return lines.join('\n');
    }
    case 'tab-indent': {
      const i = lineAt(m.line);
      lines[i] = lines[i].replace(/^ {2}/, '\t');
      return lines.join('\n');
    }
    case 'indent': {
      const i = lineAt(m.line);
      lines[i] = m.by >= 0 ? ' '.repeat(m.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
    case 'swap-type': {
      const i = lineAt(m.line);
      lines[i] = lines[i].replace(/^(\s*(?:- )?[\w.-]+:)\s.*$|^(\s*- ).*$/, (_all, key?: string, dash?: string) => `${key ?? dash} ${m.value}`);
      return lines.join('\n');
    }
    case 'insert-line': {
      const i = lineAt(m.line);
      const indent = /^\s*/.exec(lines[i])![0];
      lines.splice(i, 0, indent + m.text);
      return lines.join('\n');
    }
    case 'line-endings':
      return text.replace(/\r?\n/g, m.eol);
    case 'bom':
      return `\ufeff${text}`;
    case 'huge-scalar': {
      const i = lineAt(m.line);
      lines[i] = lines[i].replace(/:\s.*$/, `: ${'x'.repeat(m.size)}`);
      return lines.join('\n');
    }
    case 'list':
      return `apiVersion: v1\nkind: List\nitems:\n${text
        .split(/^---$/m)
        .map((doc) => doc.trim())
        .filter(Boolean)
        .map((doc) =>
          doc
            .split('\n')
            .map((l, k) => (k === 0 ? `- ${l}` : `  ${l}`))
            .join('\n'),
        )
        .join('\n')}\n`;
  }
}

/** One block mapping or sequence of the text (the `at`-th fraction of them all, across its documents) written in flow style. */
function toFlow(text: string, at: number): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  const collections: { flow?: boolean }[] = [];
  for (const doc of docs)
    visit(doc, {
      Map: (_key, node) => void collections.push(node),
      Seq: (_key, node) => void collections.push(node),
    });
  if (collections.length === 0 || docs.some((d) => d.errors.length > 0)) return text;
  collections[Math.floor(at * collections.length)].flow = true;
  try {
    return docs.map((d) => d.toString({ lineWidth: 0 })).join('');
  } catch {
    // The YAML library cannot print some documents (an alias before its anchor): the text stays as it is.
    return text;
  }
}

/** Every comment of a YAML text, in order (from the YAML lexer, so `#` inside strings is not one). */
export function commentsOf(text: string): string[] {
  const out: string[] = [];
  for (const token of new Lexer().lex(text.replace(/\r(?!\n)/g, '\n'))) if (token.startsWith('#')) out.push(token.trim());
  return out;
}

/** Whether every comment of `before` is still in `after` (as many times). */
export function keepsComments(before: string, after: string): boolean {
  const left = new Map<string, number>();
  for (const c of commentsOf(after)) left.set(c, (left.get(c) ?? 0) + 1);
  for (const c of commentsOf(before)) {
    const n = left.get(c) ?? 0;
    if (n === 0) return false;
    left.set(c, n - 1);
  }
  return true;
}

/** The number of lines an editor shows: breaks at CR, LF and CRLF. */
export function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** A record of what a fuzz run found, printed at the end so a long run can be reported. */
export class Tally {
  readonly counts = new Map<string, number>();
  add(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }
  toString(): string {
    return [...this.counts].map(([k, v]) => `${k}: ${v}`).join(', ');
  }
}

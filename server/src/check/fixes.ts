/**
 * The quick fixes for a finding, from its code and `data` alone (no cached state): schema codes
 * go to the schema fixer, analyzer codes to their analyzer's `fix`.
 * Every fix is checked against the text it edits before it is offered: edits inside the text and
 * apart from each other, no analyzer fix that overwrites a mapping key, and none in a document the
 * parser read with errors (duplicate keys make "the" value ambiguous, so a fix could edit the copy
 * that is not used).
 */
import type { FaultReport, Finding, Fix, Span, TextEdit } from '../model';
import { applyEdits } from '../edits/yaml-edits';
import { parseFile, type ParsedFile } from '../parse/parse';
import type { WorkspaceIndex } from '../index/workspace-index';
import type { SchemaStore } from '../schema/catalogue';
import type { Settings } from '../settings';
import { fixSchemaFinding } from '../schema/validate';
import { analyzerFor } from '../analyzers/registry';
import { Checker } from './checker';

export function fixesFor(code: string, data: unknown, file: ParsedFile, span: Span, onError?: (fault: FaultReport) => void): Fix[] {
  if (!spanInside(span, file.text.length)) return [];
  const doc = file.documents.find((d) => span.start >= d.start && span.start <= d.end);
  if (doc && doc.ast.errors.length > 0) return [];
  let fixes: Fix[];
  try {
    if (code.startsWith('schema-')) fixes = fixSchemaFinding({ code, data, ...span }, file.text);
    else {
      const analyzer = analyzerFor(code);
      if (!analyzer?.fix || data === undefined) return [];
      fixes = analyzer.fix(data, { file, span });
    }
  } catch (error) {
    onError?.({ uri: file.uri, code, error });
    return [];
  }
  return fixes.filter((fix) => editsFit(fix.edits, file.text) && (code.startsWith('schema-') || !fix.edits.some((e) => overwritesKey(file.text, e))));
}

function spanInside(span: Span, length: number): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= length;
}

/** Edits that lie inside the text and do not overlap (what an editor can apply as one change). */
function editsFit(edits: TextEdit[], text: string): boolean {
  if (edits.length === 0) return false;
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 0; i < sorted.length; i++) {
    if (!spanInside(sorted[i], text.length) || typeof sorted[i].newText !== 'string') return false;
    if (i > 0 && sorted[i].start < sorted[i - 1].end) return false;
  }
  return true;
}

/** Whether an edit replaces a mapping key (its text is followed by `:`): analyzer fixes change values, never keys. */
function overwritesKey(text: string, e: TextEdit): boolean {
  if (e.start === e.end) return false;
  return /^[ \t]*:(?:[ \t\r\n]|$)/.test(text.slice(e.end, e.end + 80));
}

/**
 * Files up to this size are re-checked whole before a fix is offered; in larger ones only the
 * documents the fix edits (and the finding's), so the light bulb stays quick. Documents of one file
 * are checked independently, so this misses only a fix's effect on the other documents of a large file.
 */
const WHOLE_FILE_RECHECK_CHARS = 256 * 1024;

/**
 * Whether a fix does what it promises, checked by re-checking the fixed text in the workspace: it
 * removes a finding of its code, adds no YAML syntax error and no error of any code (a created
 * resource with a host, port or name the API server rejects adds one). `findings` are the file's
 * current findings. In a large file the comparison is limited to the documents the fix edits and
 * the finding's (WHOLE_FILE_RECHECK_CHARS). The index is restored before this returns.
 */
export function fixIsSound(
  index: WorkspaceIndex,
  store: SchemaStore,
  settings: Settings,
  file: ParsedFile,
  findings: Finding[],
  finding: Finding,
  fix: Fix,
): boolean {
  if (index.file(file.uri) !== file) return true;
  const after = parseFile(file.uri, applyEdits(file.text, fix.edits));
  const syntax = (f: ParsedFile) => f.problems.filter((p) => p.severity === 'error').length;
  if (syntax(after) > syntax(file)) return false;
  const whole = file.text.length <= WHOLE_FILE_RECHECK_CHARS;
  const [before, edited] = whole ? [undefined, undefined] : editedSpans(fix.edits, finding);
  index.setFile(after);
  let recheck: Finding[];
  try {
    const only = edited && documentsAt(after, edited);
    recheck = new Checker(index, store, settings, undefined, { once: true }).findings(file.uri, only && ((r) => only.has(r.document.start)));
    if (only) recheck = recheck.filter((f) => inDocuments(after, only, f.start));
  } finally {
    index.setFile(file);
  }
  const was = before && documentsAt(file, before);
  const current = was ? findings.filter((f) => inDocuments(file, was, f.start)) : findings;
  const count = (list: Finding[], keep: (f: Finding) => boolean) => list.filter(keep).length;
  const sameKind = (f: Finding) => f.code === finding.code && f.severity === finding.severity;
  if (count(recheck, sameKind) >= count(current, sameKind)) return false;
  const errors = new Map<string, number>();
  for (const f of current) if (f.severity === 'error') errors.set(f.code, (errors.get(f.code) ?? 0) + 1);
  for (const f of recheck) {
    if (f.severity !== 'error') continue;
    const left = errors.get(f.code) ?? 0;
    if (left === 0) return false;
    errors.set(f.code, left - 1);
  }
  return true;
}

/**
 * Where a fix's edits (and its finding) lie in the text before the fix and after it: each edit's
 * range, shifted in the text after by the length the earlier edits added or removed.
 */
function editedSpans(edits: TextEdit[], finding: Span): [Span[], Span[]] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const before: Span[] = [{ start: finding.start, end: finding.end }];
  const after: Span[] = [];
  let shift = 0;
  for (const e of sorted) {
    before.push({ start: e.start, end: e.end });
    after.push({ start: e.start + shift, end: e.start + shift + e.newText.length });
    shift += e.newText.length - (e.end - e.start);
  }
  // The finding's place after the fix: shifted by the edits before it.
  const findingShift = sorted.filter((e) => e.end <= finding.start).reduce((n, e) => n + e.newText.length - (e.end - e.start), 0);
  after.push({ start: finding.start + findingShift, end: finding.start + findingShift });
  return [before, after];
}

/** The start offsets of the documents of `file` that touch any of `spans`. */
function documentsAt(file: ParsedFile, spans: Span[]): Set<number> {
  const out = new Set<number>();
  for (const d of file.documents) if (spans.some((s) => s.start <= d.end && s.end >= d.start)) out.add(d.start);
  return out;
}

const inDocuments = (file: ParsedFile, starts: Set<number>, offset: number) =>
  file.documents.some((d) => starts.has(d.start) && offset >= d.start && offset <= d.end);

/**
 * fixIsSound's verdicts for the file a code action was last asked for, by finding and fix, so a light
 * bulb asked again (the editor asks on every cursor move) does not re-check the workspace. A verdict
 * holds while that file version, the settings and the rest of the workspace are unchanged: any index
 * change other than a check's own clears them.
 */
export class FixVerdicts {
  private file: ParsedFile | undefined;
  private settings: Settings | undefined;
  private version = -1;
  private readonly verdicts = new Map<string, boolean>();
  /** How many fixes have been re-checked, for tests. */
  rechecked = 0;

  constructor(private readonly index: WorkspaceIndex) {}

  isSound(store: SchemaStore, settings: Settings, file: ParsedFile, findings: Finding[], finding: Finding, fix: Fix): boolean {
    if (file !== this.file || settings !== this.settings || this.index.version !== this.version) {
      this.verdicts.clear();
      this.file = file;
      this.settings = settings;
    }
    const key = JSON.stringify([finding.code, finding.start, finding.end, fix.title, fix.edits]);
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = fixIsSound(this.index, store, settings, file, findings, finding, fix);
      this.rechecked++;
      this.verdicts.set(key, verdict);
    }
    this.version = this.index.version;
    return verdict;
  }
}

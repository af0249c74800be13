/**
 * The one helper analyzer tests call: reads a fixture (multi-document YAML with the expected
 * findings written as `# ^^^ code` comments under the offending line (`# ^^^ code/rule` for an analyzer
 * that holds many rules, so a fixture says which rule fired), and `# file: name.yaml`
 * separators for multi-file cases), runs the analyzer over a workspace built from it, compares
 * findings with the annotations, and checks each fix against `<case>.fixed.yaml`.
 * Test-only: nothing in the product imports it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseFile, type ParsedFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { appliesTo, findingsOf, type Analyzer } from './analyzer';
import { codeOfId, findingId, type Finding, type TextEdit } from '../model';
import { Checker } from '../check/checker';
import { applyEdits } from '../edits/yaml-edits';
import { loadSchemaStore } from '../node/schemas';

/** The source folder of the fixtures (tests run from out/, fixtures stay in server/src). */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'server', 'src', 'analyzers', 'fixtures');

const ANNOTATION = /^(\s*)#(\s*)(\^+)\s+([a-z0-9-]+(?:\/[a-z0-9-]+)?)\s*$/;
const FILE_SEPARATOR = /^# file: (\S+)\s*$/;

interface Expected {
  file: string;
  line: number;
  column: number;
  length: number;
  /** The finding id: `code`, or `code/rule`. */
  code: string;
}

export interface Workspace {
  files: Map<string, string>;
  expected: Expected[];
}

/** Splits a fixture into files and reads the annotations. Lines are 0-based. */
export function readFixture(text: string): Workspace {
  const files = new Map<string, string>();
  const expected: Expected[] = [];
  let name = 'fixture.yaml';
  let lines: string[] = [];
  const flush = () => {
    if (lines.length) files.set(name, lines.join('\n') + '\n');
    lines = [];
  };
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const sep = FILE_SEPARATOR.exec(raw);
    if (sep) {
      flush();
      name = sep[1];
      continue;
    }
    const a = ANNOTATION.exec(raw);
    if (a) {
      let target = lines.length - 1;
      while (target >= 0 && ANNOTATION.test(lines[target])) target--;
      expected.push({ file: name, line: target, column: a[1].length + 1 + a[2].length, length: a[3].length, code: a[4] });
    }
    lines.push(raw);
  }
  flush();
  if (files.size > 1 && files.has('fixture.yaml') && files.get('fixture.yaml')!.trim() === '') files.delete('fixture.yaml');
  return { files, expected };
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

export function buildIndex(files: Map<string, string>): { index: WorkspaceIndex; parsed: Map<string, ParsedFile> } {
  const index = new WorkspaceIndex();
  const parsed = new Map<string, ParsedFile>();
  for (const [name, text] of files) {
    const file = parseFile(`file:///ws/${name}`, text);
    parsed.set(name, file);
    index.setFile(file);
  }
  return { index, parsed };
}

function runAnalyzer(analyzer: Analyzer, index: WorkspaceIndex, file: ParsedFile, settings: Settings): Finding[] {
  // Unlike the checker, this lets an analyzer's exception fail the test.
  return file.resources
    .filter((r) => appliesTo(analyzer, r) && (analyzer.appliesTo !== '*' || r.family === 'istio' || r.family === 'mesh-config' || r.family === 'kubernetes'))
    .flatMap((r) => findingsOf(analyzer, r, { index: index.tracked(new Set(), r), settings }));
}

const stripAnnotations = (text: string) =>
  text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((l) => !ANNOTATION.test(l))
    .join('\n');

/**
 * Runs `analyzer` on the fixture `<code>/<caseName>.yaml` and asserts that its findings are exactly
 * the annotated ones; when `<caseName>.fixed.yaml` exists, applies the preferred fix of every
 * finding and asserts the result equals it and re-checks clean (no finding of this code, no new error).
 */
export function checkFixture(analyzer: Analyzer, caseName: string, settings: Settings = DEFAULT_SETTINGS): Finding[] {
  const fixturePath = path.join(FIXTURES, analyzer.code, `${caseName}.yaml`);
  const { files, expected } = readFixture(fs.readFileSync(fixturePath, 'utf8'));
  const { index, parsed } = buildIndex(files);
  const all: Finding[] = [];
  const actual: Expected[] = [];
  for (const [name, file] of parsed) {
    for (const f of runAnalyzer(analyzer, index, file, settings)) {
      all.push(f);
      const at = lineCol(file.text, f.start);
      actual.push({ file: name, line: at.line, column: at.column, length: f.end - f.start, code: findingId(f) });
      assert.ok(f.message.length > 0, 'every finding has a message');
    }
  }
  const key = (e: Expected) => `${e.file}:${e.line + 1}:${e.column + 1} (${e.length}) ${e.code}`;
  assert.deepEqual(
    actual.map(key).sort(),
    expected
      .filter((e) => codeOfId(e.code) === analyzer.code)
      .map(key)
      .sort(),
    `findings of ${analyzer.code} in ${caseName}`,
  );

  const fixedPath = path.join(FIXTURES, analyzer.code, `${caseName}.fixed.yaml`);
  if (fs.existsSync(fixedPath) && analyzer.fix) {
    const fixedFiles = new Map(files);
    for (const [name, file] of parsed) {
      const edits: TextEdit[] = [];
      for (const f of runAnalyzer(analyzer, index, file, settings)) {
        const fixes = analyzer.fix(f.data, { file, span: f });
        const chosen = fixes.find((x) => x.isPreferred) ?? fixes[0];
        if (chosen) edits.push(...chosen.edits);
      }
      fixedFiles.set(name, applyEdits(file.text, edits));
    }
    const want = readFixture(fs.readFileSync(fixedPath, 'utf8')).files;
    for (const [name, text] of want) assert.equal(stripAnnotations(fixedFiles.get(name) ?? ''), stripAnnotations(text), `fixed ${name} in ${caseName}`);
    const after = buildIndex(fixedFiles);
    const checker = new Checker(after.index, loadSchemaStore(), settings);
    const beforeChecker = new Checker(index, loadSchemaStore(), settings);
    for (const [name] of after.parsed) {
      const remaining = checker.findings(`file:///ws/${name}`);
      assert.deepEqual(
        remaining.filter((f) => f.code === analyzer.code).map((f) => f.message),
        [],
        `${analyzer.code} gone after the fix in ${name}`,
      );
      const errorsBefore = new Set(
        beforeChecker
          .findings(`file:///ws/${name}`)
          .filter((f) => f.severity === 'error')
          .map((f) => f.code),
      );
      const newErrors = remaining.filter((f) => f.severity === 'error' && !errorsBefore.has(f.code));
      assert.deepEqual(
        newErrors.map((f) => `${f.code}: ${f.message}`),
        [],
        `no new error after the fix in ${name}`,
      );
    }
  }
  return all;
}

/**
 * Property-based fuzzing of the engine the CLI and the server share: corpus files, mutated, are
 * parsed, indexed with their neighbours, checked and printed as SARIF, and every quick fix offered
 * (the ones the server offers: those its re-check accepts) is applied and checked again here.
 * Fixes the re-check withholds are counted by code in the printed tally: each is an analyzer whose
 * fix is wrong in that case.
 * Properties: nothing throws, no file takes longer than the time bound, every finding and related
 * location lies inside its file, and every fix produces text that parses, keeps every comment,
 * removes its finding and adds no error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { parseFile } from '../../server/src/parse/parse';
import { WorkspaceIndex } from '../../server/src/index/workspace-index';
import { Checker } from '../../server/src/check/checker';
import { fixesFor, fixIsSound } from '../../server/src/check/fixes';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { loadSchemaStore } from '../../server/src/node/schemas';
import { formatFindings } from '../../server/src/cli-format';
import type { FaultReport, Finding } from '../../server/src/model';
import { applyEdits } from '../../server/src/edits/yaml-edits';
import { fcParams, keepsComments, lineCount, loadSeeds, mutate, mutation, runs, Tally } from './corpus';

const seeds = loadSeeds();
const store = loadSchemaStore();
const TIME_BOUND_MS = 5000;

const syntaxErrors = (file: ReturnType<typeof parseFile>) => file.problems.filter((p) => p.severity === 'error' && p.code.startsWith('yaml-')).length;
const errorsByCode = (findings: Finding[]) => {
  const m = new Map<string, number>();
  for (const f of findings) if (f.severity === 'error') m.set(f.code, (m.get(f.code) ?? 0) + 1);
  return m;
};

test(
  'fuzz: mutated corpus files through the engine, and every quick fix applied',
  { skip: typeof seeds === 'string' ? seeds : false, timeout: 10 * 60_000 },
  () => {
    if (typeof seeds === 'string') return;
    const tally = new Tally();
    const faults: FaultReport[] = [];
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, mutations) => {
        const seed = seeds[pick % seeds.length];
        const text = mutations.reduce(mutate, seed.text);
        const dir = path.dirname(seed.name);
        const uri = `file:///ws/${seed.name}`;
        const index = new WorkspaceIndex();
        for (const n of seeds.filter((s) => path.dirname(s.name) === dir && s !== seed).slice(0, 6)) index.setFile(parseFile(`file:///ws/${n.name}`, n.text));
        const started = Date.now();
        const file = parseFile(uri, text);
        index.setFile(file);
        const checker = new Checker(index, store, DEFAULT_SETTINGS, (f) => faults.push(f));
        const findings = checker.findings(uri);
        const elapsed = Date.now() - started;
        assert.ok(elapsed < TIME_BOUND_MS, `${seed.name} took ${elapsed} ms`);
        tally.add('files');
        tally.add('findings', findings.length);
        for (const f of findings) {
          assert.ok(f.start >= 0 && f.start <= f.end && f.end <= text.length, `${f.code} at ${f.start}-${f.end} outside ${text.length} characters`);
          for (const r of f.related ?? []) {
            const other = index.file(r.uri)?.text;
            assert.ok(other !== undefined && r.start >= 0 && r.start <= r.end && r.end <= other.length, `${f.code}: related location outside ${r.uri}`);
          }
        }
        const sarif = JSON.parse(formatFindings([{ path: seed.name, text, findings }], 'sarif', '0')) as {
          runs: { results: { locations: { physicalLocation: { region: { startLine: number; endLine: number } } }[] }[] }[];
        };
        const lines = lineCount(text);
        for (const r of sarif.runs[0].results) assert.ok(r.locations[0].physicalLocation.region.endLine <= lines, 'SARIF line past the end');

        for (const f of findings) {
          for (const fix of fixesFor(f.code, f.data, file, f, (x) => faults.push(x))) {
            if (!fixIsSound(index, store, DEFAULT_SETTINGS, file, findings, f, fix)) {
              tally.add(`withheld ${f.code}`);
              continue;
            }
            tally.add('fixes applied');
            const fixed = applyEdits(text, fix.edits);
            const where = `fix "${fix.title}" for ${f.code} in ${seed.name} (mutations ${JSON.stringify(mutations).slice(0, 300)})`;
            const after = parseFile(uri, fixed);
            assert.ok(syntaxErrors(after) <= syntaxErrors(file), `${where}: the fixed text does not parse\n${fixed.slice(0, 2000)}`);
            assert.ok(keepsComments(text, fixed), `${where}: a comment was lost`);
            index.setFile(after);
            const recheck = new Checker(index, store, DEFAULT_SETTINGS).findings(uri);
            index.setFile(file);
            const same = (list: Finding[]) => list.filter((x) => x.code === f.code && x.severity === f.severity).length;
            assert.ok(same(recheck) < same(findings), `${where}: the finding is still there\n${fixed.slice(0, 2000)}`);
            const before = errorsByCode(findings);
            for (const [code, n] of errorsByCode(recheck)) assert.ok(n <= (before.get(code) ?? 0), `${where}: adds a ${code} error\n${fixed.slice(0, 2000)}`);
          }
        }
      }),
      fcParams(runs(120)),
    );
    assert.deepEqual(
      faults.map((f) => `${f.code}: ${String(f.error)}`),
      [],
      'no analyzer, validator or fix threw',
    );
    console.log(`engine fuzz: ${tally.toString()}`);
    // The fix checks run inside a loop over the offered fixes: some must have run.
    assert.ok((tally.counts.get('fixes applied') ?? 0) > 0, `no quick fix was applied: ${tally.toString()}`);
  },
);

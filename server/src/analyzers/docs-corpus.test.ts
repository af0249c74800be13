/**
 * Istio's own egress task configurations must stay clean: each scenario folder of the docs corpus,
 * checked as one workspace with every analyzer and the schema, raises nothing above information.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildIndex } from './fixture-harness';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';
import { DEFAULT_SETTINGS } from '../settings';
import { needsShared, sharedPath } from '../shared-corpus';

const CORPUS = sharedPath('corpus', 'istio-docs');

function scenarioFolders(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const full = path.join(dir, e.name);
    if (fs.readdirSync(full).some((f) => f.endsWith('.yaml'))) out.push(full);
    else out.push(...scenarioFolders(full));
  }
  return out;
}

test('the docs corpus is present', needsShared('corpus', 'istio-docs'), () => {
  assert.ok(scenarioFolders(CORPUS).length >= 20);
});

if (fs.existsSync(CORPUS)) {
  const store = loadSchemaStore();
  for (const folder of scenarioFolders(CORPUS)) {
    const rel = path.relative(CORPUS, folder);
    if (rel.startsWith('legacy')) continue;
    test(`docs corpus ${rel}: nothing above information`, () => {
      const files = new Map<string, string>();
      for (const f of fs.readdirSync(folder).filter((f) => f.endsWith('.yaml'))) files.set(f, fs.readFileSync(path.join(folder, f), 'utf8'));
      const { index } = buildIndex(files);
      const checker = new Checker(index, store, DEFAULT_SETTINGS);
      const loud = [...files.keys()].flatMap((name) =>
        checker
          .findings(`file:///ws/${name}`)
          .filter((f) => f.severity === 'error' || f.severity === 'warning')
          .map((f) => `${name}: ${f.severity} ${f.code}: ${f.message}`),
      );
      assert.deepEqual(loud, []);
    });
  }
}

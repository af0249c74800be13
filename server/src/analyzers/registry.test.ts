import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ANALYZERS } from './registry';
import { FIXTURES, buildIndex, readFixture } from './fixture-harness';
import type { IndexReader } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { BUILTIN_CODES } from '../codes';
import { SCHEMA_CODES } from '../schema/validate';
import { codeOfId } from '../model';
import { appliesTo, findingsOf } from './analyzer';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';

const SOURCE = path.resolve(FIXTURES, '..');

test('every analyzer code is unique, kebab-case, and not a built-in code', () => {
  const codes = ANALYZERS.map((a) => a.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.match(c, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  const builtin = new Set(BUILTIN_CODES.map((c) => c.code));
  for (const c of codes) assert.ok(!builtin.has(c), `${c} is also a built-in code`);
});

test('the registry is sorted by code', () => {
  const codes = ANALYZERS.map((a) => a.code);
  assert.deepEqual(codes, [...codes].sort());
});

test('every analyzer file is registered, documented, and has a fixture with at least one hit', () => {
  const files = fs.readdirSync(SOURCE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const infrastructure = new Set(['analyzer.ts', 'registry.ts', 'fixture-harness.ts']);
  const registered = new Set(ANALYZERS.map((a) => `${a.code}.ts`));
  for (const f of files) if (!infrastructure.has(f)) assert.ok(registered.has(f), `${f} is not in registry.ts`);
  for (const a of ANALYZERS) {
    const source = fs.readFileSync(path.join(SOURCE, `${a.code}.ts`), 'utf8');
    assert.match(source, /^\/\*\*[\s\S]+?\*\//, `${a.code}.ts opens with a doc comment for users`);
    assert.ok(fs.existsSync(path.join(SOURCE, `${a.code}.test.ts`)), `${a.code} has a test file`);
    const dir = path.join(FIXTURES, a.code);
    const cases = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.fixed.yaml')) : [];
    const hits = cases.flatMap((c) => readFixture(fs.readFileSync(path.join(dir, c), 'utf8')).expected.filter((e) => codeOfId(e.code) === a.code));
    assert.ok(hits.length > 0, `${a.code} has a fixture with at least one annotated hit`);
  }
});

test('every rule of a many-rule analyzer is annotated by id in its fixtures and named in its doc comment', () => {
  const many = ANALYZERS.filter((a) => a.ruleOf !== undefined);
  assert.ok(many.length >= 6, 'the *-invalid analyzers name their rules');
  for (const a of many) {
    const doc = /^\/\*\*[\s\S]+?\*\//.exec(fs.readFileSync(path.join(SOURCE, `${a.code}.ts`), 'utf8'))![0];
    // The doc comment names rules in backticks, a family as `prefix-*`.
    const named = [...doc.matchAll(/`([a-z0-9-]+\*?)`/g)].map((m) => m[1]);
    const dir = path.join(FIXTURES, a.code);
    for (const c of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.fixed.yaml'))) {
      for (const e of readFixture(fs.readFileSync(path.join(dir, c), 'utf8')).expected.filter((x) => codeOfId(x.code) === a.code)) {
        assert.notEqual(e.code, a.code, `${a.code}/${c} line ${e.line + 1}: annotate the rule as ${a.code}/<rule>`);
        const rule = e.code.slice(a.code.length + 1);
        assert.ok(
          named.some((n) => (n.endsWith('*') ? rule.startsWith(n.slice(0, -1)) : n === rule)),
          `${a.code}.ts's doc comment does not name the rule ${rule}`,
        );
      }
    }
  }
});

test('a many-rule finding carries only its rule and arguments, and its message is rendered from them after a JSON round trip', () => {
  let checked = 0;
  for (const a of ANALYZERS.filter((x) => x.ruleOf !== undefined)) {
    const dir = path.join(FIXTURES, a.code);
    for (const c of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.fixed.yaml'))) {
      const { index, parsed } = buildIndex(readFixture(fs.readFileSync(path.join(dir, c), 'utf8')).files);
      for (const file of parsed.values())
        for (const r of file.resources.filter((x) => appliesTo(a, x))) {
          for (const f of findingsOf(a, r, { index: index.tracked(new Set()), settings: DEFAULT_SETTINGS })) {
            const data = f.data as Record<string, unknown>;
            for (const key of Object.keys(data)) assert.ok(['rule', 'args', 'replacement'].includes(key), `${a.code}/${f.rule}: data.${key}`);
            // What the client sends back with a code action is all a message may need.
            const back = JSON.parse(JSON.stringify(data));
            assert.equal(a.message(back), f.message, `${a.code}/${f.rule}`);
            assert.ok(!JSON.stringify(data).includes(f.message), `${a.code}/${f.rule}: the message text is not stored in data`);
            checked++;
          }
        }
    }
  }
  assert.ok(checked > 150, `${checked} rule findings checked`);
});

test("each analyzer's `reads` names exactly the kinds it looks up in the index over its fixtures (as Istio's CheckMetadataInputs)", () => {
  for (const a of ANALYZERS) {
    const looked = new Set<string>();
    let hits = 0;
    const dir = path.join(FIXTURES, a.code);
    for (const c of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.fixed.yaml'))) {
      const { index, parsed } = buildIndex(readFixture(fs.readFileSync(path.join(dir, c), 'utf8')).files);
      const reader = index.tracked(new Set());
      // Every lookup names its kind: `find` second, the others first.
      const recording: IndexReader = {
        ofKind: (kind, group) => (looked.add(kind), reader.ofKind(kind, group)),
        countOfKind: (kind) => (looked.add(kind), reader.countOfKind(kind)),
        find: (group, kind, namespace, name) => (looked.add(kind), reader.find(group, kind, namespace, name)),
        withHost: (kind, host) => (looked.add(kind), reader.withHost(kind, host)),
        matchingHost: (kind, host) => (looked.add(kind), reader.matchingHost(kind, host)),
        withTag: (kind, tag) => (looked.add(kind), reader.withTag(kind, tag)),
        someWithTag: (kind, tag) => (looked.add(kind), reader.someWithTag(kind, tag)),
        namesOf: (kind, group) => (looked.add(kind), reader.namesOf(kind, group)),
      };
      for (const file of parsed.values())
        for (const r of file.resources.filter((x) => appliesTo(a, x))) hits += [...a.check(r, { index: recording, settings: DEFAULT_SETTINGS })].length;
    }
    assert.ok(hits > 0, `${a.code} finds something in its fixtures`);
    assert.deepEqual([...looked].sort(), [...new Set(a.reads)].sort(), `${a.code}: kinds looked up vs. declared in reads`);
  }
});

test('appliesTo names group and kind, and the checker runs an analyzer on no other: the same kinds under another group get none of its findings', () => {
  const store = loadSchemaStore();
  const findingsOfCode = (code: string, files: Map<string, string>) => {
    const { index, parsed } = buildIndex(files);
    const checker = new Checker(index, store, DEFAULT_SETTINGS);
    return [...parsed.keys()].flatMap((name) => checker.findings(`file:///ws/${name}`)).filter((f) => f.code === code);
  };
  for (const a of ANALYZERS) {
    if (a.appliesTo === '*') continue;
    for (const t of a.appliesTo) assert.ok(typeof t.group === 'string' && t.group !== '' && typeof t.kind === 'string', `${a.code}: ${JSON.stringify(t)}`);
    const dir = path.join(FIXTURES, a.code);
    let found = 0;
    for (const c of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.fixed.yaml'))) {
      const files = readFixture(fs.readFileSync(path.join(dir, c), 'utf8')).files;
      found += findingsOfCode(a.code, files).length;
      // An Istio-looking group the checker still analyses, so only appliesTo keeps the analyzer away.
      const regrouped = new Map(
        [...files].map(([name, text]) => [name, text.replace(/^apiVersion: *(["']?)[a-z.]+\//gm, 'apiVersion: $1experimental.istio.io/')]),
      );
      assert.deepEqual(
        findingsOfCode(a.code, regrouped).map((f) => f.message),
        [],
        `${a.code} on ${c} with every group changed`,
      );
    }
    assert.ok(found > 0, `${a.code} finds something in its fixtures through the checker`);
  }
});

test('every schema code is documented among the built-in codes', () => {
  const documented = new Set(BUILTIN_CODES.map((c) => c.code));
  for (const code of SCHEMA_CODES) assert.ok(documented.has(code), `${code} has an entry in codes.ts`);
});

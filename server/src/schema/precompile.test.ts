/**
 * The validators the build compiles (precompile.ts, bundled with the server and the CLI) find exactly
 * what validators compiled at run time find: same codes, words and places, over the real-world corpus
 * and over values made to break every field of the schemas whose parts the build compiles as functions of their own.
 * No function of a precompiled validator is so large that compiling it holds the server's thread for long.
 * One that fails to load is compiled at run time, and the broken build is logged once.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseFile } from '../parse/parse';
import type { Resource } from '../parse/resource';
import { loadSchemaStore } from '../node/schemas';
import { precompiledValidators, splitSchema } from './precompile';
import { newAjv, schemaHash, usePrecompiledValidators, validateResource, type PrecompiledValidator } from './validate';
import { problemsFromAjv } from './messages';
import { isRecord } from '../data';
import { WorkspaceIndex } from '../index/workspace-index';
import { Checker } from '../check/checker';
import { DEFAULT_SETTINGS } from '../settings';
import { errorReporter } from '../faults';
import { needsShared, sharedPath } from '../shared-corpus';

const CORPUS = sharedPath('corpus', 'realworld');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

/** Loads the modules the build would bundle, written to a temporary folder, and returns what they export, counting the validators used. */
const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

function loadPrecompiled(files: string[]): { validators: Record<string, PrecompiledValidator>; used: Set<string> } {
  const store = loadSchemaStore();
  const modules = precompiledValidators(
    files.map((file) => ({ file, schema: store.schemaFile(file) })),
    path.join(__dirname, 'formats'),
  );
  // Inside the checkout, where `require('ajv/...')` finds the package as in the build.
  const dir = fs.mkdtempSync(path.join(__dirname, 'precompiled-'));
  temporary.push(dir);
  fs.writeFileSync(path.join(dir, 'validators.js'), modules.index);
  modules.validators.forEach((code, i) => fs.writeFileSync(path.join(dir, `validator-${i}.js`), code));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PRECOMPILED } = require(path.join(dir, 'validators.js')) as { PRECOMPILED: Record<string, PrecompiledValidator> };
  const used = new Set<string>();
  const validators: Record<string, PrecompiledValidator> = {};
  for (const [file, v] of Object.entries(PRECOMPILED)) {
    validators[file] = {
      hash: v.hash,
      get validate() {
        const validate = v.validate;
        used.add(file);
        return validate;
      },
    };
  }
  return { validators, used };
}

test('validators compiled at build time find what those compiled at run time find', needsShared('corpus', 'realworld'), () => {
  const resources: Resource[] = yamlFiles(CORPUS).flatMap((f) => parseFile(`file://${f}`, fs.readFileSync(f, 'utf8')).resources);
  const files = [...new Set(resources.flatMap((r) => loadSchemaStore().entry(`${r.group}/${r.version}`, r.kind)?.file ?? []))].sort();
  assert.ok(files.length >= 5, `the corpus uses several kinds (${files.join(', ')})`);

  const compiledAtRunTime = loadSchemaStore();
  const expected = resources.map((r) => validateResource(r, compiledAtRunTime));
  const { validators, used } = loadPrecompiled(files);
  usePrecompiledValidators(validators);
  try {
    const precompiledStore = loadSchemaStore();
    const actual = resources.map((r) => validateResource(r, precompiledStore));
    assert.deepEqual(actual, expected);
    assert.ok(expected.flat().length > 50, `the corpus has schema findings to compare (${expected.flat().length})`);
    assert.deepEqual([...used].sort(), files, 'every kind was validated by a precompiled validator');

    // A schema that is not the one a validator was compiled from is compiled at run time instead.
    const file = 'networking.istio.io/v1/ServiceEntry.json';
    const changed = loadSchemaStore();
    const schema = structuredClone(changed.schemaFile(file));
    schema.required = [...(schema.required as string[]), 'status'];
    (changed as unknown as { loaded: Map<string, unknown> }).loaded.set(file, schema);
    const se = parseFile('file:///se.yaml', 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n')
      .resources[0];
    assert.deepEqual(validateResource(se, precompiledStore), []);
    assert.match(validateResource(se, changed)[0]?.message ?? '', /status/);
  } finally {
    usePrecompiledValidators({});
  }
});

/** A value with every field of `schema` set (the first branch of a combinator, one item per list), `depth` levels deep. */
function fullValue(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 12) return {};
  const branch = [schema.anyOf, schema.oneOf].find(Array.isArray)?.[0];
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type ?? branch?.type) {
    case 'string':
      return 'a';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [fullValue(schema.items, depth + 1)];
    default: {
      const out: Record<string, unknown> = {};
      if (isRecord(schema.properties)) for (const [name, sub] of Object.entries(schema.properties)) out[name] = fullValue(sub, depth + 1);
      else if (isRecord(schema.additionalProperties)) out.key = fullValue(schema.additionalProperties, depth + 1);
      return out;
    }
  }
}

/** `value` broken in one place at a time: each field removed, each value replaced by values of other types, each object given an unknown field. */
function* variants(value: unknown): Generator<unknown> {
  yield value;
  type Parent = Record<string | number, unknown>;
  const at = (root: unknown, path: (string | number)[], change: (parent: Parent, key: string | number) => void) => {
    const copy = structuredClone(root);
    let parent = copy as Parent;
    for (const step of path.slice(0, -1)) parent = parent[step] as Parent;
    change(parent, path[path.length - 1]);
    return copy;
  };
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (path.length > 0) paths.push(path);
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i]));
    else if (isRecord(v)) for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(value, []);
  for (const path of paths) {
    if (typeof path[path.length - 1] === 'string') yield at(value, path, (parent, key) => delete parent[key]);
    for (const other of ['x', -1, [], { unknownField: 1 }]) yield at(value, path, (parent, key) => (parent[key] = other));
  }
}

test('a validator split into functions finds what the whole schema finds, field by field', () => {
  const store = loadSchemaStore();
  // One version of each kind whose schema the build splits (the versions of a kind differ in little more than their apiVersion).
  const byKind = new Map(store.catalogue.kinds.filter((k) => splitSchema(store.schemaFile(k.file)).samples.length > 0).map((k) => [k.kind, k.file]));
  const files = [...byKind.values()].sort();
  assert.ok(
    ['DestinationRule', 'VirtualService', 'Sidecar', 'Gateway'].every((kind) => files.some((f) => f.endsWith(`/${kind}.json`))),
    `the large schemas are split (${files.join(', ')})`,
  );
  const { validators } = loadPrecompiled(files);
  const ajv = newAjv();
  let compared = 0;
  for (const file of files) {
    const schema = store.schemaFile(file);
    const whole = ajv.compile(schema);
    const split = validators[file].validate;
    for (const value of variants(fullValue(schema))) {
      const context = { label: 'Test', resource: true };
      const expected = whole(value) ? [] : problemsFromAjv(whole.errors ?? [], value, context);
      const actual = split(value) ? [] : problemsFromAjv(split.errors ?? [], value, context);
      assert.deepEqual(actual, expected, `${file}: ${JSON.stringify(value)}`);
      compared += expected.length;
    }
  }
  assert.ok(compared > 10_000, `the variants break the schemas in many ways (${compared} problems)`);
});

test('no function of a precompiled validator is large: V8 compiles each on its first call, holding the thread', () => {
  const store = loadSchemaStore();
  const files = [...new Set(store.catalogue.kinds.map((k) => k.file))];
  const modules = precompiledValidators(
    files.map((file) => ({ file, schema: store.schemaFile(file) })),
    path.join(__dirname, 'formats'),
  );
  const largest = modules.validators.map((code, i) => ({
    file: files[i],
    size: Math.max(
      ...code
        .split(/(?=function validate\d+\()/)
        .slice(1)
        .map((f) => f.length),
    ),
  }));
  // DestinationRule's validator was one function of 685 KB (its trafficPolicy written twice, loadBalancer four times);
  // the largest is now VirtualService's http route, 60 KB.
  for (const { file, size } of largest) assert.ok(size < 100_000, `${file}: a function of ${size} characters`);
});

test('a precompiled validator that fails to load is compiled at run time, and reported once to the log', () => {
  const store = loadSchemaStore();
  const broken = (file: string): PrecompiledValidator => ({
    hash: schemaHash(store.schemaFile(file)),
    get validate(): never {
      throw new Error(`Cannot find module './validator-${file.length}.js'`);
    },
  });
  const files = ['networking.istio.io/v1/ServiceEntry.json', 'networking.istio.io/v1/VirtualService.json'];
  usePrecompiledValidators(Object.fromEntries(files.map((f) => [f, broken(f)])));
  try {
    const index = new WorkspaceIndex();
    const se = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n  location: MESH_EXTENAL\n';
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n  tls: 5\n';
    index.setFile(parseFile('file:///ws/se.yaml', se));
    index.setFile(parseFile('file:///ws/vs.yaml', vs));
    const log: string[] = [];
    const checker = new Checker(
      index,
      store,
      DEFAULT_SETTINGS,
      errorReporter((m) => log.push(m)),
    );
    assert.ok(
      checker.findings('file:///ws/se.yaml').some((f) => f.code === 'schema-enum'),
      'the validator compiled at run time still finds the misspelt location',
    );
    assert.ok(
      checker.findings('file:///ws/vs.yaml').some((f) => f.code === 'schema-type'),
      'and the wrong type in the other kind',
    );
    assert.equal(log.length, 1, `one message for a broken build, not one per schema or file:\n${log.join('\n')}`);
    const failed =
      "schema failed on file:///ws/se.yaml: the build's precompiled validator for networking.istio.io/v1/ServiceEntry.json failed to load (Cannot find module";
    assert.ok(log[0].includes(failed), log[0]);
  } finally {
    usePrecompiledValidators({});
  }
});

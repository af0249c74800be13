/**
 * The validators the build compiles (precompile.ts, bundled with the server and the CLI) find exactly
 * what validators compiled at run time find: same codes, words and places, over the real-world corpus.
 * One that fails to load is compiled at run time, and the broken build is logged once.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseFile } from '../parse/parse';
import type { Resource } from '../parse/resource';
import { loadSchemaStore } from '../node/schemas';
import { precompiledValidators } from './precompile';
import { schemaHash, usePrecompiledValidators, validateResource, type PrecompiledValidator } from './validate';
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

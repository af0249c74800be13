/**
 * The real-world regression test: the checker over Istio configuration other people wrote (the shared
 * `corpus/realworld`, one folder per repository). Every error and warning is listed in
 * `realworld-findings.txt` with a one-line verdict, and the test fails when the list changes, so each
 * change in what users of such repositories would see is reviewed. Each repository is one workspace,
 * split into meshes by the `clusters` globs its layout calls for (below); the whole corpus as one
 * workspace, with each repository a mesh, must find exactly the same. The minimal reductions in
 * `reproductions/` must give what their `expect.json` says.
 * Set REALWORLD_UPDATE=1 to rewrite the list (new lines get the verdict `unreviewed`, which fails).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { meshPartition } from '../index/meshes';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';
import { DEFAULT_SETTINGS } from '../settings';
import type { Finding } from '../model';
import { needsShared, sharedPath } from '../shared-corpus';

const CORPUS = sharedPath('corpus', 'realworld');
const LIST = path.resolve(__dirname, '..', '..', '..', '..', 'server', 'src', 'analyzers', 'realworld-findings.txt');

/**
 * The meshes each repository's layout describes, as a user would set `istioEgress.clusters`:
 * independent samples, chapters or test cases that are never applied to one cluster together.
 */
const CLUSTERS: Record<string, string[]> = {
  // Independent samples side by side (each top folder its own); the ASM docs keep one folder per guide.
  'GoogleCloudPlatform__istio-samples': ['*', 'multicluster-gke/*'],
  'GoogleCloudPlatform__anthos-service-mesh-samples': ['docs/*', 'demos/*'],
  'aws-samples__istio-on-eks': ['modules/*', 'patterns/*'],
  // One chapter of the course per folder; wip/ holds drafts.
  'eficode-academy__istio-katas': ['0*-*', 'wip'],
  // Samples, and test inputs that Istio's tests load one folder (or one file) at a time.
  istio__istio: [
    'samples/*',
    'tests/testdata/*',
    'tests/integration/**/testdata',
    'pkg/**/testdata/**/*.yaml',
    'pkg/test/datasets/*/*',
    'pilot/pkg/**/testdata/**/*.yaml',
  ],
  // One task per folder.
  'istio__istio.io': ['*/*'],
  // kiali's validation, reference and filter fixtures are one test case per file.
  kiali__kiali: ['tests/data/**/*.yaml', 'tests/integration/assets/*.yaml', 'hack/istio/*'],
  // One task per folder; the federation tests keep one folder per mesh (east, west).
  'maistra__maistra-test-tool': [
    'pkg/tests/tasks/traffic/*',
    'pkg/tests/tasks/migration/testdata/federation/*',
    'pkg/tests/ossm-federation/testdata/*/*',
    'pkg/tests/tasks/extensions',
    'pkg/app',
  ],
};

const VERDICTS = ['real:', 'invalid by its project:', 'outside:', 'false:'];

interface Listed {
  key: string;
  verdict: string;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out.sort();
}

const available = fs.existsSync(CORPUS);
const repositories = available
  ? fs
      .readdirSync(CORPUS, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'reproductions')
      .map((e) => e.name)
      .sort()
  : [];

/** The message of each listed finding, by its key, for the tests that read what users are told. */
const messages = new Map<string, string>();

/** Errors and warnings of every file under `folders` checked as one workspace, as `path:line:col<TAB>severity<TAB>code` relative to the corpus. */
function check(folders: string[], clusters: string[], root: string): string[] {
  const index = new WorkspaceIndex();
  const uris: string[] = [];
  for (const folder of folders) {
    for (const file of yamlFiles(folder)) {
      const uri = URI.file(file).toString();
      uris.push(uri);
      index.setFile(parseFile(uri, fs.readFileSync(file, 'utf8')));
    }
  }
  index.setMeshes(meshPartition(clusters, [URI.file(root).toString()]));
  const checker = new Checker(index, store(), DEFAULT_SETTINGS);
  const out: string[] = [];
  for (const uri of uris) {
    const file = index.file(uri)!;
    const rel = path.relative(CORPUS, URI.parse(uri).fsPath).split(path.sep).join('/');
    for (const f of checker.findings(uri))
      if (f.severity === 'error' || f.severity === 'warning') {
        const key = `${rel}:${position(file.text, f)}\t${f.severity}\t${f.code}`;
        out.push(key);
        messages.set(key, f.message);
      }
  }
  return out.sort();
}

function position(text: string, f: Finding): string {
  const before = text.slice(0, f.start);
  return `${before.split('\n').length}:${f.start - before.lastIndexOf('\n')}`;
}

let schemaStore: ReturnType<typeof loadSchemaStore> | undefined;
const store = () => (schemaStore ??= loadSchemaStore());

function readList(): Listed[] {
  if (!fs.existsSync(LIST)) return [];
  return fs
    .readFileSync(LIST, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const parts = l.split('\t');
      return { key: parts.slice(0, 3).join('\t'), verdict: parts.slice(3).join('\t').trim() };
    });
}

const HEADER = `# Every error and warning of the checker over shared/corpus/realworld (see realworld.test.ts), one per line:
# file:line:column, severity, code, verdict. Verdicts: "real:" a mistake in the file, or a conflict between files of
# one mesh when they are applied to one cluster; "invalid by its project:" a file its own project's tests expect to
# be rejected or flagged; "outside:" a reference to something the folder does not define, which the message makes
# clear; "false:" a false alarm still to be fixed.
`;

test('the real-world corpus is present', needsShared('corpus', 'realworld'), () => {
  assert.ok(repositories.length >= 10);
});

if (available) {
  const perRepository = new Map<string, string[]>();
  const actual = () => {
    if (perRepository.size === 0)
      for (const repo of repositories) perRepository.set(repo, check([path.join(CORPUS, repo)], CLUSTERS[repo] ?? [], path.join(CORPUS, repo)));
    return [...perRepository.values()].flat().sort();
  };

  test('real-world corpus: the list of errors and warnings, each with a verdict, is unchanged', () => {
    const found = actual();
    const listed = readList();
    if (process.env.REALWORLD_UPDATE) {
      const verdicts = new Map(listed.map((l) => [l.key, l.verdict]));
      fs.writeFileSync(LIST, HEADER + found.map((k) => `${k}\t${verdicts.get(k) ?? 'unreviewed'}`).join('\n') + '\n');
      return;
    }
    const keys = new Set(listed.map((l) => l.key));
    const now = new Set(found);
    assert.deepEqual(
      { added: found.filter((k) => !keys.has(k)), gone: [...keys].filter((k) => !now.has(k)) },
      { added: [], gone: [] },
      'the findings changed: review them, then run the test with REALWORLD_UPDATE=1 and give new lines a verdict',
    );
    const unjudged = listed.filter((l) => !VERDICTS.some((v) => l.verdict.startsWith(v)));
    assert.deepEqual(
      unjudged.map((l) => l.key),
      [],
      `every line needs a verdict starting with ${VERDICTS.join(' ')}`,
    );
  });

  test('real-world corpus: conflicts between files of one folder say how to split files applied one at a time', () => {
    const conflicts = actual().filter((k) => /\t(vs-duplicate-mesh-host|se-duplicate-host)$/.test(k));
    assert.ok(conflicts.length >= 40);
    const silent = conflicts.filter(
      (k) =>
        !/make each its own mesh with istioEgress\.clusters, whose globs may name files/.test(messages.get(k) ?? '') &&
        !/listed twice in this ServiceEntry/.test(messages.get(k) ?? ''),
    );
    assert.deepEqual(silent, []);
  });

  test('real-world corpus as one workspace, each repository a mesh: the same findings as each repository alone', () => {
    const clusters = repositories.flatMap((repo) => [repo, ...(CLUSTERS[repo] ?? []).map((g) => `${repo}/${g}`)]);
    const whole = check(
      repositories.map((r) => path.join(CORPUS, r)),
      clusters,
      CORPUS,
    );
    const alone = actual();
    assert.deepEqual(
      { onlyInWhole: whole.filter((k) => !alone.includes(k)), onlyAlone: alone.filter((k) => !whole.includes(k)) },
      { onlyInWhole: [], onlyAlone: [] },
    );
  });

  const reproductions = path.join(CORPUS, 'reproductions');
  for (const name of fs
    .readdirSync(reproductions)
    .filter((n) => fs.existsSync(path.join(reproductions, n, 'expect.json')))
    .sort()) {
    test(`real-world reproduction ${name}: what its expect.json says`, () => {
      const expect = JSON.parse(fs.readFileSync(path.join(reproductions, name, 'expect.json'), 'utf8')) as {
        expect: { file: string; lines: number[]; level: string }[];
      };
      const found = check([path.join(reproductions, name)], [], path.join(reproductions, name)).map((k) => {
        const [where, severity] = k.split('\t');
        const [file, line] = where.slice(`reproductions/${name}/`.length).split(':');
        return { file, line: Number(line), severity };
      });
      const wanted = expect.expect.map((e) => ({ file: e.file, lines: e.lines, severity: e.level }));
      // A finding may sit on any of the lines the expectation names (apiVersion or kind, say).
      const unmatched = found.filter((f) => !wanted.some((w) => w.file === f.file && w.severity === f.severity && w.lines.includes(f.line)));
      const missed = wanted.filter((w) => !found.some((f) => w.file === f.file && w.severity === f.severity && w.lines.includes(f.line)));
      assert.deepEqual({ unmatched, missed }, { unmatched: [], missed: [] });
    });
  }
}

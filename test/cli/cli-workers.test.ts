/**
 * The built CLI parses the files of a large enough workspace on worker threads (dist/parse-worker.js):
 * its output is the same as when it parses them on the main thread, a worker that dies costs nothing
 * but one line on stderr, and the process ends as soon as the output is written. The bundled worker
 * also finds each resource's schema findings, which the main thread then does not look for.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PARSE_CASES } from '../../server/src/parse/assert-same-file';
import { needsShared, sharedPath } from '../../server/src/shared-corpus';
import { ParsePool } from '../../server/src/node/parse-pool';
import { parsedFileOf } from '../../server/src/parse/parsed-record';
import { parseFile } from '../../server/src/parse/parse';
import { WorkspaceIndex } from '../../server/src/index/workspace-index';
import { Checker } from '../../server/src/check/checker';
import { loadSchemaStore } from '../../server/src/node/schemas';
import { DEFAULT_SETTINGS } from '../../server/src/settings';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const hook = path.join(__dirname, 'worker-hook.js');
let dir: string;

/** Runs `istio-egress check` on `target` with `workers` parse threads (0: none), recording the threads started. */
function check(target: string, workers: number, env: Record<string, string> = {}) {
  const log = path.join(dir, `workers-${Math.random().toString(36).slice(2)}.log`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, 'check', target, '--format', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 1 << 28,
    env: { ...process.env, NODE_OPTIONS: `--require ${hook}`, ISTIO_EGRESS_WORKER_LOG: log, ISTIO_EGRESS_PARSE_WORKERS: String(workers), ...env },
  });
  const threads = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, threads, ms: Date.now() - started };
}

const SE = (i: number) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-${i}\n  namespace: team-${i % 3}\nspec:\n  hosts:\n  - ` +
  `api-${i}.example.com\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n`;
const VS = (i: number) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: vs-${i}\n  namespace: team-${i % 3}\nspec:\n  hosts:\n  - ` +
  `api-${i}.example.com\n  gateways: [mesh, istio-system/egress-${i % 2}]\n  tls:\n  - match:\n    - port: 443\n      sniHosts: [api-${i}.example.com]\n` +
  `    route:\n    - destination:\n        host: istio-egressgateway.istio-system.svc.cluster.local\n        subset: s-${i}\n`;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-cli-workers-'));
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(path.join(ws, 'teams'), { recursive: true });
  // Every way a file can parse (broken YAML, CR and CRLF, templates, binary, alias bombs, kustomizations, mesh config)...
  for (const [name, text] of Object.entries(PARSE_CASES)) fs.writeFileSync(path.join(ws, name === 'Kustomization' ? name : `case-${name}`), text);
  // ...and files that refer to each other, one host in CRLF and one in lone CR line endings.
  for (let i = 0; i < 30; i++) {
    const text = `${SE(i)}---\n${VS(i)}`;
    fs.writeFileSync(path.join(ws, 'teams', `host-${i}.yaml`), i === 7 ? text.replace(/\n/g, '\r\n') : i === 8 ? text.replace(/\n/g, '\r') : text);
  }
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the output with parse threads is the output without them', () => {
  const inline = check('ws', 0);
  const threaded = check('ws', 2);
  assert.deepEqual(inline.threads, [], 'ISTIO_EGRESS_PARSE_WORKERS=0 parses on the main thread');
  assert.equal(threaded.threads.length, 2, 'two parse threads');
  assert.match(threaded.threads[0], /dist\/parse-worker\.js$/, 'the bundled worker beside cli.js');
  assert.equal(threaded.code, inline.code);
  assert.equal(threaded.stderr, inline.stderr);
  assert.equal(threaded.stdout, inline.stdout);
  const findings = JSON.parse(threaded.stdout) as { code: string; file: string }[];
  assert.ok(
    findings.some((f) => f.code === 'yaml-syntax'),
    'the broken files are reported',
  );
  assert.ok(findings.some((f) => f.code === 'yaml-alias-limit'));
});

test('a few files are parsed on the main thread, without starting a thread', () => {
  fs.mkdirSync(path.join(dir, 'small'), { recursive: true });
  for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, 'small', `se-${i}.yaml`), SE(i));
  const r = check('small', 2);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.threads, []);
});

test('a parse thread that dies mid-way: the same output, and one line on stderr', () => {
  const dies = path.join(dir, 'dies.js');
  const real = path.join(repoRoot, 'dist', 'parse-worker.js');
  fs.writeFileSync(
    dies,
    `const { parentPort } = require('node:worker_threads');\nlet n = 0;\nparentPort.on('message', () => { if (++n === 5) process.exit(9); });\n` +
      `require(${JSON.stringify(real)});\n`,
  );
  const inline = check('ws', 0);
  const dying = check('ws', 1, { ISTIO_EGRESS_WORKER_SCRIPT: dies });
  assert.equal(dying.threads.length, 1);
  assert.equal(dying.stdout, inline.stdout);
  assert.equal(dying.code, inline.code);
  const extra = dying.stderr.split('\n').filter((l) => !inline.stderr.includes(l));
  assert.equal(extra.filter((l) => /parse-worker failed on .*exit code 9/.test(l)).length, 1, dying.stderr);
});

test('the corpora give the same output with parse threads as without', needsShared('corpus', 'realworld'), () => {
  for (const corpus of ['realworld', 'istio-docs']) {
    const target = sharedPath('corpus', corpus);
    const inline = check(target, 0);
    const threaded = check(target, 2);
    assert.equal(threaded.threads.length, 2);
    assert.equal(threaded.code, inline.code, corpus);
    assert.equal(threaded.stderr, inline.stderr, corpus);
    assert.ok(threaded.stdout === inline.stdout, `${corpus}: the outputs differ`);
  }
});

test('the bundled parse worker finds the schema findings when asked, and the checker takes them instead of validating', async () => {
  const workerFile = path.join(repoRoot, 'dist', 'parse-worker.js');
  const pool = new ParsePool({ size: 1, report: (f) => assert.fail(String(f.error)), workerFile, validate: true });
  const parseOnly = new ParsePool({ size: 1, report: (f) => assert.fail(String(f.error)), workerFile });
  const uri = 'file:///ws/host.yaml';
  // A misspelt enum in the second of three documents, so that the finding's place depends on where its document starts.
  const text = `${VS(1)}---\n${SE(1).replace('resolution: DNS', 'resolution: DSN')}---\n${SE(2)}`;
  try {
    const record = await pool.parse(uri, text);
    assert.ok(record, 'parsed on the worker');
    const scanned = new WorkspaceIndex();
    scanned.setFile(parsedFileOf(uri, text, record));
    const parsedHere = new WorkspaceIndex();
    parsedHere.setFile(parseFile(uri, text));
    const fromWorker = new Checker(scanned, loadSchemaStore(), DEFAULT_SETTINGS);
    const validatedHere = new Checker(parsedHere, loadSchemaStore(), DEFAULT_SETTINGS);
    const found = fromWorker.findings(uri);
    assert.deepEqual(found, validatedHere.findings(uri));
    const enumFinding = found.find((f) => f.code === 'schema-enum');
    assert.equal(enumFinding && text.slice(enumFinding.start, enumFinding.end), 'DSN');
    assert.equal(fromWorker.validatedDocuments, 0, 'the worker validated every document');
    assert.equal(validatedHere.validatedDocuments, 3);
    // A pool not asked to validate (a small workspace, see MIN_FILES_FOR_WORKER_VALIDATION) leaves it to the main thread.
    const parsedOnly = new WorkspaceIndex();
    parsedOnly.setFile(parsedFileOf(uri, text, await parseOnly.parse(uri, text)));
    const validatedAfterParse = new Checker(parsedOnly, loadSchemaStore(), DEFAULT_SETTINGS);
    assert.deepEqual(validatedAfterParse.findings(uri), found);
    assert.equal(validatedAfterParse.validatedDocuments, 3);
  } finally {
    await pool.close();
    await parseOnly.close();
  }
});

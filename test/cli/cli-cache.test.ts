/**
 * `istio-egress check --cache FILE`: the output is byte for byte the output without it, with an empty
 * cache and a warm one; a warm run sends no unchanged file to a parse thread, and a file edited since
 * is parsed again and its new mistake reported. Files sent to parse threads are counted by worker-hook.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { PARSE_CASES } from '../../server/src/parse/assert-same-file';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const hook = path.join(__dirname, 'worker-hook.js');
let dir: string;
let runs = 0;

/** Runs `istio-egress check` in `dir` with two parse threads, recording the files sent to them and the threads started. */
function check(args: string[]) {
  const jobs = path.join(dir, `jobs-${++runs}.log`);
  const threads = path.join(dir, `threads-${runs}.log`);
  const r = spawnSync(process.execPath, [cli, 'check', ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 1 << 28,
    env: {
      ...process.env,
      NODE_OPTIONS: `--require ${hook}`,
      ISTIO_EGRESS_WORKER_LOG: threads,
      ISTIO_EGRESS_JOB_LOG: jobs,
      ISTIO_EGRESS_PARSE_WORKERS: '2',
    },
  });
  const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, parsed: lines(jobs).sort(), threads: lines(threads).length };
}

const SE = (i: number, resolution = 'DNS') =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-${i}\n  namespace: team-${i % 3}\nspec:\n  hosts:\n  - ` +
  `api-${i}.example.com\n  location: MESH_EXTERNAL\n  resolution: ${resolution}\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n`;
const VS = (i: number) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: vs-${i}\n  namespace: team-${i % 3}\nspec:\n  hosts:\n  - ` +
  `api-${i}.example.com\n  gateways: [mesh, istio-system/egress-${i % 2}]\n  tls:\n  - match:\n    - port: 443\n      sniHosts: [api-${i}.example.com]\n` +
  `    route:\n    - destination:\n        host: istio-egressgateway.istio-system.svc.cluster.local\n        subset: s-${i}\n`;
const host = (i: number) => path.join(dir, 'ws', 'teams', `host-${i}.yaml`);

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-cli-cache-'));
  fs.mkdirSync(path.join(dir, 'ws', 'teams'), { recursive: true });
  // Every way a file can parse (broken YAML, line breaks, templates, binary, alias bombs, kustomizations, mesh config)...
  // (The huge file is left out for time: record-store.test.ts has it.)
  for (const [name, text] of Object.entries(PARSE_CASES))
    if (name !== 'huge.yaml') fs.writeFileSync(path.join(dir, 'ws', name === 'Kustomization' ? name : `case-${name}`), text);
  // ...and files that refer to each other.
  for (let i = 0; i < 30; i++) fs.writeFileSync(host(i), `${SE(i)}---\n${VS(i)}`);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const same = (actual: ReturnType<typeof check>, expected: ReturnType<typeof check>, label: string) => {
  assert.equal(actual.stdout, expected.stdout, label);
  assert.equal(actual.stderr, expected.stderr, label);
  assert.equal(actual.code, expected.code, label);
};

test('the output with --cache is the output without it, cold and warm, and a warm run parses only what changed', { timeout: 300_000 }, () => {
  const cache = path.join(dir, 'cache', 'records.bin');
  const plain = check(['ws', '--format', 'json']);
  assert.ok(plain.parsed.length > 16, 'without the cache the files go to the parse threads');
  const cold = check(['ws', '--format', 'json', '--cache', cache]);
  same(cold, plain, 'cold');
  assert.deepEqual(cold.parsed, plain.parsed);
  assert.ok(fs.statSync(cache).isFile(), 'the cache file is written, its folder created');
  for (const format of ['json', 'text', 'sarif']) {
    const warm = check(['ws', '--format', format, '--cache', cache]);
    same(warm, format === 'json' ? plain : check(['ws', '--format', format]), `${format}, warm`);
    assert.deepEqual(warm.parsed, [], 'no unchanged file is parsed');
    assert.equal(warm.threads, 0, 'no parse thread is started');
  }
});

test('a file edited since the last run is parsed again and its new mistake reported', { timeout: 300_000 }, () => {
  const cache = path.join(dir, 'edit-cache.bin');
  check(['ws', '--cache', cache]);
  fs.writeFileSync(host(3), `${SE(3, 'DNZ')}---\n${VS(3)}`);
  try {
    const plain = check(['ws', '--format', 'json']);
    const warm = check(['ws', '--format', 'json', '--cache', cache]);
    same(warm, plain, 'after the edit');
    assert.deepEqual(warm.parsed, [URI.file(host(3)).toString()]);
    const findings = JSON.parse(warm.stdout) as { file: string; code: string }[];
    assert.ok(findings.some((f) => f.file.endsWith('host-3.yaml') && f.code === 'schema-enum'));
    // The edit is in the cache now.
    assert.deepEqual(check(['ws', '--cache', cache]).parsed, []);
  } finally {
    fs.writeFileSync(host(3), `${SE(3)}---\n${VS(3)}`);
  }
});

test('a few files (parsed without threads) and a damaged cache file give the same output', () => {
  fs.mkdirSync(path.join(dir, 'small'), { recursive: true });
  for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, 'small', `host-${i}.yaml`), `${SE(i, i === 1 ? 'DNZ' : 'DNS')}---\n${VS(i)}`);
  const cache = path.join(dir, 'small-cache.bin');
  const plain = check(['small']);
  assert.match(plain.stdout, /schema-enum/);
  same(check(['small', '--cache', cache]), plain, 'cold');
  same(check(['small', '--cache', cache]), plain, 'warm');
  const bytes = fs.readFileSync(cache);
  fs.writeFileSync(cache, bytes.subarray(0, bytes.length >> 1));
  same(check(['small', '--cache', cache]), plain, 'truncated cache');
  assert.ok(fs.statSync(cache).size >= bytes.length, 'replaced by a whole one');
  same(check(['small', '--cache', cache]), plain, 'after the replacement');
});

test('--help names --cache', () => {
  const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.match(r.stdout, /--cache FILE/);
});

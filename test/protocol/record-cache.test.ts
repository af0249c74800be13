/**
 * Reopening a workspace with the cache folder the editor passes (`initializationOptions.cacheFolder`): the
 * server answers unchanged files from the parse records it kept (node/record-store.ts) and sends none of them
 * to a parse thread, the diagnostics are those of a server without the cache, and a file changed on disk
 * meanwhile is parsed again. Files sent to parse threads are counted by the worker hook the CLI tests use.
 * The schema findings kept with the records (check/kept-findings.ts) give the same diagnostics too, under
 * other settings and after a setting changes during the session.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri, repoRoot } from './lsp-client';
import { PARSE_CASES } from '../../server/src/parse/assert-same-file';

const hook = path.join(repoRoot, 'out', 'test', 'cli', 'worker-hook.js');
const FILES = 24;
let dir: string;
let workspace: string;
let cacheFolder: string;

const SE = (i: number, resolution = 'DNS') =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-${i}\n  namespace: team-${i % 3}\nspec:\n  hosts:\n  - ` +
  `api-${i}.example.com\n  location: MESH_EXTERNAL\n  resolution: ${resolution}\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n`;
const VS = (i: number) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: vs-${i}\n  namespace: team-${i % 3}\nspec:\n  hosts:\n  - ` +
  `api-${i}.example.com\n  gateways: [mesh, istio-system/egress]\n  tls:\n  - match:\n    - port: 443\n      sniHosts: [api-${i}.example.com]\n` +
  `    route:\n    - destination:\n        host: istio-egressgateway.istio-system.svc.cluster.local\n        subset: s-${i}\n`;
const fileOf = (i: number) => path.join(workspace, 'teams', `host-${i}.yaml`);

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-record-cache-'));
  workspace = path.join(dir, 'ws');
  cacheFolder = path.join(dir, 'storage');
  fs.mkdirSync(path.join(workspace, 'teams'), { recursive: true });
  for (let i = 0; i < FILES; i++) fs.writeFileSync(fileOf(i), `${SE(i)}---\n${VS(i)}`);
  // A mesh config has no record (it is parsed where it is used): it must not start the parse thread either.
  fs.writeFileSync(path.join(workspace, 'istio-operator.yaml'), PARSE_CASES['istio-operator.yaml']);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every file of `folder`, relative to it. */
function listing(folder: string): string[] {
  return fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
}

let runs = 0;

/** Waits until the diagnostics of every file with findings have been unchanged for a while. */
async function settle(diagnostics: Map<string, Diagnostic[]>): Promise<void> {
  let last = '';
  let quietSince = Date.now();
  const deadline = Date.now() + 30_000;
  while (Date.now() - quietSince < 700 && Date.now() < deadline) {
    const now = JSON.stringify([...diagnostics]);
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts the server on the workspace (with the cache folder when given) and `settings`, waits until its diagnostics settle,
 * then, with `then`, changes the settings to those and waits again; stops it.
 */
async function run(
  withCache: boolean,
  settings: Record<string, unknown> = {},
  then?: Record<string, unknown>,
): Promise<{ diagnostics: Map<string, Diagnostic[]>; parsed: string[]; threads: number }> {
  const jobs = path.join(dir, `jobs-${++runs}.log`);
  const threads = path.join(dir, `threads-${runs}.log`);
  const client = await startClient(workspace, settings, {
    ...(withCache ? { initializationOptions: { cacheFolder } } : {}),
    env: {
      NODE_OPTIONS: `--require ${hook}`,
      ISTIO_EGRESS_WORKER_LOG: threads,
      ISTIO_EGRESS_JOB_LOG: jobs,
      ISTIO_EGRESS_PARSE_WORKERS: '1',
    },
  });
  try {
    await settle(client.diagnostics);
    if (then) {
      client.setSettings(then);
      await settle(client.diagnostics);
    }
    return {
      diagnostics: new Map(client.diagnostics),
      parsed: fs.existsSync(jobs) ? fs.readFileSync(jobs, 'utf8').split('\n').filter(Boolean).sort() : [],
      threads: fs.existsSync(threads) ? fs.readFileSync(threads, 'utf8').split('\n').filter(Boolean).length : 0,
    };
  } finally {
    await client.stop();
  }
}

test('a second start on the same workspace parses no unchanged file and gives the same diagnostics', { timeout: 120_000 }, async () => {
  const files = listing(workspace);
  const plain = await run(false);
  assert.ok(plain.diagnostics.size > 0, 'the workspace has findings');
  assert.equal(plain.parsed.length, FILES + 1, 'without the cache every file is sent to the parse thread');
  assert.equal(fs.existsSync(cacheFolder), false, 'without a cache folder nothing is written');

  const cold = await run(true);
  assert.deepEqual(cold.diagnostics, plain.diagnostics);
  assert.equal(cold.parsed.length, FILES + 1, 'the first start with an empty cache parses every file');
  assert.deepEqual(listing(cacheFolder), ['parse-records.bin']);
  assert.deepEqual(listing(workspace), files, 'nothing is written into the workspace');

  const warm = await run(true);
  assert.deepEqual(warm.diagnostics, plain.diagnostics);
  assert.deepEqual(warm.parsed, [], 'no file is sent to be parsed');
  assert.equal(warm.threads, 0, 'the parse thread is not even started');

  // A mistake made on disk between two sessions: that file alone is parsed, and its mistake is reported.
  fs.writeFileSync(fileOf(5), `${SE(5, 'DNZ')}---\n${VS(5)}`);
  const changed = await run(true);
  assert.deepEqual(changed.parsed, [fileUri(fileOf(5))]);
  assert.ok(
    changed.diagnostics.get(fileUri(fileOf(5)))?.some((d) => d.code === 'schema-enum'),
    'the new mistake is reported',
  );
  const expected = new Map((await run(false)).diagnostics);
  assert.deepEqual(changed.diagnostics, expected, 'the same diagnostics as without the cache');
  assert.deepEqual(listing(workspace), files);
});

test('schema findings kept in the cache give the diagnostics of a server without it, under other settings too', { timeout: 180_000 }, async () => {
  // Schema mistakes in several files: an enum, an unknown field, an unknown kind.
  fs.writeFileSync(fileOf(7), `${SE(7, 'DNZ')}---\n${VS(7)}`);
  fs.writeFileSync(fileOf(8), `${SE(8).replace('  location:', '  locaton:')}---\n${VS(8).replace('kind: VirtualService', 'kind: VirtualServce')}`);
  const plain = await run(false);
  const codes = [...plain.diagnostics.values()].flat().map((d) => d.code);
  for (const code of ['schema-enum', 'schema-unknown-field', 'schema-unknown-kind']) assert.ok(codes.includes(code), `the workspace has ${code}`);
  await run(true);
  // Each entry of the cache file is listed with the lengths of its record and of its documents' kept schema findings.
  const bytes = fs.readFileSync(path.join(cacheFolder, 'parse-records.bin'));
  const magic = bytes.indexOf('\n') + 1;
  const header = JSON.parse(bytes.subarray(magic + 4, magic + 4 + bytes.readUInt32LE(magic)).toString('utf8')) as {
    entries: [string, string, number, number][];
  };
  assert.equal(header.entries.filter((e) => e[3] > 0).length, FILES + 1, 'every file keeps the schema findings of its documents');
  const warm = await run(true);
  assert.deepEqual(warm.parsed, []);
  assert.deepEqual(warm.diagnostics, plain.diagnostics, 'the kept findings give the same diagnostics');

  // Settings that change what is shown of schema findings: given at start, and changed during the session.
  const severity = { severity: { 'schema-enum': 'warning', 'schema-unknown-field': 'off' } };
  const plainSeverity = await run(false, severity);
  assert.notDeepEqual(plainSeverity.diagnostics, plain.diagnostics, 'the setting changes the diagnostics');
  assert.deepEqual((await run(true, severity)).diagnostics, plainSeverity.diagnostics);
  const changed = { severity: { 'schema-enum': 'hint' }, outboundTrafficPolicy: 'REGISTRY_ONLY' };
  const plainChanged = await run(false, {}, changed);
  assert.deepEqual((await run(true, {}, changed)).diagnostics, plainChanged.diagnostics);

  // Mistakes mended and made on disk between two sessions: the kept findings of the old texts are not used.
  fs.writeFileSync(fileOf(7), `${SE(7)}---\n${VS(7)}`);
  fs.writeFileSync(fileOf(9), `# moved\n${SE(9, 'STATIK')}---\n${VS(9)}`);
  const edited = await run(true);
  assert.deepEqual(edited.parsed.sort(), [fileUri(fileOf(7)), fileUri(fileOf(9))].sort());
  assert.deepEqual(edited.diagnostics, (await run(false)).diagnostics);
  assert.ok(edited.diagnostics.get(fileUri(fileOf(9)))?.some((d) => d.code === 'schema-enum'));
  assert.ok(!edited.diagnostics.get(fileUri(fileOf(7)))?.some((d) => d.code === 'schema-enum'));
});

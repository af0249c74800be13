/**
 * The built CLI warns about what it leaves out instead of failing or staying silent: a file and a
 * folder it may not read (mode 000; as root the CLI runs as `nobody`, for whom that means
 * something), and `--severity` entries naming codes that do not exist.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'api\nspec:\n  hosts:\n  - api.example.com\n  resolution: DNS\n  location: MESH_EXTENAL\n';
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
let dir: string;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 30000, ...asUser });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-cli-warnings-'));
  fs.mkdirSync(path.join(dir, 'ws', 'locked'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ws', 'ok.yaml'), SE);
  fs.writeFileSync(path.join(dir, 'ws', 'secret.yaml'), SE);
  fs.writeFileSync(path.join(dir, 'ws', 'locked', 'inside.yaml'), SE);
  fs.chmodSync(path.join(dir, 'ws', 'secret.yaml'), 0o000);
  fs.chmodSync(path.join(dir, 'ws', 'locked'), 0o000);
  fs.chmodSync(dir, 0o755);
});

after(() => {
  fs.chmodSync(path.join(dir, 'ws', 'locked'), 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an unreadable file and an unreadable folder are each skipped with a warning; the rest is checked', () => {
  const r = run(['check', 'ws']);
  assert.equal(r.code, 1, `errors found, not a failure (exit 2)\n${r.stderr}`);
  assert.match(r.stdout, /^ws\/ok\.yaml:9:13 error schema-enum/m);
  assert.doesNotMatch(r.stdout, /secret\.yaml|inside\.yaml/);
  assert.match(r.stderr, /^istio-egress: ws\/secret\.yaml: cannot be read \(EACCES\); skipped\.$/m);
  assert.match(r.stderr, /^istio-egress: ws\/locked: cannot be read \(EACCES\); skipped\.$/m);
});

test('a --severity entry naming no code is reported with the closest code; the known ones apply', () => {
  const r = run(['check', 'ws/ok.yaml', '--severity', 'schema-enum=warning', '--severity', 'schema-enmu=off']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ws\/ok\.yaml:9:13 warning schema-enum/m);
  assert.match(r.stderr, /--severity: "schema-enmu" is not a code istio-egress reports \(did you mean "schema-enum"\?\); it is ignored\./);
});

/**
 * The built CLI on files that are not what they seem: unreadable paths, old Mac line endings,
 * invalid globs, keys the YAML library would warn about.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
let dir: string;

const BROKEN =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: httpbin\nspec:\n  hosts:\n  - httpbin.org\n  location: MESH_EXTENAL\n';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-cli-faults-'));
  fs.mkdirSync(path.join(dir, 'ws'));
  fs.writeFileSync(path.join(dir, 'ws', 'broken.yaml'), BROKEN);
  execFileSync('mkfifo', [path.join(dir, 'ws', 'pipe.yaml')]);
  fs.symlinkSync('/dev/zero', path.join(dir, 'ws', 'zero.yaml'));
  fs.writeFileSync(path.join(dir, 'cr.yaml'), `# egress for httpbin\r${BROKEN.split('\n').join('\r')}`);
  fs.writeFileSync(path.join(dir, 'keys.yaml'), `${BROKEN}---\n? [a, b]\n: 1\n`);
  // A folder whose files cannot be read or decoded, each named like a YAML file.
  fs.mkdirSync(path.join(dir, 'odd'));
  fs.writeFileSync(path.join(dir, 'odd', 'broken.yaml'), BROKEN);
  fs.symlinkSync(path.join(dir, 'odd', 'missing.yaml'), path.join(dir, 'odd', 'dangling.yaml'));
  fs.mkdirSync(path.join(dir, 'odd', 'folder.yaml'));
  fs.writeFileSync(path.join(dir, 'odd', 'binary.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xa0, 0xa1, 0x0a, 0x00, 0x3a, 0x80]));
  fs.writeFileSync(path.join(dir, 'odd', 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BROKEN, 'utf16le')]));
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a path that cannot be read is skipped with a warning; the other files are still checked', () => {
  const r = run(['check', 'ws', 'ws/pipe.yaml', 'ws/zero.yaml']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^ws\/broken\.yaml:8:13 error schema-enum/m);
  assert.match(r.stderr, /ws\/pipe\.yaml: cannot be read \(not a regular file\); skipped\./);
  assert.match(r.stderr, /ws\/zero\.yaml: cannot be read/);
});

test('a folder with a dangling symlink, a folder and undecodable files named *.yaml is still checked', () => {
  for (const args of [
    ['check', 'odd'],
    ['check', 'odd', '--format', 'sarif'],
  ]) {
    const r = run(args);
    assert.equal(r.code, 1, `${args.join(' ')}: exit code\n${r.stderr}`);
    if (args.length === 2) assert.match(r.stdout, /^odd\/broken\.yaml:8:13 error schema-enum/m);
    else assert.ok((JSON.parse(r.stdout) as { runs: { results: unknown[] }[] }).runs[0].results.length > 0, 'SARIF with the findings');
  }
  // Named explicitly, undecodable files are checked as the text they decode to, beside the others.
  const r = run(['check', 'odd/binary.yaml', 'odd/utf16.yaml', 'odd/broken.yaml']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^odd\/broken\.yaml:8:13 error schema-enum/m);
});

test('lone CR line endings give the lines an editor and a SARIF viewer count', () => {
  const r = run(['check', 'cr.yaml', '--format', 'sarif']);
  assert.equal(r.code, 1, r.stderr);
  const region = JSON.parse(r.stdout).runs[0].results[0].locations[0].physicalLocation.region;
  assert.deepEqual([region.startLine, region.startColumn], [9, 13]);
});

test('invalid globs are a usage error that names them', () => {
  const r = run(['check', 'ws', '--include', '']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--include: "" is not a valid glob/);
});

test('the YAML library prints no warnings on stderr', () => {
  const r = run(['check', 'keys.yaml']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
});

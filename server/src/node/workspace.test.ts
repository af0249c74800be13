/**
 * The file walk and reads of the start-up scan and the CLI, on a real folder with the things a
 * workspace can hold besides YAML files: FIFOs, sockets, devices, symlink loops, huge files.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { compileFilter, inSkippedFolder, listFiles, readText, readTextOrError } from './workspace';
import { MAX_FILE_BYTES, parseFile } from '../parse/parse';

let root: string;
let socket: net.Server;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-walk-'));
  fs.mkdirSync(path.join(root, 'real'));
  fs.writeFileSync(path.join(root, 'real', 'se.yaml'), 'kind: ServiceEntry\n');
  execFileSync('mkfifo', [path.join(root, 'fifo.yaml')]);
  fs.symlinkSync('/dev/zero', path.join(root, 'zero.yaml'));
  fs.symlinkSync('loop.yaml', path.join(root, 'loop.yaml'));
  fs.symlinkSync(root, path.join(root, 'real', 'up'));
  fs.symlinkSync(path.join(root, 'real', 'se.yaml'), path.join(root, 'linked.yaml'));
  fs.symlinkSync(path.join(root, 'missing.yaml'), path.join(root, 'dangling.yaml'));
  socket = net.createServer();
  await new Promise<void>((resolve) => socket.listen(path.join(root, 'sock.yaml'), resolve));
});

after(() => {
  socket.close();
  fs.rmSync(root, { recursive: true, force: true });
});

test('the walk lists regular files and symlinks to them, never FIFOs, sockets, devices or loops', async () => {
  const files = await listFiles(root, { include: ['**/*.yaml'], exclude: [] });
  assert.deepEqual(
    files.map((f) => path.relative(root, f)).filter((f) => f !== 'huge.yaml'),
    ['linked.yaml', 'real/se.yaml'],
  );
});

test('reading a FIFO, a device or a socket returns nothing at once instead of blocking', async () => {
  const started = Date.now();
  for (const name of ['fifo.yaml', 'zero.yaml', 'sock.yaml', 'loop.yaml', 'dangling.yaml', 'real']) {
    assert.equal(await readText(path.join(root, name)), undefined, name);
    assert.ok('error' in (await readTextOrError(path.join(root, name))), name);
  }
  assert.ok(Date.now() - started < 2000);
  assert.equal(await readText(path.join(root, 'linked.yaml')), 'kind: ServiceEntry\n');
});

test('a file over the size limit is read only up to it, and the parser reports it as too large, with its size', async () => {
  const big = path.join(root, 'big.txt');
  const content = `apiVersion: networking.istio.io/v1\n${'é'.repeat(3000)}`;
  fs.writeFileSync(big, content);
  const text = (await readText(big, 1000))!;
  assert.ok(text.startsWith(content.slice(0, 500)) && !text.includes(content.slice(0, 1000)), 'the beginning of the file, cut at 1,000 bytes');
  const read = await readTextOrError(big, 1000);
  assert.ok('text' in read && read.text === text);
  const file = parseFile('file:///big.txt', text);
  assert.equal(file.skipped, 'too-large');
  assert.match(file.problems[0].message, /^This file is 5\.9 KB, over the 2 MB limit/);
});

test('a 50 MB file is read only up to the parser limit, at once, and reported with its size', async () => {
  const huge = path.join(root, 'huge.yaml');
  fs.writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024, 'apiVersion: networking.istio.io/v1\n'));
  const started = Date.now();
  const text = (await readText(huge))!;
  assert.ok(text.length > MAX_FILE_BYTES && text.length < MAX_FILE_BYTES + 100, `${text.length} characters`);
  assert.ok(Date.now() - started < 5000);
  assert.match(parseFile('file:///huge.yaml', text).problems[0].message, /^This file is 50 MB, over the 2 MB limit/);
});

test('invalid globs are reported and left out; the valid ones still apply', () => {
  const compiled = compileFilter({ include: ['', '**/*.yaml', 'x'.repeat(70000)], exclude: ['charts/**'] });
  assert.equal(compiled.errors.length, 2);
  assert.match(compiled.errors[0], /^include: "" is not a valid glob/);
  assert.match(compiled.errors[1], /^include: "x{57}…" is not a valid glob/);
  assert.equal(compiled.matches('a/b.yaml'), true);
  assert.equal(compiled.matches('charts/b.yaml'), false);
});

test('the walk survives invalid globs', async () => {
  const files = await listFiles(root, { include: [''], exclude: [''] });
  assert.deepEqual(files, []);
});

test('files inside node_modules or .git, at any depth, are never indexed; names that only contain them are', () => {
  assert.equal(inSkippedFolder('node_modules/pkg/se.yaml'), true);
  assert.equal(inSkippedFolder('charts/app/node_modules/x.yaml'), true);
  assert.equal(inSkippedFolder('.git/config.yaml'), true);
  assert.equal(inSkippedFolder('node_modules.yaml'), false);
  assert.equal(inSkippedFolder('my-node_modules/se.yaml'), false);
  assert.equal(inSkippedFolder('egress/se.yaml'), false);
});

test("kustomize's extensionless Kustomization file counts as YAML for the include globs, and exclusions still apply", () => {
  const { matches } = compileFilter({ include: ['**/*.yaml', '**/*.yml'], exclude: ['charts/**'] });
  assert.equal(matches('base/Kustomization'), true);
  assert.equal(matches('Kustomization'), true);
  assert.equal(matches('base/kustomization.yaml'), true);
  assert.equal(matches('base/NotKustomization'), false);
  assert.equal(matches('charts/Kustomization'), false);
  assert.equal(compileFilter({ include: ['istio/**/*.yaml'], exclude: [] }).matches('base/Kustomization'), false, 'outside the include globs');
});

/**
 * What the build puts in each bundle: the extension's client stays small because it shares only the
 * dependency-free protocol module with the server, never the server's code or its YAML parser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const dist = path.resolve(__dirname, '..', '..', '..', 'dist');

test('dist/extension.js carries no server code: no YAML parser, no schemas, no analyzers', () => {
  const client = fs.readFileSync(path.join(dist, 'extension.js'), 'utf8');
  const server = fs.readFileSync(path.join(dist, 'server.js'), 'utf8');
  // Names that only the server's dependencies and core define.
  for (const marker of ['YAMLParseError', 'composeNode', 'ajv', 'vs-unknown-gateway']) {
    assert.ok(server.includes(marker), `the server bundle holds ${marker}, so the marker is a fair test`);
    assert.ok(!client.includes(marker), `dist/extension.js holds ${marker}: the client imports server code`);
  }
  assert.ok(client.includes('istioEgress/generateBundle'), 'the client knows the typed requests');
});

test('no bundle carries the test-only helper that finds the data beside the checkout', () => {
  for (const bundle of ['extension.js', 'server.js', 'cli.js', 'parse-worker.js', 'worker-schemas.js']) {
    assert.ok(!fs.readFileSync(path.join(dist, bundle), 'utf8').includes('sharedPath'), `dist/${bundle} holds the test data helper`);
  }
});

test('the parse worker is its own small bundle, its schema part another, both beside the server and the CLI and in the package', () => {
  const worker = fs.readFileSync(path.join(dist, 'parse-worker.js'), 'utf8');
  const schemaPart = fs.readFileSync(path.join(dist, 'worker-schemas.js'), 'utf8');
  assert.ok(worker.includes('composeNode'), 'the worker parses YAML');
  // Each worker's memory counts in the process: one that only parses loads no schemas, validators or analyzers.
  for (const marker of ['ajv', 'vs-unknown-gateway', 'schemas/index.json']) assert.ok(!worker.includes(marker), `dist/parse-worker.js holds ${marker}`);
  assert.ok(worker.includes('worker-schemas.js'), 'the worker loads its schema part by name');
  // The schema part finds the schema findings with the validators compiled at build time, as the server does, and holds no analyzer.
  assert.match(schemaPart, /usePrecompiledValidators\(require_validators\d*\(\)\.PRECOMPILED\)/);
  assert.ok(!schemaPart.includes('vs-unknown-gateway'), 'dist/worker-schemas.js holds the analyzers');
  for (const bundle of ['server.js', 'cli.js'])
    assert.ok(fs.readFileSync(path.join(dist, bundle), 'utf8').includes('"parse-worker.js"'), `${bundle} starts it`);
  const packaged = fs.readFileSync(path.resolve(dist, '..', '.vscodeignore'), 'utf8').split('\n');
  for (const bundle of ['parse-worker.js', 'worker-schemas.js']) assert.ok(packaged.includes(`!dist/${bundle}`), `the .vsix carries dist/${bundle}`);
});

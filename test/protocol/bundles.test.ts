/**
 * The Node bundles stay ASCII (`asciiOnly` in esbuild.mjs): V8 keeps a running script's whole source in
 * memory, and a single character beyond Latin-1 anywhere in it, even in a dependency's comment, stores all
 * of it at two bytes a character, 9 MB more for the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serverPath } from './lsp-client';

for (const bundle of ['server.js', 'cli.js', 'parse-worker.js', 'worker-schemas.js']) {
  test(`dist/${bundle} is ASCII, so V8 keeps its source at one byte a character`, () => {
    const text = fs.readFileSync(path.join(path.dirname(serverPath), bundle), 'latin1');
    const at = text.search(/[^\x00-\x7f]/);
    assert.equal(at, -1, `a byte beyond ASCII at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 20))}`);
  });
}

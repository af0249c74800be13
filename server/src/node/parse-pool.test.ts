import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ParsePool } from './parse-pool';
import { parsedFileOf } from '../parse/parsed-record';
import { assertSameFile, PARSE_CASES } from '../parse/assert-same-file';
import { needsShared, sharedYamlFiles } from '../shared-corpus';
import type { FaultReport } from '../model';

/** The worker as the tests run it: compiled beside this test in out/. */
const WORKER = path.join(__dirname, 'parse-worker.js');
let dir: string;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-pool-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A worker script that runs the real worker but misbehaves as `body` says, before the real one sees each message. */
function badWorker(name: string, body: string): string {
  const file = path.join(dir, `${name}.js`);
  fs.writeFileSync(file, `const { parentPort } = require('node:worker_threads');\nlet n = 0;\n${body}\nrequire(${JSON.stringify(WORKER)});\n`);
  return file;
}

const files = Object.entries(PARSE_CASES).map(([name, text]) => ({ uri: `file:///ws/${name}`, text }));

/** Parses every file through the pool and checks each against `parseFile`; returns how many came with a record. */
async function parseAll(pool: ParsePool, list = files): Promise<number> {
  const records = list.map((f) => pool.parse(f.uri, f.text));
  let withRecord = 0;
  for (const [i, f] of list.entries()) {
    const record = await records[i];
    if (record) withRecord++;
    assertSameFile(parsedFileOf(f.uri, f.text, record), f.uri, f.text);
  }
  return withRecord;
}

test('files parsed by worker threads rebuild to what parseFile gives', async () => {
  const faults: FaultReport[] = [];
  const pool = new ParsePool({ size: 2, report: (f) => faults.push(f), workerFile: WORKER });
  try {
    const withRecord = await parseAll(pool, [...files, ...files]);
    assert.equal(withRecord, (files.length - 3) * 2, 'all but the mesh configs and the !!binary file come from the workers');
    assert.deepEqual(faults, []);
  } finally {
    await pool.close();
  }
});

test('the corpora parsed by worker threads rebuild to what parseFile gives', needsShared('corpus', 'realworld'), async () => {
  const list = sharedYamlFiles('corpus', 'realworld');
  const pool = new ParsePool({ size: 2, report: (f) => assert.fail(String(f.error)), workerFile: WORKER });
  try {
    assert.ok((await parseAll(pool, list)) > list.length * 0.9);
  } finally {
    await pool.close();
  }
});

test('a worker that dies mid-way: every file still comes back, parsed on the main thread, and the fault is reported once', async () => {
  const faults: FaultReport[] = [];
  const dying = badWorker('dies', "parentPort.on('message', () => { if (++n === 3) process.exit(7); });");
  const pool = new ParsePool({ size: 1, report: (f) => faults.push(f), workerFile: dying });
  try {
    const withRecord = await parseAll(pool);
    assert.ok(withRecord >= 1 && withRecord < files.length - 3, `${withRecord} files came from the worker before it died`);
    assert.equal(faults.length, 1, faults.map((f) => String(f.error)).join('\n'));
    assert.equal(faults[0].code, 'parse-worker');
    assert.match(String(faults[0].error), /exit code 7/);
    assert.equal(await pool.parse('file:///late.yaml', 'a: 1\n'), undefined, 'later files are parsed on the main thread');
  } finally {
    await pool.close();
  }
});

test('a worker that throws, or cannot start, costs only time: files come back to be parsed inline, with one fault each', async () => {
  for (const [name, body] of [
    // Thrown before the real worker sees its second file, so each worker dies holding files.
    ['throws', "parentPort.on('message', () => { if (++n === 2) throw new Error('boom'); });"],
    ['fails-to-load', "throw new Error('cannot load');"],
  ]) {
    const faults: FaultReport[] = [];
    const pool = new ParsePool({ size: 2, report: (f) => faults.push(f), workerFile: badWorker(name, body) });
    try {
      await parseAll(pool);
      assert.equal(faults.length, 2, `${name}: ${faults.map((f) => String(f.error)).join('\n')}`);
      assert.match(String(faults[0].error), name === 'throws' ? /boom/ : /cannot load/);
    } finally {
      await pool.close();
    }
  }
});

test('a missing worker script is one fault per worker, and every file is parsed inline', async () => {
  const faults: FaultReport[] = [];
  const pool = new ParsePool({ size: 2, report: (f) => faults.push(f), workerFile: path.join(dir, 'missing.js') });
  try {
    assert.equal(await parseAll(pool), 0);
    assert.ok(faults.length >= 1 && faults.length <= 2, faults.map((f) => String(f.error)).join('\n'));
  } finally {
    await pool.close();
  }
});

test('closing the pool answers the files still waiting and stops the threads', async () => {
  const slow = badWorker('slow', "parentPort.on('message', () => { const until = Date.now() + 200; while (Date.now() < until); });");
  const faults: FaultReport[] = [];
  const pool = new ParsePool({ size: 1, report: (f) => faults.push(f), workerFile: slow });
  const pending = files.map((f) => pool.parse(f.uri, f.text));
  await pool.close();
  assert.deepEqual(await Promise.all(pending), Array(files.length).fill(undefined));
  assert.equal(await pool.parse('file:///after.yaml', 'a: 1\n'), undefined);
  assert.deepEqual(faults, [], 'closing is not a fault');
});

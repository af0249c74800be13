import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { RecordStore } from './record-store';
import { MAX_CACHE_BYTES } from './record-cache';
import { parsedFileOf, parsedRecord, type FileParser, type ParsedRecord } from '../parse/parsed-record';
import { assertSameFile, PARSE_CASES } from '../parse/assert-same-file';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-record-store-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const STAMP = 'test stamp';
const allCases = Object.entries(PARSE_CASES).map(([name, text]) => ({ uri: `file:///ws/${name}`, text }));
/** Every way a file can parse but the slowest (a huge file), for the tests that run many sessions. */
const files = allCases.filter((f) => !f.uri.endsWith('/huge.yaml'));
let fileCount = 0;
const freshFile = () => path.join(dir, `cache-${++fileCount}`, 'parse-records.bin');

/** A parser on this thread that counts the files it is asked for, standing for the parse threads. */
function countingParser(answer: (uri: string, text: string) => ParsedRecord | undefined = parsedRecord): FileParser & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    parse: (uri, text) => {
      asked.push(uri);
      return Promise.resolve(answer(uri, text));
    },
    close: () => Promise.resolve(),
  };
}

/**
 * One session: loads the cache, parses `list` through it, saves; returns the files parsed.
 * With `compare`, each file rebuilt from its record is checked against `parseFile`.
 */
async function session(file: string, list = files, stamp = STAMP, inner = countingParser(), compare = false): Promise<string[]> {
  const store = new RecordStore(file, (m) => assert.fail(m), stamp);
  const cache = await store.load();
  const parser = cache.parser(inner);
  for (const f of list) {
    const record = await parser.parse(f.uri, f.text);
    if (compare) assertSameFile(parsedFileOf(f.uri, f.text, record), f.uri, f.text);
  }
  await parser.close();
  await store.save(
    cache,
    list.map((f) => f.uri),
  );
  return inner.asked;
}

/** The files of PARSE_CASES that have a record (those with a mesh config are parsed where they are used). */
const withRecord = files.filter((f) => parsedRecord(f.uri, f.text) !== undefined).map((f) => f.uri);

test('a second session parses no unchanged file and gives the same files', async () => {
  const file = freshFile();
  const uris = allCases.map((f) => f.uri);
  assert.deepEqual(await session(file, allCases, STAMP, countingParser(), true), uris, 'the first session parses every file');
  assert.ok(fs.statSync(file).isFile());
  assert.deepEqual(await session(file, allCases, STAMP, countingParser(), true), [], 'the second parses none, records and files without one alike');
  assert.ok(withRecord.length < files.length, 'the cases include files without a record (mesh config)');
});

test('a changed file is parsed again, and only it', async () => {
  const file = freshFile();
  await session(file);
  const changed = files.map((f) => (f.uri.endsWith('multi.yaml') ? { ...f, text: f.text.replace('httpbin', 'httpbin-2') } : f));
  assert.deepEqual(await session(file, changed), ['file:///ws/multi.yaml']);
  assert.deepEqual(await session(file, changed), []);
  // The old text is not remembered: going back parses again.
  assert.deepEqual(await session(file), ['file:///ws/multi.yaml']);
});

test('the entries of files no longer in the workspace are dropped when written back', async () => {
  const file = freshFile();
  await session(file);
  const kept = files.slice(1);
  assert.deepEqual(await session(file, kept), []);
  const size = fs.statSync(file).size;
  assert.deepEqual(await session(file), [files[0].uri], 'the removed file is parsed when it comes back');
  assert.ok(fs.statSync(file).size > size);
});

test('the same text under another uri is parsed: entries belong to their file', async () => {
  const file = freshFile();
  await session(file, files.slice(0, 1));
  assert.deepEqual(await session(file, [{ uri: 'file:///ws/other.yaml', text: files[0].text }]), ['file:///ws/other.yaml']);
});

test('a missing record is kept only for files that may have none; a failed parse thread is asked again next time', async () => {
  const file = freshFile();
  const failing = countingParser(() => undefined);
  await session(file, files, STAMP, failing);
  const again = await session(file);
  const meshFiles = files.filter((f) => /mesh|binary/.test(f.text)).map((f) => f.uri);
  assert.ok(meshFiles.length > 0);
  assert.deepEqual(
    again,
    files.map((f) => f.uri).filter((uri) => !meshFiles.includes(uri)),
  );
});

/** Writes a first session's cache, damages it with `damage`, and returns what the next session parses. */
async function afterDamage(damage: (bytes: Buffer, file: string) => void, stamp = STAMP): Promise<string[]> {
  const file = freshFile();
  await session(file);
  damage(fs.readFileSync(file), file);
  const parsed = await session(file, files, stamp);
  // Replaced by a good file: the session after that parses nothing.
  assert.deepEqual(await session(file, files, stamp), []);
  return parsed;
}

const everyFile = files.map((f) => f.uri);

test('a truncated cache file is ignored and replaced', async () => {
  assert.deepEqual(await afterDamage((b, f) => fs.writeFileSync(f, b.subarray(0, Math.floor(b.length / 2)))), everyFile);
  assert.deepEqual(await afterDamage((b, f) => fs.writeFileSync(f, b.subarray(0, b.length - 1))), everyFile);
  assert.deepEqual(await afterDamage((_, f) => fs.writeFileSync(f, '')), everyFile);
});

test('a corrupt cache file is ignored and replaced', async () => {
  for (const at of [0.1, 0.5, 0.9]) {
    const parsed = await afterDamage((b, f) => {
      const i = Math.floor(b.length * at);
      b[i] ^= 0x20;
      fs.writeFileSync(f, b);
    });
    assert.deepEqual(parsed, everyFile, `a byte changed at ${at}`);
  }
});

test('a foreign file is ignored and replaced', async () => {
  assert.deepEqual(await afterDamage((_, f) => fs.writeFileSync(f, crypto.randomBytes(4096))), everyFile);
  assert.deepEqual(await afterDamage((_, f) => fs.writeFileSync(f, JSON.stringify({ entries: [] }))), everyFile);
  // A folder where the file should be: nothing read, and the write fails with a warning instead of throwing.
  const file = freshFile();
  fs.mkdirSync(file, { recursive: true });
  const warnings: string[] = [];
  const store = new RecordStore(file, (m) => warnings.push(m), STAMP);
  const cache = await store.load();
  const inner = countingParser();
  await cache.parser(inner).parse(files[0].uri, files[0].text);
  await store.save(cache, [files[0].uri]);
  assert.equal(inner.asked.length, 1);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /could not be written/);
  assert.deepEqual(
    fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  );
});

test("another build's or another format's cache file is ignored and replaced", async () => {
  // Written by another parser (the stamp names the parse worker's script and V8's version).
  const file = freshFile();
  await session(file, files, 'an older parser');
  assert.deepEqual(await session(file), everyFile);
  // An older layout, though whole and with a valid checksum.
  const parsed = await afterDamage((b, f) => {
    const magic = b.indexOf('\n') + 1;
    const headerLength = b.readUInt32LE(magic);
    const header = JSON.parse(b.subarray(magic + 4, magic + 4 + headerLength).toString('utf8')) as { format: number };
    assert.equal(header.format, 2);
    const older = Buffer.from(JSON.stringify({ ...header, format: 0 }), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(older.length);
    const content = Buffer.concat([b.subarray(0, magic), length, older, b.subarray(magic + 4 + headerLength, b.length - 32)]);
    fs.writeFileSync(f, Buffer.concat([content, crypto.createHash('sha256').update(content).digest()]));
  });
  assert.deepEqual(parsed, everyFile);
});

test('an entry that is not a record is a miss, though the file is whole', async () => {
  const file = freshFile();
  const bogus = countingParser(() => ({ documents: 'not a list' }) as unknown as ParsedRecord);
  const store = new RecordStore(file, (m) => assert.fail(m), STAMP);
  const cache = await store.load();
  await cache.parser(bogus).parse(files[0].uri, files[0].text);
  await store.save(cache, [files[0].uri]);
  assert.deepEqual(await session(file, files.slice(0, 1)), [files[0].uri]);
});

test('an oversized cache file is not read, and is replaced', async () => {
  const file = freshFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Sparse: no disk space is used.
  fs.writeFileSync(file, '');
  fs.truncateSync(file, MAX_CACHE_BYTES + 1);
  assert.deepEqual(await session(file), everyFile);
  assert.ok(fs.statSync(file).size < 1 << 20);
  assert.deepEqual(await session(file), []);
});

test('a FIFO in place of the cache file does not hold the load', async () => {
  const file = freshFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  assert.equal(spawnSync('mkfifo', [file]).status, 0);
  const store = new RecordStore(file, () => undefined, STAMP);
  const cache = await store.load();
  const inner = countingParser();
  await cache.parser(inner).parse(files[0].uri, files[0].text);
  assert.equal(inner.asked.length, 1);
});

test('a save that waits is written by flush, and a later save replaces it', async () => {
  const file = freshFile();
  const store = new RecordStore(file, (m) => assert.fail(m), STAMP);
  const cache = await store.load();
  const parser = cache.parser(countingParser());
  for (const f of files) await parser.parse(f.uri, f.text);
  store.saveLater(cache, everyFile, 60_000);
  assert.equal(fs.existsSync(file), false, 'not written before its time');
  await store.flush();
  assert.deepEqual(await session(file), []);
});

test('the temporary files of writes killed half-way are removed when the cache is next read, and only those', async () => {
  const file = freshFile();
  await session(file);
  const folder = path.dirname(file);
  const old = Date.now() / 1000 - 3600;
  const left = path.join(folder, 'parse-records.bin.4242.abcdef.tmp');
  const recent = path.join(folder, 'parse-records.bin.4243.abcdef.tmp');
  const other = path.join(folder, 'notes.tmp');
  for (const f of [left, recent, other]) fs.writeFileSync(f, 'half');
  fs.utimesSync(left, old, old);
  fs.utimesSync(other, old, old);
  assert.deepEqual(await session(file), []);
  assert.deepEqual(fs.readdirSync(folder).sort(), ['notes.tmp', 'parse-records.bin', 'parse-records.bin.4243.abcdef.tmp']);
});

/**
 * Schema findings kept in the parse cache (record-cache.ts, check/kept-findings.ts): a session on unchanged files
 * validates no document and gives the findings a session without the cache gives, a changed file's documents are
 * validated again, and findings written by another checker or schemas, damaged ones and those of a validation that
 * faulted are never used.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { RecordStore } from './record-store';
import { loadSchemaStore } from './schemas';
import { parsedFileOf } from '../parse/parsed-record';
import { PARSE_CASES } from '../parse/assert-same-file';
import { WorkspaceIndex } from '../index/workspace-index';
import { Checker } from '../check/checker';
import type { KeptFindings } from '../check/kept-findings';
import { SchemaStore } from '../schema/catalogue';
import { DEFAULT_SETTINGS } from '../settings';
import type { FaultReport, Finding } from '../model';
import { sharedPath, sharedYamlFiles } from '../shared-corpus';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-record-findings-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
const freshFile = () => path.join(dir, `cache-${++fileCount}`, 'parse-records.bin');

interface File {
  uri: string;
  text: string;
}

/** Real files with every kind of schema finding, and the odd files of PARSE_CASES (mesh configs, directives, broken YAML). */
function realFiles(count: number): File[] {
  // Without the shared corpus (see shared-corpus.ts), the odd files below still make the case.
  if (!fs.existsSync(sharedPath('corpus', 'realworld'))) return [];
  const found = sharedYamlFiles('corpus', 'realworld').filter((f) => f.text.includes('istio.io'));
  // Spread over the corpus rather than its first folder.
  const step = Math.max(1, Math.floor(found.length / count));
  return found.filter((_, i) => i % step === 0);
}
const odd: File[] = [
  ...Object.entries(PARSE_CASES)
    .filter(([name]) => name !== 'huge.yaml')
    .map(([name, text]) => ({ uri: `file:///ws/${name}`, text })),
  {
    uri: 'file:///ws/mistakes.yaml',
    text:
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n  resolution: DNZ\n' +
      '  locaton: MESH_EXTERNAL\n---\napiVersion: networking.istio.io/v1\nkind: Gatewy\nmetadata:\n  name: g\n---\n' +
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: d\nspec:\n  host: "a.example.com"\n' +
      '  trafficPolicy:\n    tls: {mode: SIMPLE_X}\n',
  },
];
const files: File[] = [...realFiles(40), ...odd];

const schemas = loadSchemaStore();
/** Validations made, counted where every validation asks the store for its schema. */
let validations = 0;
const entry = schemas.entry.bind(schemas);
schemas.entry = (apiVersion, kind) => {
  validations++;
  return entry(apiVersion, kind);
};
const meshConfigSchema = schemas.meshConfigSchema.bind(schemas);
schemas.meshConfigSchema = () => {
  validations++;
  return meshConfigSchema();
};

/** A checker's findings for every file of `list`, the files indexed from `parse`. */
async function findingsOf(
  list: File[],
  parse: (f: File) => Promise<ReturnType<typeof parsedFileOf>>,
  kept: KeptFindings | undefined,
  store: SchemaStore = schemas,
  faults: FaultReport[] = [],
): Promise<Map<string, Finding[]>> {
  const index = new WorkspaceIndex();
  const checker = new Checker(index, store, DEFAULT_SETTINGS, (f) => faults.push(f), { kept });
  for (const f of list) index.setFile(await parse(f));
  return new Map(list.map((f) => [f.uri, checker.findings(f.uri)]));
}

/** The findings without any cache: what every session must give. */
const expected = (list: File[], store?: SchemaStore, faults?: FaultReport[]) =>
  findingsOf(list, (f) => Promise.resolve(parsedFileOf(f.uri, f.text, undefined)), undefined, store, faults);

/** The documents each session validated, by file, besides the counts. */
interface Session {
  findings: Map<string, Finding[]>;
  validations: number;
  validatedFiles: string[];
  parsed: number;
  /** Documents answered from the cache, and documents validated and kept, as the cache counts them. */
  hits: number;
  kept: number;
  faults: FaultReport[];
}

/** One session through the cache in `file`: loads it, indexes and checks `list`, saves. */
async function session(file: string, list: File[] = files, findingsStamp: string | null = 'checker 1', store: SchemaStore = schemas): Promise<Session> {
  const recordStore = new RecordStore(file, (m) => assert.fail(m), 'records 1', Promise.resolve(findingsStamp ?? undefined));
  const cache = await recordStore.load();
  const parser = cache.parser(undefined);
  const kept = cache.keptFindings();
  const validatedFiles = new Set<string>();
  const counting: KeptFindings = {
    schemaFindings: (uri, text, docIndex) => {
      const found = kept.schemaFindings(uri, text, docIndex);
      if (!found) validatedFiles.add(uri);
      return found;
    },
    keepSchemaFindings: (...args) => kept.keepSchemaFindings(...args),
  };
  const before = validations;
  const faults: FaultReport[] = [];
  const findings = await findingsOf(list, async (f) => parsedFileOf(f.uri, f.text, await parser.parse(f.uri, f.text)), counting, store, faults);
  const counted = validations - before;
  await recordStore.save(
    cache,
    list.map((f) => f.uri),
  );
  return {
    findings,
    validations: counted,
    validatedFiles: [...validatedFiles].sort(),
    parsed: cache.misses,
    hits: cache.findingHits,
    kept: cache.findingsKept,
    faults,
  };
}

test('a second session validates no document of an unchanged file, and gives the same findings as no cache', async () => {
  const file = freshFile();
  const want = await expected(files);
  assert.ok([...want.values()].flat().filter((f) => f.code.startsWith('schema-')).length >= 5, 'the files have schema findings');
  const cold = await session(file);
  assert.deepEqual(cold.findings, want);
  assert.ok(cold.validations > files.length / 2, 'the first session validates');
  assert.equal(cold.hits, 0);
  const warm = await session(file);
  assert.deepEqual(warm.findings, want);
  assert.equal(warm.parsed, 0);
  assert.equal(warm.validations, 0, 'no document is validated');
  assert.equal(warm.hits, cold.kept, 'every document kept is answered');
  assert.equal(warm.kept, 0);
  assert.deepEqual(warm.validatedFiles, []);
  // Reused findings are written back as they were: the third session is the second's.
  const third = await session(file);
  assert.deepEqual(third.findings, want);
  assert.equal(third.validations, 0);
});

test("a changed file's documents are validated again, and only they", async () => {
  const file = freshFile();
  await session(file);
  const mistakes = files.findIndex((f) => f.uri.endsWith('/mistakes.yaml'));
  // The same documents at other offsets, and one mistake mended.
  const changed = files.map((f, i) => (i === mistakes ? { ...f, text: `# moved\n${f.text.replace('DNZ', 'DNS')}` } : f));
  const want = await expected(changed);
  assert.notDeepEqual(want.get(files[mistakes].uri), (await expected(files)).get(files[mistakes].uri));
  const after = await session(file, changed);
  assert.deepEqual(after.findings, want);
  assert.deepEqual(after.validatedFiles, [files[mistakes].uri]);
  const again = await session(file, changed);
  assert.deepEqual(again.findings, want);
  assert.equal(again.validations, 0);
});

test('findings written by another checker or with other schemas are not used; the records are', async () => {
  const file = freshFile();
  const want = await expected(files);
  await session(file, files, 'checker 1');
  const other = await session(file, files, 'checker 2');
  assert.deepEqual(other.findings, want);
  assert.equal(other.parsed, 0, 'the parse records are taken');
  assert.ok(other.validations > files.length / 2, 'every document is validated again');
  assert.equal((await session(file, files, 'checker 2')).validations, 0);
  // Without a stamp for findings (the program or the schemas could not be read), none are kept.
  const unstamped = freshFile();
  await session(unstamped, files, null);
  const next = await session(unstamped, files, null);
  assert.deepEqual(next.findings, want);
  assert.ok(next.validations > files.length / 2);
});

/** Replaces the findings bytes of `uri`'s entry in a cache file with `bytes`, keeping the file whole (lengths and checksum). */
function replaceFindings(file: string, uri: string, bytes: Uint8Array): void {
  const b = fs.readFileSync(file);
  const magic = b.indexOf('\n') + 1;
  const headerLength = b.readUInt32LE(magic);
  const header = JSON.parse(b.subarray(magic + 4, magic + 4 + headerLength).toString('utf8')) as { entries: [string, string, number, number][] };
  let offset = magic + 4 + headerLength;
  const bodies: Uint8Array[] = [];
  for (const e of header.entries) {
    bodies.push(b.subarray(offset, offset + e[2]));
    offset += e[2];
    const findings = b.subarray(offset, offset + e[3]);
    offset += e[3];
    if (e[0] === uri) {
      assert.ok(findings.length > 0, `${uri} has kept findings`);
      e[3] = bytes.length;
      bodies.push(bytes);
    } else bodies.push(findings);
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const content = Buffer.concat([b.subarray(0, magic), length, json, ...bodies]);
  fs.writeFileSync(file, Buffer.concat([content, crypto.createHash('sha256').update(content).digest()]));
}

test('findings that are not findings are validated again, though the cache file is whole', async () => {
  const want = await expected(odd);
  const uri = 'file:///ws/mistakes.yaml';
  const bogus = [
    v8.serialize('not findings'),
    v8.serialize([[0, [{ code: 'schema-enum', severity: 'fatal', message: 'x', start: 0, end: 1 }]]]),
    v8.serialize([[0, [{ code: 'schema-enum', severity: 'error', message: 'x', start: 5, end: 1 }]]]),
    v8.serialize([[-1, []]]),
    Buffer.from('garbage'),
  ];
  for (const bytes of bogus) {
    const file = freshFile();
    await session(file, odd);
    replaceFindings(file, uri, bytes);
    const next = await session(file, odd);
    assert.deepEqual(next.findings, want);
    assert.equal(next.parsed, 0);
    assert.deepEqual(next.validatedFiles, [uri]);
    assert.equal((await session(file, odd)).validations, 0, 'written afresh');
  }
});

test('the findings of a validation that faulted are not kept: the next session validates and reports again', async () => {
  const seFile = schemas.entry('networking.istio.io/v1', 'ServiceEntry')!.file;
  const broken = new SchemaStore(schemas.catalogue, (f) => {
    if (f === seFile) throw new Error('a broken schema');
    return schemas.schemaFile(f);
  });
  const list = odd;
  const faults: FaultReport[] = [];
  const want = await expected(list, broken, faults);
  assert.ok(faults.length > 0);
  const file = freshFile();
  const cold = await session(file, list, 'checker 1', broken);
  assert.deepEqual(cold.findings, want);
  const warm = await session(file, list, 'checker 1', broken);
  assert.deepEqual(warm.findings, want);
  assert.deepEqual(
    warm.faults.map((f) => f.uri),
    faults.map((f) => f.uri),
    'the same faults are reported',
  );
  assert.ok(warm.validatedFiles.length > 0);
});

test('once the cache is written, the kept findings answer nothing and keep nothing', async () => {
  const file = freshFile();
  await session(file);
  const store = new RecordStore(file, (m) => assert.fail(m), 'records 1', 'checker 1');
  const cache = await store.load();
  const f = files.find((x) => x.uri.endsWith('/mistakes.yaml'))!;
  await cache.parser(undefined).parse(f.uri, f.text);
  const kept = cache.keptFindings();
  assert.ok(kept.schemaFindings(f.uri, f.text, 0));
  assert.equal(kept.schemaFindings(f.uri, `${f.text}\n`, 0), undefined, 'nothing for another text');
  await store.save(cache, [f.uri]);
  assert.equal(kept.schemaFindings(f.uri, f.text, 0), undefined);
});

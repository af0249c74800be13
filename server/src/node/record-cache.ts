/**
 * Parse records (parse/parsed-record.ts) kept between sessions, so that reopening a workspace, or running
 * the CLI again on mostly unchanged files, parses only the files whose text changed. Beside each record it
 * keeps the schema findings of the file's documents (check/kept-findings.ts), so that those documents are not
 * validated again either. It owns the entries, the `FileParser` that answers from them, and the bytes of the
 * cache file; reading and writing the file is record-store.ts's. Nothing in a cache file is trusted: a file
 * that is cut short, altered, written by another build or too large gives no entries, findings written by
 * another build of the checker or with other schemas are not taken, and an entry that does not decode to a
 * record (findings) is a miss.
 */
import crypto from 'node:crypto';
import v8 from 'node:v8';
import { parsedRecord, type FileParser, type ParsedRecord } from '../parse/parsed-record';
import { isKeptFinding, type KeptFinding, type KeptFindings } from '../check/kept-findings';

/** The layout of the cache file and of its entries; bump it on any change to either. */
const FORMAT = 2;
const MAGIC = Buffer.from('istio-egress parse records\n', 'latin1');
const CHECKSUM_BYTES = 32;
/** A cache file larger than this is not read (a corrupt or foreign file), and writing stops adding entries there. */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * One file's entry: the digest of the text it was parsed from, and its record as bytes (from the cache
 * file or serialized when saved) or as the record itself (parsed in this session). A null record means
 * the file has none and is parsed where it is used (its mesh config keeps a syntax tree, see parsed-record.ts).
 */
interface Entry {
  digest: string;
  bytes?: Uint8Array;
  record?: ParsedRecord | null;
  /** The file's text in this session, once the parser was asked for it: the text the kept findings are for. */
  text?: string;
  /** The schema findings of the file's documents by document number, as bytes (from the cache file, or serialized when saved) or decoded. */
  findingsBytes?: Uint8Array;
  findings?: Map<number, readonly KeptFinding[]>;
}

/** What identifies the file's text: a SHA-256 of its UTF-16 code units, so that no two texts share one (lone surrogates included). */
function digestOf(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf16le').digest('base64');
}

/**
 * Files whose record may legitimately be missing: a mesh config (an `istio` ConfigMap's `mesh`, any IstioOperator) or `!!binary`
 * data (see `parsedRecord`). Only for them is a missing record kept as such; for any other file it means a parse thread failed,
 * so the next session asks again.
 */
const MAY_HAVE_NO_RECORD = /mesh|IstioOperator|binary/;

export class RecordCache {
  private readonly entries = new Map<string, Entry>();
  /** Files answered from the cache and files parsed, in this session. */
  hits = 0;
  misses = 0;
  /** Documents whose schema findings were answered from the cache, and kept after validating, in this session. */
  findingHits = 0;
  findingsKept = 0;
  private readonly kept: KeptFindingsView;

  /**
   * `stamp` names the build and runtime the records come from; a file with another stamp gives no entries.
   * `findingsStamp` names what schema findings depend on besides the text (the checker's build, the schemas): findings
   * written under another are not taken; without it, no findings are kept.
   */
  constructor(
    readonly stamp: string,
    readonly findingsStamp?: string,
  ) {
    this.kept = new KeptFindingsView(this);
  }

  /**
   * The kept schema findings, for the checker; after the cache is written (`encode`), it answers and keeps nothing,
   * and lets go of the cache, which the checker outlives.
   */
  keptFindings(): KeptFindings {
    return this.kept;
  }

  /** @internal for KeptFindingsView: the findings of `uri`'s documents when `text` is the text its entry stands for. */
  findingsFor(uri: string, text: string): Map<number, readonly KeptFinding[]> | undefined {
    if (this.findingsStamp === undefined) return undefined;
    const entry = this.entries.get(uri);
    if (entry?.text === undefined || entry.text !== text) return undefined;
    if (!entry.findings) {
      entry.findings = decodeFindings(entry.findingsBytes) ?? new Map();
      // Findings that do not decode are found again, and written afresh.
      if (entry.findings.size === 0) entry.findingsBytes = undefined;
    }
    return entry.findings;
  }

  /** @internal for KeptFindingsView: the entry of `uri` changed its findings, to be serialized again when written. */
  findingsChanged(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry) entry.findingsBytes = undefined;
  }

  /**
   * A parser that answers a file whose text is unchanged from its entry, without asking `inner`, and otherwise
   * asks `inner` (parse threads) or, without it, parses here; `inner` is asked nothing when every file hits.
   */
  parser(inner: FileParser | undefined): FileParser {
    return {
      parse: async (uri, text) => {
        const digest = digestOf(text);
        const entry = this.entries.get(uri);
        if (entry?.digest === digest) {
          const record = entry.record !== undefined ? entry.record : decodeRecord(entry.bytes);
          if (record !== undefined) {
            this.hits++;
            entry.text = text;
            return record ?? undefined;
          }
        }
        this.misses++;
        // Whatever the entry held is for another text: its findings go with it.
        this.entries.delete(uri);
        const record = inner ? await inner.parse(uri, text) : parsedRecord(uri, text);
        if (record || MAY_HAVE_NO_RECORD.test(text)) this.entries.set(uri, { digest, record: record ?? null, text });
        return record;
      },
      close: async () => {
        await inner?.close();
      },
    };
  }

  /**
   * The cache file's bytes with the entries of `uris` (the files of the workspace; the others are dropped), serializing the
   * records parsed in this session; `pause` lets other work run between entries. Entries that would pass MAX_CACHE_BYTES are left out.
   */
  async encode(uris: Iterable<string>, pause: () => Promise<void> | undefined = () => undefined): Promise<Buffer> {
    const listed: [string, string, number, number][] = [];
    const bodies: Uint8Array[] = [];
    let size = MAGIC.length + CHECKSUM_BYTES + 1024;
    for (const uri of new Set(uris)) {
      const entry = this.entries.get(uri);
      if (!entry) continue;
      if (!entry.bytes) {
        entry.bytes = v8.serialize(entry.record);
        await pause();
      }
      if (!entry.findingsBytes && entry.findings && entry.findings.size > 0) {
        entry.findingsBytes = v8.serialize([...entry.findings]);
        await pause();
      }
      const findings = this.findingsStamp === undefined ? NO_BYTES : (entry.findingsBytes ?? NO_BYTES);
      size += entry.bytes.length + findings.length + uri.length * 3 + entry.digest.length + 24;
      if (size > MAX_CACHE_BYTES) break;
      listed.push([uri, entry.digest, entry.bytes.length, findings.length]);
      bodies.push(entry.bytes, findings);
    }
    // The checker, which outlives the cache, no longer holds it through the kept findings.
    this.kept.detach();
    const header = Buffer.from(JSON.stringify({ format: FORMAT, stamp: this.stamp, findingsStamp: this.findingsStamp ?? null, entries: listed }), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    const content = Buffer.concat([MAGIC, length, header, ...bodies]);
    return Buffer.concat([content, crypto.createHash('sha256').update(content).digest()]);
  }

  /**
   * Takes the entries of a cache file's bytes; returns false, taking none, when the bytes are not a whole cache
   * file of this format and stamp. The entries' records are decoded only when their files are asked for.
   */
  decode(bytes: Uint8Array): boolean {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (data.length < MAGIC.length + 4 + CHECKSUM_BYTES || data.length > MAX_CACHE_BYTES) return false;
    if (!data.subarray(0, MAGIC.length).equals(MAGIC)) return false;
    const content = data.subarray(0, data.length - CHECKSUM_BYTES);
    if (!crypto.createHash('sha256').update(content).digest().equals(data.subarray(content.length))) return false;
    const headerLength = content.readUInt32LE(MAGIC.length);
    let offset = MAGIC.length + 4 + headerLength;
    if (offset > content.length) return false;
    let header: unknown;
    try {
      header = JSON.parse(content.subarray(MAGIC.length + 4, offset).toString('utf8'));
    } catch {
      return false;
    }
    const { format, stamp, findingsStamp, entries } = (header ?? {}) as { format?: unknown; stamp?: unknown; findingsStamp?: unknown; entries?: unknown };
    if (format !== FORMAT || stamp !== this.stamp || !Array.isArray(entries)) return false;
    // Findings found by another build of the checker, or with other schemas, are not taken; the records are.
    const takeFindings = this.findingsStamp !== undefined && findingsStamp === this.findingsStamp;
    const length = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
    const taken = new Map<string, Entry>();
    for (const item of entries as unknown[]) {
      if (!Array.isArray(item) || item.length !== 4) return false;
      const [uri, digest, recordLength, findingsLength] = item as unknown[];
      if (typeof uri !== 'string' || typeof digest !== 'string' || !length(recordLength) || !length(findingsLength)) return false;
      if (offset + recordLength + findingsLength > content.length) return false;
      const entry: Entry = { digest, bytes: content.subarray(offset, (offset += recordLength)) };
      const findings = content.subarray(offset, (offset += findingsLength));
      if (takeFindings && findings.length > 0) entry.findingsBytes = findings;
      taken.set(uri, entry);
    }
    if (offset !== content.length) return false;
    for (const [uri, entry] of taken) this.entries.set(uri, entry);
    return true;
  }
}

const NO_BYTES = new Uint8Array(0);

/** What the checker sees of a cache: its kept schema findings, until the cache is written. */
class KeptFindingsView implements KeptFindings {
  constructor(private cache: RecordCache | undefined) {}

  schemaFindings(uri: string, text: string, docIndex: number): readonly KeptFinding[] | undefined {
    const found = this.cache?.findingsFor(uri, text)?.get(docIndex);
    if (found) this.cache!.findingHits++;
    return found;
  }

  keepSchemaFindings(uri: string, text: string, docIndex: number, findings: readonly KeptFinding[]): void {
    const kept = this.cache?.findingsFor(uri, text);
    if (!kept) return;
    kept.set(docIndex, findings);
    this.cache!.findingsKept++;
    this.cache!.findingsChanged(uri);
  }

  detach(): void {
    this.cache = undefined;
  }
}

/** An entry's findings by document number, or undefined when its bytes are missing or are not such findings. */
function decodeFindings(bytes: Uint8Array | undefined): Map<number, readonly KeptFinding[]> | undefined {
  const value = deserialized(bytes);
  if (!Array.isArray(value)) return undefined;
  const out = new Map<number, readonly KeptFinding[]>();
  for (const item of value as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2) return undefined;
    const [docIndex, findings] = item as unknown[];
    if (!Number.isSafeInteger(docIndex) || (docIndex as number) < 0 || !Array.isArray(findings) || !findings.every(isKeptFinding)) return undefined;
    out.set(docIndex as number, findings);
  }
  return out;
}

/** An entry's record (null: the file has none), or undefined when its bytes are not a record. */
function decodeRecord(bytes: Uint8Array | undefined): ParsedRecord | null | undefined {
  const value = deserialized(bytes);
  return value === null || isRecordShaped(value) ? value : undefined;
}

/** What V8 serialized into `bytes`, or undefined when they are missing or are not V8's serialization. */
function deserialized(bytes: Uint8Array | undefined): unknown {
  if (!bytes) return undefined;
  try {
    return v8.deserialize(bytes) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether a decoded value has a record's shape, so that rebuilding the file from it cannot throw. */
function isRecordShaped(value: unknown): value is ParsedRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<Record<keyof ParsedRecord, unknown>>;
  const offsets = (o: unknown) =>
    typeof o === 'object' && o !== null && Number.isSafeInteger((o as { start?: unknown }).start) && Number.isSafeInteger((o as { end?: unknown }).end);
  return (
    Array.isArray(r.documents) &&
    r.documents.every(offsets) &&
    Array.isArray(r.problems) &&
    r.problems.every((p) => offsets(p) && typeof (p as { code?: unknown }).code === 'string' && typeof (p as { message?: unknown }).message === 'string') &&
    typeof r.owned === 'boolean' &&
    typeof r.trees === 'boolean' &&
    (r.skipped === undefined || typeof r.skipped === 'string') &&
    (r.parts === undefined || (Array.isArray(r.parts) && r.parts.every((n) => Number.isSafeInteger(n))))
  );
}

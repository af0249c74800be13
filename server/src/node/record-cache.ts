/**
 * Parse records (parse/parsed-record.ts) kept between sessions, so that reopening a workspace, or running
 * the CLI again on mostly unchanged files, parses only the files whose text changed. It owns the entries,
 * the `FileParser` that answers from them, and the bytes of the cache file; reading and writing the file
 * is record-store.ts's. Nothing in a cache file is trusted: a file that is cut short, altered, written by
 * another build or too large gives no entries, and an entry that does not decode to a record is a miss.
 */
import crypto from 'node:crypto';
import v8 from 'node:v8';
import { parsedRecord, type FileParser, type ParsedRecord } from '../parse/parsed-record';

/** The layout of the cache file and of its entries; bump it on any change to either. */
const FORMAT = 1;
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
}

/** What identifies the file's text: a SHA-256 of its UTF-16 code units, so that no two texts share one (lone surrogates included). */
function digestOf(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf16le').digest('base64');
}

/**
 * Files whose record may legitimately be missing: a mesh config or `!!binary` data (see `parsedRecord`).
 * Only for them is a missing record kept as such; for any other file it means a parse thread failed, so the next session asks again.
 */
const MAY_HAVE_NO_RECORD = /mesh|binary/;

export class RecordCache {
  private readonly entries = new Map<string, Entry>();
  /** Files answered from the cache and files parsed, in this session. */
  hits = 0;
  misses = 0;

  /** `stamp` names the build and runtime the records come from; a file with another stamp gives no entries. */
  constructor(readonly stamp: string) {}

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
            return record ?? undefined;
          }
        }
        this.misses++;
        const record = inner ? await inner.parse(uri, text) : parsedRecord(uri, text);
        if (record || MAY_HAVE_NO_RECORD.test(text)) this.entries.set(uri, { digest, record: record ?? null });
        else this.entries.delete(uri);
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
    const listed: [string, string, number][] = [];
    const bodies: Uint8Array[] = [];
    let size = MAGIC.length + CHECKSUM_BYTES + 1024;
    for (const uri of new Set(uris)) {
      const entry = this.entries.get(uri);
      if (!entry) continue;
      if (!entry.bytes) {
        entry.bytes = v8.serialize(entry.record);
        await pause();
      }
      size += entry.bytes.length + uri.length * 3 + entry.digest.length + 16;
      if (size > MAX_CACHE_BYTES) break;
      listed.push([uri, entry.digest, entry.bytes.length]);
      bodies.push(entry.bytes);
    }
    const header = Buffer.from(JSON.stringify({ format: FORMAT, stamp: this.stamp, entries: listed }), 'utf8');
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
    const { format, stamp, entries } = (header ?? {}) as { format?: unknown; stamp?: unknown; entries?: unknown };
    if (format !== FORMAT || stamp !== this.stamp || !Array.isArray(entries)) return false;
    const taken = new Map<string, Entry>();
    for (const item of entries as unknown[]) {
      if (!Array.isArray(item) || item.length !== 3) return false;
      const [uri, digest, length] = item as unknown[];
      if (typeof uri !== 'string' || typeof digest !== 'string' || !Number.isSafeInteger(length) || (length as number) < 0) return false;
      if (offset + (length as number) > content.length) return false;
      taken.set(uri, { digest, bytes: content.subarray(offset, (offset += length as number)) });
    }
    if (offset !== content.length) return false;
    for (const [uri, entry] of taken) this.entries.set(uri, entry);
    return true;
  }
}

/** An entry's record (null: the file has none), or undefined when its bytes are not a record. */
function decodeRecord(bytes: Uint8Array | undefined): ParsedRecord | null | undefined {
  if (!bytes) return undefined;
  let value: unknown;
  try {
    value = v8.deserialize(bytes);
  } catch {
    return undefined;
  }
  return value === null || isRecordShaped(value) ? value : undefined;
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

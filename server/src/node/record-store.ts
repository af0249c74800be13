/**
 * The file that keeps the parse record cache (record-cache.ts) between sessions: read when a scan or a
 * CLI run starts, written after it. It owns the reading, with its guards, and the writing, which is
 * atomic (a temporary file in the same folder, then renamed), so that no reader ever sees half a file.
 * It writes only the one file it is given, in a folder the editor or the user chose, never in the workspace.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_CACHE_BYTES, RecordCache } from './record-cache';
import { schemaDigest } from './schemas';

export class RecordStore {
  /** The saves begun, one after the other. */
  private saving: Promise<void> = Promise.resolve();
  private waiting: { timer: NodeJS.Timeout; run: () => Promise<void> } | undefined;
  /**
   * `stamp` names what the records depend on besides the text (by default `buildStamp()`), and `findingsStamp` what
   * the documents' schema findings depend on besides it (by default `checkerStamp()`; resolving to undefined: no findings are kept);
   * both defaults are worked out from construction on (see `digestOf`), so that the first `load` seldom waits for them;
   * `warn` hears why the file could not be written. A file that cannot be read, or is not a cache file of this stamp, is ignored.
   */
  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void,
    private readonly stamp: string | Promise<string> = buildStamp(),
    private readonly findingsStamp: string | Promise<string | undefined> = checkerStamp(),
  ) {}

  /**
   * Whether the cache file is there: a run that finds one is likely to parse few files, and starts no parse thread before it knows
   * which; a run without one parses every file, and starts its threads at once, to load their code while the stamps are worked out.
   */
  async exists(): Promise<boolean> {
    try {
      await fs.promises.access(this.file);
      return true;
    } catch {
      return false;
    }
  }

  /** The cache as the file holds it; empty when the file is missing, unreadable, cut short, altered, too large or another build's. */
  async load(): Promise<RecordCache> {
    await this.saving;
    const cache = new RecordCache(await this.stamp, await this.findingsStamp);
    const bytes = await readCapped(this.file, MAX_CACHE_BYTES);
    if (bytes) cache.decode(bytes);
    await removeStaleTemporaries(this.file);
    return cache;
  }

  /** Writes `cache` with the entries of `uris` (the workspace's files); `pause` lets other work run while the records are serialized. */
  save(cache: RecordCache, uris: Iterable<string>, pause?: () => Promise<void> | undefined): Promise<void> {
    this.cancelWaiting();
    const kept = [...uris];
    this.saving = this.saving.then(async () => {
      try {
        await writeAtomically(this.file, await cache.encode(kept, pause));
      } catch (e) {
        this.warn(`the parse cache ${this.file} could not be written (${e instanceof Error ? e.message : String(e)}); files are parsed as usual.`);
      }
    });
    return this.saving;
  }

  /** `save`, `delayMs` from now, unless another save comes first; the timer does not keep the process alive. */
  saveLater(cache: RecordCache, uris: Iterable<string>, delayMs: number, pause?: () => Promise<void> | undefined): void {
    this.cancelWaiting();
    const kept = [...uris];
    const run = () => this.save(cache, kept, pause);
    const timer = setTimeout(() => void run(), delayMs);
    timer.unref();
    this.waiting = { timer, run };
  }

  /** Begins a save that waits for its time now, and resolves once every save begun is written. */
  async flush(): Promise<void> {
    const waiting = this.waiting;
    if (waiting) await waiting.run();
    await this.saving;
  }

  private cancelWaiting(): void {
    if (this.waiting) clearTimeout(this.waiting.timer);
    this.waiting = undefined;
  }
}

/**
 * What records depend on besides a file's text: the parser, named by a digest of the parse worker's script
 * (in the bundles, the whole parser: any change to it, or to the record's shape, changes the stamp), and the V8
 * version, whose serialization format the entries use. When the script cannot be read, a stamp no other run has: nothing is reused.
 */
async function buildStamp(workerFile = path.join(__dirname, 'parse-worker.js')): Promise<string> {
  try {
    return `v8 ${process.versions.v8}; parser ${await digestOf(workerFile)}`;
  } catch {
    return `v8 ${process.versions.v8}; unknown parser ${crypto.randomUUID()}`;
  }
}

/**
 * A SHA-256 of a file, hashed a chunk at a time as it is read: the bundles are megabytes, and hashing one in one call
 * held the server's thread for milliseconds during the start-up scan, while completion and hover waited.
 * A chunk is 256 KB (hashed in well under a millisecond): with the stream's default 64 KB, the server's bundle took a hundred
 * turns of the event loop, each behind whatever the thread was doing, and the start-up scan waited 170 ms for the stamps.
 */
async function digestOf(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/**
 * What schema findings depend on besides a file's text: the checker, named by a digest of the script this runs in (in the
 * bundles, the server's or the CLI's whole program: the validators compiled at build time, CEL, the checker), the schemas
 * it loads (`schemaDigest`), and the V8 version, whose serialization the entries use. Undefined (no findings kept) when either cannot be read.
 */
async function checkerStamp(script = __filename): Promise<string | undefined> {
  try {
    return `v8 ${process.versions.v8}; checker ${await digestOf(script)}; schemas ${await schemaDigest()}`;
  } catch {
    return undefined;
  }
}

/** A regular file's bytes, opened non-blocking (a FIFO never holds the thread); undefined when it cannot be read or is larger than `limit`. */
async function readCapped(file: string, limit: number): Promise<Buffer | undefined> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > limit) return undefined;
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** How old a temporary file of an unfinished write must be to be removed: a process that was killed while writing left it. */
const STALE_TEMPORARY_MS = 10 * 60_000;

/** Removes the temporary files that writes of `file` killed half-way left beside it. */
async function removeStaleTemporaries(file: string): Promise<void> {
  const folder = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  try {
    for (const name of await fs.promises.readdir(folder)) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const temporary = path.join(folder, name);
      const stat = await fs.promises.lstat(temporary);
      if (stat.isFile() && Date.now() - stat.mtimeMs > STALE_TEMPORARY_MS) await fs.promises.rm(temporary, { force: true });
    }
  } catch {
    // A folder that cannot be listed has nothing of ours to remove.
  }
}

/** Writes `bytes` to a temporary file beside `file`, then renames it over `file`; creates the folder if need be. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.promises.writeFile(temporary, bytes, { mode: 0o600 });
    await fs.promises.rename(temporary, file);
  } catch (e) {
    await fs.promises.rm(temporary, { force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * A small pool of worker threads that parse files for the start-up scan and the CLI, so that the main
 * thread only rebuilds each file from its record (parse/parsed-record.ts) and indexes it. Reading files
 * stays with the caller, with its guards. A worker that throws, dies or is killed costs nothing but
 * time: the files it held come back without a record, to be parsed on the main thread, and the fault
 * is reported once. The pool never starts more threads than asked and stops them in `close`.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FaultReport } from '../model';
import type { FileParser, ParsedRecord } from '../parse/parsed-record';

/** What the main thread sends a worker. */
export interface ParseJob {
  id: number;
  uri: string;
  text: string;
}

/** What a worker is started with. */
export interface ParseWorkerData {
  /** Whether it finds the resources' schema findings too (see `MIN_FILES_FOR_WORKER_VALIDATION`). */
  validate: boolean;
}

/** What a worker answers: the record (undefined: parse the file on the main thread), or why it failed. */
export type ParseReply = { id: number; record: ParsedRecord | undefined } | { id: number; error: string };

/** Files each worker holds at once: enough that it never waits for the next, few enough that the queue stays on the main thread. */
const IN_FLIGHT = 4;

/** Fewer files than this are parsed on the main thread: starting a worker costs about as much as parsing a few dozen files. */
export const MIN_FILES_FOR_WORKERS = 16;

/**
 * From this many files on, the workers also find the schema findings (parse-worker.ts), which the main thread otherwise
 * finds while it checks. A worker that validates loads the schemas and runs each kind's validator for the first time
 * itself, tens of milliseconds before the main thread gets the first records: on the benchmark's workspaces (five hosts a
 * file) that made the server's cold scan 0.5 s faster at 1,000 files, about as fast at 200, and 80 ms slower at 20,
 * with 27 MB more memory.
 */
const MIN_FILES_FOR_WORKER_VALIDATION = 500;

/**
 * How many parse workers to start: ISTIO_EGRESS_PARSE_WORKERS when set (0 parses on the main thread),
 * else one per core, less one for the main thread when it has other work meanwhile (the server, and the CLI while it checks), at most 4.
 */
function parseWorkerCount(mainThreadBusy: boolean): number {
  const set = Number.parseInt(process.env.ISTIO_EGRESS_PARSE_WORKERS ?? '', 10);
  if (Number.isInteger(set) && set >= 0) return Math.min(set, 16);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cores - (mainThreadBusy ? 1 : 0)));
}

/**
 * The pool for a scan of `files` files (the server's or the CLI's, whose main thread may have other work meanwhile):
 * none below `MIN_FILES_FOR_WORKERS`, and workers that find the schema findings too from `MIN_FILES_FOR_WORKER_VALIDATION` on.
 */
export function parsePoolFor(files: number, mainThreadBusy: boolean, report: (fault: FaultReport) => void): ParsePool | undefined {
  if (files < MIN_FILES_FOR_WORKERS) return undefined;
  return new ParsePool({ size: parseWorkerCount(mainThreadBusy), report, validate: files >= MIN_FILES_FOR_WORKER_VALIDATION });
}

interface Job extends ParseJob {
  resolve: (record: ParsedRecord | undefined) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Job>;
  alive: boolean;
}

export class ParsePool implements FileParser {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private head = 0;
  private nextId = 0;
  private started = false;
  private closed = false;

  constructor(
    private readonly options: {
      /** Worker threads to start (on the first `parse`); 0 parses every file on the main thread. */
      size: number;
      /** Where a worker's faults go: the server's output channel, the CLI's stderr. */
      report: (fault: FaultReport) => void;
      /** The worker's script; by default parse-worker.js beside this module (dist/ in the bundles, out/ in tests). */
      workerFile?: string;
      /** Whether the workers find the schema findings too (see `MIN_FILES_FOR_WORKER_VALIDATION`). */
      validate?: boolean;
    },
  ) {}

  parse(uri: string, text: string): Promise<ParsedRecord | undefined> {
    if (this.closed || this.options.size <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.queue.push({ id: ++this.nextId, uri, text, resolve });
      this.pump();
    });
  }

  /** Stops the workers; files not parsed yet come back without a record. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) this.retire(slot);
    this.flushQueue();
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
  }

  /**
   * Starts the workers now rather than on the first `parse`: a worker takes tens of milliseconds to load its code,
   * which the caller can spend on something else (reading its cache).
   */
  start(): void {
    if (this.started || this.closed || this.options.size <= 0) return;
    this.started = true;
    this.startWorkers();
  }

  private startWorkers(): void {
    const file = this.options.workerFile ?? path.join(__dirname, 'parse-worker.js');
    for (let i = 0; i < this.options.size; i++) {
      let worker: Worker;
      try {
        // A worker's console output must never reach stdout, which carries the server's messages: it goes to stderr.
        worker = new Worker(file, { stdout: true, workerData: { validate: this.options.validate ?? false } satisfies ParseWorkerData });
      } catch (e) {
        this.options.report({ uri: file, code: 'parse-worker', error: e });
        break;
      }
      worker.stdout.pipe(process.stderr);
      const slot: Slot = { worker, inFlight: new Map(), alive: true };
      worker.on('message', (reply: ParseReply) => this.answered(slot, reply));
      worker.on('error', (e) => this.failed(slot, e));
      worker.on('messageerror', (e) => this.failed(slot, e));
      // A plain message: the stack of this handler would tell nothing about why the worker stopped.
      worker.on('exit', (code) => this.failed(slot, `the parse worker stopped (exit code ${code}); its files are parsed on the main thread`));
      this.slots.push(slot);
    }
  }

  /** Hands queued files to the workers with room; without a live worker, they come back without a record. */
  private pump(): void {
    this.start();
    while (this.head < this.queue.length) {
      let best: Slot | undefined;
      for (const slot of this.slots) if (slot.alive && slot.inFlight.size < IN_FLIGHT && (!best || slot.inFlight.size < best.inFlight.size)) best = slot;
      if (!best) break;
      const job = this.queue[this.head++];
      best.inFlight.set(job.id, job);
      best.worker.postMessage({ id: job.id, uri: job.uri, text: job.text } satisfies ParseJob);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (!this.slots.some((s) => s.alive)) this.flushQueue();
  }

  private answered(slot: Slot, reply: ParseReply): void {
    const job = slot.inFlight.get(reply.id);
    if (!job) return;
    slot.inFlight.delete(reply.id);
    if ('error' in reply) {
      this.options.report({ uri: job.uri, code: 'parse-worker', error: new Error(reply.error) });
      job.resolve(undefined);
    } else job.resolve(reply.record);
    this.pump();
  }

  /** A worker threw, could not be understood or stopped: its files come back without a record, the fault is reported once. */
  private failed(slot: Slot, error: unknown): void {
    if (!slot.alive) return;
    const first = slot.inFlight.values().next().value;
    this.retire(slot);
    void slot.worker.terminate().catch(() => undefined);
    if (!this.closed) {
      this.options.report({ uri: first?.uri ?? '(no file)', code: 'parse-worker', error });
      this.pump();
    }
  }

  /** Takes a worker out of service; the files it held come back without a record. */
  private retire(slot: Slot): void {
    slot.alive = false;
    for (const job of slot.inFlight.values()) job.resolve(undefined);
    slot.inFlight.clear();
  }

  private flushQueue(): void {
    while (this.head < this.queue.length) this.queue[this.head++].resolve(undefined);
    this.queue.length = 0;
    this.head = 0;
  }
}

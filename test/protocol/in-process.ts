/**
 * The real server (`startServer`) in this process, over a real LSP connection on in-memory streams,
 * with its file reads under the test's control: a test can hold the read of one file open, act while
 * the server waits for it (open the document, send a watcher event), then let it finish. This makes
 * races that depend on the disk's timing happen every time. As the real server does for a large
 * enough workspace, the scan parses the files it reads on a worker thread.
 */
import { PassThrough } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node';
import { startServer, type ServerIO } from '../../server/src/server';
import { listFiles, readText } from '../../server/src/node/workspace';
import { MIN_FILES_FOR_WORKERS, ParsePool } from '../../server/src/node/parse-pool';
import { loadSchemaStore } from '../../server/src/node/schemas';
import type { SchemaStore } from '../../server/src/schema/catalogue';
import { connectClient, type ClientOptions, type IndexedInfo, type TestClient } from './lsp-client';

/** A read the test holds until it calls `release`. */
export interface HeldRead {
  /** Resolves when the server has asked for the file. */
  asked: Promise<void>;
  /** Lets the read go on (it then reads the disk as it is at that moment). */
  release(): void;
  /** Resolves once the server has the text, after its own `await` has resumed. */
  done: Promise<void>;
}

export interface InProcessClient extends TestClient {
  indexed: Promise<IndexedInfo>;
  /** Holds the next read of `path` until `release` is called. */
  hold(path: string): HeldRead;
  /** The reads held from the start (`holdAtStart`), by path. */
  held: Map<string, HeldRead>;
  /** How many scans have parsed their files on worker threads, as the real server does for workspaces large enough. */
  readonly threadedScans: number;
}

let store: SchemaStore | undefined;

export async function startInProcess(
  workspace: string,
  settings: Record<string, unknown> = {},
  options: ClientOptions & {
    holdAtStart?: string[];
    /** Lists the workspace's files instead of the server's own listing (a test makes it fail). */
    listFiles?: ServerIO['listFiles'];
  } = {},
): Promise<InProcessClient> {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const connection = createConnection(toServer, fromServer);
  const holds = new Map<string, { ask: () => void; gate: Promise<void>; finished: () => void }>();
  const io: ServerIO = {
    listFiles: options.listFiles ?? listFiles,
    async readFile(path) {
      const held = holds.get(path);
      if (!held) return readText(path);
      holds.delete(path);
      held.ask();
      await held.gate;
      const text = await readText(path);
      // The server's continuation after its `await` is queued before the test's, which awaits `done`.
      void Promise.resolve().then(held.finished);
      return text;
    },
    schemas: () => (store ??= loadSchemaStore()),
    // As main.ts does, with one worker.
    parserFor: (files, report) => {
      if (files < MIN_FILES_FOR_WORKERS) return undefined;
      threadedScans++;
      return new ParsePool({ size: 1, report });
    },
  };
  let threadedScans = 0;
  const hold = (path: string): HeldRead => {
    let ask!: () => void;
    let release!: () => void;
    let finished!: () => void;
    const asked = new Promise<void>((r) => (ask = r));
    const gate = new Promise<void>((r) => (release = r));
    const done = new Promise<void>((r) => (finished = r));
    holds.set(path, { ask, gate, finished });
    return { asked, release, done };
  };
  const held = new Map((options.holdAtStart ?? []).map((p) => [p, hold(p)]));
  startServer(connection, io);
  const client = await connectClient(fromServer, toServer, workspace, settings, options, {
    stderr: () => client.logs.map((l) => l.message).join('\n'),
    kill: () => {
      connection.dispose();
      toServer.end();
      fromServer.end();
    },
    sendExit: false,
  });
  return {
    ...client,
    hold,
    held,
    get threadedScans() {
      return threadedScans;
    },
  };
}

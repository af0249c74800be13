/**
 * The entry point of a parse worker thread (bundled to dist/parse-worker.js): for each file it is
 * sent, it answers with the file's `ParsedRecord` (parse/parsed-record.ts), with the index's parts of
 * each resource (index/workspace-index.ts). It reads no file and loads neither schemas nor analyzers,
 * so that each worker stays small; see parse-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { parsedRecord } from '../parse/parsed-record';
import { indexPartsOf } from '../index/workspace-index';
import type { ParseJob, ParseReply } from './parse-pool';
import { usePlainEnv } from './plain-env';

usePlainEnv();

const port = parentPort;
port?.on('message', ({ id, uri, text }: ParseJob) => {
  let reply: ParseReply;
  try {
    // The index's parts of each resource are worked out here too, so that indexing the file on the main thread costs less.
    reply = { id, record: parsedRecord(uri, text, indexPartsOf) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  try {
    port.postMessage(reply);
  } catch (e) {
    // Data that cannot be cloned: the main thread parses this file itself.
    port.postMessage({ id, error: `the parsed file could not be sent: ${e instanceof Error ? e.message : String(e)}` } satisfies ParseReply);
  }
});

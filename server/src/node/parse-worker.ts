/**
 * The entry point of a parse worker thread (bundled to dist/parse-worker.js): for each file it is
 * sent, it answers with the file's `ParsedRecord` (parse/parsed-record.ts), with the index's parts of
 * each resource (index/workspace-index.ts) and, when the pool starts it to validate, each resource's
 * schema findings, which the main thread would otherwise find while it checks (worker-schemas.ts, loaded
 * as the worker starts). It reads no workspace file and loads no analyzer; see parse-pool.ts.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { parsedRecord } from '../parse/parsed-record';
import type { Resource } from '../parse/resource';
import { indexPartsOf } from '../index/workspace-index';
import type { KeptFinding } from '../check/kept-findings';
import type { ParseJob, ParseReply, ParseWorkerData } from './parse-pool';
import { usePlainEnv } from './plain-env';

usePlainEnv();

type Validate = (r: Resource) => readonly KeptFinding[] | null;

/**
 * worker-schemas.js beside this script, loaded as the worker starts when it validates, before the first file arrives: the pool
 * starts its workers before the scan has read a file, and loading it takes about 100 ms, which the first file waited for when it
 * was loaded for it. Null when the worker does not validate, or cannot load it (the main thread validates then).
 */
const validator: Validate | null = (() => {
  if (!(workerData as ParseWorkerData | undefined)?.validate) return null;
  try {
    return (createRequire(__filename)(path.join(__dirname, 'worker-schemas.js')) as { validate: Validate }).validate;
  } catch {
    return null;
  }
})();

const port = parentPort;
port?.on('message', ({ id, uri, text }: ParseJob) => {
  let reply: ParseReply;
  try {
    // The index's parts of each resource are worked out here too, so that indexing the file on the main thread costs less.
    reply = { id, record: parsedRecord(uri, text, indexPartsOf, validator ?? undefined) };
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

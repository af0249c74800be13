/**
 * The entry point of a parse worker thread (bundled to dist/parse-worker.js): for each file it is
 * sent, it answers with the file's `ParsedRecord` (parse/parsed-record.ts), with the index's parts of
 * each resource (index/workspace-index.ts) and each resource's schema findings (check/schema-findings.ts),
 * which the main thread would otherwise find while it checks. It reads no workspace file, only the
 * bundled schemas, and loads no analyzer; see parse-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { parsedRecord } from '../parse/parsed-record';
import type { Resource } from '../parse/resource';
import { indexPartsOf } from '../index/workspace-index';
import { hasSchema, schemaFindingsOf } from '../check/schema-findings';
import type { KeptFinding } from '../check/kept-findings';
import type { SchemaStore } from '../schema/catalogue';
import { hasPrecompiledValidators } from '../schema/validate';
import type { ParseJob, ParseReply } from './parse-pool';
import { loadSchemaStore } from './schemas';
import { usePlainEnv } from './plain-env';

usePlainEnv();

/**
 * The schemas, loaded for the first file; null without the build's precompiled validators (run from `out/`, each
 * schema would be compiled at run time in every worker) or when they cannot be loaded: the main thread validates then.
 */
let store: SchemaStore | null | undefined;

function schemas(): SchemaStore | null {
  if (store === undefined) {
    try {
      store = hasPrecompiledValidators() ? loadSchemaStore() : null;
    } catch {
      store = null;
    }
  }
  return store;
}

/**
 * A resource's schema findings relative to its document's start, as the main thread would keep them; null when it
 * has none to find or a fault stopped validation (the main thread validates it again, and reports the fault).
 */
function validate(r: Resource): readonly KeptFinding[] | null {
  const s = hasSchema(r) ? schemas() : null;
  if (!s) return null;
  let faulted = false;
  const findings = schemaFindingsOf(r, s, () => (faulted = true));
  if (faulted || findings.some((f) => f.related !== undefined)) return null;
  const base = r.document.start;
  return findings.map((f) => ({ ...f, start: f.start - base, end: f.end - base }));
}

const port = parentPort;
port?.on('message', ({ id, uri, text }: ParseJob) => {
  let reply: ParseReply;
  try {
    // The index's parts of each resource are worked out here too, so that indexing the file on the main thread costs less.
    reply = { id, record: parsedRecord(uri, text, indexPartsOf, validate) };
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

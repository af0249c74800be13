/**
 * What a parse worker loads to find the schema findings of the files it parses (see parse-worker.ts): the schemas with
 * the validators compiled at build time. Bundled on its own (dist/worker-schemas.js), so that a worker that only parses,
 * for a small workspace, loads none of it (see `MIN_FILES_FOR_WORKER_VALIDATION` in parse-pool.ts).
 */
import type { Resource } from '../parse/resource';
import { hasSchema, schemaFindingsOf } from '../check/schema-findings';
import type { KeptFinding } from '../check/kept-findings';
import type { SchemaStore } from '../schema/catalogue';
import { hasPrecompiledValidators } from '../schema/validate';
import { loadSchemaStore } from './schemas';

/**
 * The schemas, loaded with this module (a worker that validates loads it as it starts, before its first file); null without
 * the build's precompiled validators (run from `out/`, each schema would be compiled at run time in every worker) or when
 * they cannot be loaded: the main thread validates then.
 */
const store: SchemaStore | null = (() => {
  try {
    return hasPrecompiledValidators() ? loadSchemaStore() : null;
  } catch {
    return null;
  }
})();

/**
 * A resource's schema findings relative to its document's start, as the main thread would keep them; null when it
 * has none to find or a fault stopped validation (the main thread validates it again, and reports the fault).
 */
export function validate(r: Resource): readonly KeptFinding[] | null {
  const s = hasSchema(r) ? store : null;
  if (!s) return null;
  let faulted = false;
  const findings = schemaFindingsOf(r, s, () => (faulted = true));
  if (faulted || findings.some((f) => f.related !== undefined)) return null;
  const base = r.document.start;
  return findings.map((f) => ({ ...f, start: f.start - base, end: f.end - base }));
}

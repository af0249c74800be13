/**
 * Schema findings kept between sessions: what the `Checker` asks before validating a document, and what it hands back
 * after validating one, so that reopening a workspace validates only the documents whose file changed.
 * A document's schema and CEL findings depend on its file's text and its number there alone (with the schemas and the
 * validator, which name the keeping side's stamp): no setting, no namespace and no other resource is read.
 * node/record-cache.ts keeps them beside the files' parse records.
 */
import type { Finding } from '../model';

/** A schema finding of a document, its offsets relative to the document's start; schema findings have no related locations. */
export type KeptFinding = Omit<Finding, 'related'>;

export interface KeptFindings {
  /** The schema findings of document `docIndex` of `uri` kept for exactly this `text`, or undefined when none are. */
  schemaFindings(uri: string, text: string, docIndex: number): readonly KeptFinding[] | undefined;
  /** Keeps the schema findings just found for document `docIndex` of `uri` whose text is `text`, if that text is the one being kept. */
  keepSchemaFindings(uri: string, text: string, docIndex: number, findings: readonly KeptFinding[]): void;
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);
const OPTIONAL_FLAGS = ['unnecessary', 'deprecated'] as const;

/** Whether a value read back from a cache file is a kept finding, so that placing and publishing it cannot throw. */
export function isKeptFinding(value: unknown): value is KeptFinding {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const f = value as Partial<Record<keyof Finding, unknown>>;
  return (
    typeof f.code === 'string' &&
    typeof f.message === 'string' &&
    typeof f.severity === 'string' &&
    SEVERITIES.has(f.severity) &&
    Number.isSafeInteger(f.start) &&
    Number.isSafeInteger(f.end) &&
    (f.start as number) <= (f.end as number) &&
    (f.rule === undefined || typeof f.rule === 'string') &&
    f.related === undefined &&
    (f.relatedNotListed === undefined || Number.isSafeInteger(f.relatedNotListed)) &&
    OPTIONAL_FLAGS.every((k) => f[k] === undefined || typeof f[k] === 'boolean')
  );
}

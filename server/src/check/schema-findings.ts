/**
 * The schema findings of one resource: its CRD schema and CEL rules (schema/validate.ts), or, for a
 * template, one information finding instead, as such a resource is not checked further. They read
 * nothing but the resource's document and the schemas, so the `Checker` and a parse worker find the
 * same ones (see node/parse-worker.ts).
 */
import type { FaultReport, Finding } from '../model';
import type { Resource } from '../parse/resource';
import { placeholderOf } from '../parse/placeholders';
import { spanAtPath } from '../parse/yaml-path';
import type { SchemaStore } from '../schema/catalogue';
import { validateResource } from '../schema/validate';

/** Whether a resource has schema findings to look for: Istio resources and mesh config. */
export const hasSchema = (r: Resource): boolean => r.family === 'istio' || r.family === 'mesh-config';

/** The schema findings of `r`, with offsets in its file; faults (a broken schema, a validator that throws) go to `onFault`. */
export function schemaFindingsOf(r: Resource, store: SchemaStore, onFault: (fault: FaultReport) => void): Finding[] {
  if (!hasSchema(r)) return [];
  const placeholder = r.family === 'istio' ? placeholderOf(r) : undefined;
  if (placeholder) {
    const span = spanAtPath(r.document.ast, placeholder.path);
    return span
      ? [
          {
            code: 'template-placeholder',
            severity: 'information',
            ...span,
            message:
              `"${placeholder.value}" looks like a placeholder that a tool (envsubst, kustomize) fills in before this ` +
              `${r.kind} is applied, so it is not checked as written. Check the rendered output instead.`,
          },
        ]
      : [];
  }
  try {
    return validateResource(r, store, onFault);
  } catch (error) {
    // Validation is defensive already; a failure here must not hide the rest of the file's findings.
    onFault({ uri: r.uri, code: 'schema', error });
    return [];
  }
}

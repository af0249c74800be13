/**
 * Builds a WorkspaceIndex from YAML texts for the mesh module's tests. Test-only: nothing in the
 * product imports it.
 */
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';

/** An index holding one file per entry of `files` (name to YAML text). */
export function workspace(files: Record<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const [name, text] of Object.entries(files)) index.setFile(parseFile(`file:///ws/${name}`, text));
  return index;
}

/** A resource as YAML, from its kind, `namespace/name` and spec (written as JSON, which is YAML). */
export function resource(kind: string, id: string, spec: Record<string, unknown>, apiVersion = 'networking.istio.io/v1'): string {
  const [namespace, name] = id.split('/');
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec: ${JSON.stringify(spec)}\n`;
}

/** Several resources as one multi-document YAML text. */
export const documents = (...docs: string[]): string => docs.join('---\n');

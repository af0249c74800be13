/**
 * The exportTo Istio applies to a resource that writes none: the mesh config's
 * `defaultServiceExportTo` (Services and ServiceEntries), `defaultVirtualServiceExportTo` and
 * `defaultDestinationRuleExportTo`, each `*` unless set (push_context.go `initDefaultExportMaps`).
 * Istio honours only `.` and `*` there (`initServiceRegistry`, `IsServiceVisible`, `initVirtualServices`,
 * `setDestinationRules`): `.` wins, then `*`; a default naming neither exports to no namespace.
 * This module reads only the mesh config; how DestinationRules use their default is destination-rules.ts'.
 */
import type { IndexReader } from '../index/workspace-index';
import type { Resource } from '../parse/resource';
import { entriesAdmit, entryScopes, exportTo } from './export-to';
import { MESH_CONFIG_KINDS } from './root-namespace';

/** The mesh config field holding the default exportTo of a kind, undefined for kinds without one. */
function defaultField(r: Resource): string | undefined {
  if (r.family !== 'istio' && !(r.group === '' && r.kind === 'Service')) return undefined;
  if (r.kind === 'Service' || r.kind === 'ServiceEntry') return 'defaultServiceExportTo';
  if (r.kind === 'VirtualService') return 'defaultVirtualServiceExportTo';
  if (r.kind === 'DestinationRule') return 'defaultDestinationRuleExportTo';
  return undefined;
}

/** Whether a resource writes its own exportTo (a Service through its `networking.istio.io/exportTo` annotation). */
export function writesExportTo(r: Resource): boolean {
  if (r.kind === 'Service' && r.group === '') return (r.annotations['networking.istio.io/exportTo'] ?? '').trim() !== '';
  return Array.isArray(r.spec.exportTo) && r.spec.exportTo.length > 0;
}

/**
 * The mesh config's default exportTo for the kind of `r` as written (`['*']` when no mesh config sets
 * it). It reads only the resources that carry mesh config, the first that sets the field winning.
 */
export function meshDefaultExportTo(index: IndexReader, r: Resource): readonly string[] {
  const field = defaultField(r);
  if (field === undefined) return ['*'];
  // Asked for most resources a check looks at, with one answer per field for the whole workspace.
  return index.shared ? index.shared(SHARED_KEYS.get(field)!, (reader) => meshDefault(reader, field)) : meshDefault(index, field);
}

const SHARED_KEYS = new Map(
  ['defaultServiceExportTo', 'defaultVirtualServiceExportTo', 'defaultDestinationRuleExportTo'].map((f) => [f, `mesh-default-export-to|${f}`]),
);

function meshDefault(index: IndexReader, field: string): string[] {
  for (const kind of MESH_CONFIG_KINDS) {
    for (const m of index.withTag(kind, 'mesh-config')) {
      const value: unknown = m.meshConfig?.value[field];
      if (Array.isArray(value)) return value.map(String);
    }
  }
  return ['*'];
}

/**
 * The exportTo in effect for `r`: its own, else the mesh default reduced as Istio reduces it, to `.`,
 * `*`, or `~` (no namespace). Reads the mesh config only for a resource that writes no exportTo.
 */
export function effectiveExportTo(index: IndexReader, r: Resource): string[] {
  if (writesExportTo(r) || defaultField(r) === undefined) return exportTo(r);
  const defaults = meshDefaultExportTo(index, r);
  if (defaults.includes('.')) return ['.'];
  if (defaults.includes('*')) return ['*'];
  return ['~'];
}

/** Whether `r` is visible in `namespace` under the exportTo in effect (IsServiceVisible and its siblings). */
export function isVisibleIn(index: IndexReader, r: Resource, namespace: string): boolean {
  return entriesAdmit(effectiveExportTo(index, r), r.namespace, namespace);
}

/** The namespaces `r` is exported to under the exportTo in effect, `.` resolved: `*` for all; empty for none. */
export function exportScopesIn(index: IndexReader, r: Resource): Set<string> {
  return entryScopes(effectiveExportTo(index, r), r.namespace);
}

/** The exportTo in effect, quoted for a message, saying when it is the mesh config's default: `"." (the mesh config's defaultServiceExportTo)`. */
export function describeExportTo(index: IndexReader, r: Resource): string {
  const list = effectiveExportTo(index, r)
    .map((e) => `"${e}"`)
    .join(', ');
  return writesExportTo(r) || defaultField(r) === undefined ? list : `${list} (the mesh config's ${defaultField(r)})`;
}

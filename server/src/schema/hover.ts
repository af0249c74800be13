/**
 * Schema hover for Istio YAML, in character offsets: over a key or a scalar value, the field's
 * name, type, description and allowed values; over the `apiVersion` or `kind` value, the kind's
 * description and served versions. Mesh config is covered under an IstioOperator's
 * `spec.meshConfig` and inside the `istio` ConfigMap's `mesh` string. Other resources get nothing.
 */
import { isScalar, type Document, type Node } from 'yaml';
import type { ParsedFile } from '../parse/parse';
import { splitApiVersion } from '../parse/resource';
import { pathAtOffset, scalarText, type YamlPath } from '../parse/yaml-path';
import { schemasAtPath, type JsonSchema, type SchemaStore } from './catalogue';
import { documentAt, formOf, identityOf, ISTIO_OPERATOR_API_VERSION, schemasFor, sortedEntries, type DocumentIdentity } from './document-schema';
import { dottedPath, enumOf, fieldMarkdown, fieldsOf } from './field-docs';

export interface HoverResult {
  /** Markdown. */
  contents: string;
  /** The key or value hovered. */
  start: number;
  end: number;
}

/** The hover at `offset` in `file`, or undefined where there is nothing to say. Never throws. */
export function hover(file: ParsedFile, offset: number, store: SchemaStore): HoverResult | undefined {
  try {
    return hoverAt(file, Math.floor(offset), store);
  } catch {
    return undefined;
  }
}

/** The scalar (key or value) under `offset` and its path. */
function scalarAt(ast: Document, offset: number): { path: YamlPath; inKey: boolean; node: Node; value: string } | undefined {
  const at = pathAtOffset(ast, offset);
  const node = at.node;
  if (!isScalar(node) || !node.range || offset < node.range[0] || offset >= node.range[1]) return undefined;
  return { path: at.path, inKey: at.inKey, node, value: scalarText(node.value) };
}

function hoverAt(file: ParsedFile, offset: number, store: SchemaStore): HoverResult | undefined {
  if (file.skipped || offset < 0 || offset >= file.text.length) return undefined;
  const doc = documentAt(file, offset);
  if (!doc) return undefined;
  const id = identityOf(file, doc);
  const form = formOf(id, store);
  if (form === 'mesh-configmap') {
    const mesh = doc.resource?.meshConfig;
    const inner = mesh?.form === 'configmap' ? innerOffset(mesh.toFileOffset, mesh.ast, offset) : undefined;
    if (mesh && inner !== undefined) {
      const hit = scalarAt(mesh.ast, inner);
      if (!hit) return undefined;
      const result = fieldHover(hit.path, hit.inKey, hit.value, (path) => schemasAtPath(store.meshConfigSchema(), path), ['data', 'mesh']);
      return result ? { contents: result, start: mesh.toFileOffset(hit.node.range![0]), end: mesh.toFileOffset(hit.node.range![1]) } : undefined;
    }
  }
  const hit = scalarAt(doc.ast, offset);
  if (!hit) return undefined;
  const span = { start: hit.node.range![0], end: hit.node.range![1] };
  const { path } = hit;
  if (form === 'mesh-configmap') {
    const onMeshKey = hit.inKey && path.length === 2 && path[0] === 'data' && path[1] === 'mesh';
    return onMeshKey ? { contents: fieldMarkdown('mesh', [store.meshConfigSchema()], { path: 'data.mesh' }), ...span } : undefined;
  }
  if (form !== 'istio' && form !== 'istio-operator') return undefined;
  if (form === 'istio-operator' && !(path[0] === 'spec' && path[1] === 'meshConfig')) return undefined;
  if (!hit.inKey && path.length === 1 && (path[0] === 'kind' || path[0] === 'apiVersion')) {
    const contents = kindMarkdown(id, store, path[0]);
    return contents ? { contents, ...span } : undefined;
  }
  const contents = fieldHover(path, hit.inKey, hit.value, (p) => schemasFor(id, form, store, p));
  return contents ? { contents, ...span } : undefined;
}

/**
 * Markdown for the field at `path` (a key, or a value in it). A value in a sequence is described
 * by its sequence's field, with the items' allowed values.
 */
function fieldHover(path: YamlPath, inKey: boolean, value: string, schemasAt: (path: YamlPath) => JsonSchema[], prefix: YamlPath = []): string | undefined {
  let fieldEnd = path.length;
  while (fieldEnd > 0 && typeof path[fieldEnd - 1] === 'number') fieldEnd--;
  if (fieldEnd === 0) return undefined;
  const fieldPath = path.slice(0, fieldEnd);
  const name = String(fieldPath[fieldEnd - 1]);
  const fieldSchemas = schemasAt(fieldPath);
  if (fieldSchemas.length === 0) return undefined;
  const required = fieldsOf(schemasAt(fieldPath.slice(0, -1))).find((f) => f.name === name)?.required;
  const itemSchemas = fieldEnd < path.length ? schemasAt(path) : [];
  const withValues = itemSchemas.length > 0 && enumOf(itemSchemas).length > 0 ? [...fieldSchemas, ...itemSchemas.filter((s) => !s.description)] : fieldSchemas;
  return fieldMarkdown(name, withValues, {
    required,
    path: dottedPath([...prefix, ...path.slice(0, inKey ? path.length : fieldEnd)]),
    ...(inKey ? {} : { value }),
  });
}

/** The kind's description and served versions, for a hover on `kind` or `apiVersion`. */
function kindMarkdown(id: DocumentIdentity, store: SchemaStore, field: 'kind' | 'apiVersion'): string | undefined {
  if (id.kind === 'IstioOperator') {
    return (
      '**IstioOperator** · `install.istio.io`\n\nIstio installation settings; ' +
      'istio-egress reads only `spec.meshConfig`.\n\nServed versions: ' +
      `\`${ISTIO_OPERATOR_API_VERSION.split('/')[1]}\``
    );
  }
  const entries = sortedEntries(store);
  if (!id.kind) {
    if (field !== 'apiVersion' || !id.apiVersion) return undefined;
    const kinds = entries.filter((e) => `${e.group}/${e.version}` === id.apiVersion).map((e) => `\`${e.kind}\``);
    return kinds.length > 0 ? `**${id.apiVersion}**\n\nKinds: ${kinds.join(', ')}` : undefined;
  }
  const group = id.apiVersion ? splitApiVersion(id.apiVersion).group : undefined;
  const versions = entries.filter((e) => e.kind === id.kind && (group === undefined || e.group === group));
  if (versions.length === 0) return undefined;
  const first = versions[0];
  const served = versions.map((e) => `\`${e.version}\`${e.storage ? ' (storage)' : ''}`).join(', ');
  const parts = [`**${first.kind}** · \`${first.group}\``, first.description, `Served versions: ${served}`];
  if (id.apiVersion && !versions.some((e) => `${e.group}/${e.version}` === id.apiVersion)) {
    parts.push(`\`${id.apiVersion}\` does not serve ${first.kind}.`);
  }
  return parts.join('\n\n');
}

/** The offset in the mesh config's own text that lands on file offset `offset`, if any does. */
function innerOffset(toFileOffset: (o: number) => number, ast: Document, offset: number): number | undefined {
  const length = ast.range?.[2] ?? 0;
  if (length <= 0 || toFileOffset(0) > offset || toFileOffset(length) < offset) return undefined;
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (toFileOffset(mid) < offset) lo = mid + 1;
    else hi = mid;
  }
  return toFileOffset(lo) === offset ? lo : undefined;
}

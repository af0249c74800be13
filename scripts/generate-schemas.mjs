#!/usr/bin/env node
// Regenerates schemas/ from Istio's CRD bundle (crd-all.gen.yaml, Apache-2.0, Istio Authors).
// One JSON Schema per kind and served version, plus schemas/index.json (the catalogue the
// language server reads) and the hand-written mesh-config schema, which this script leaves alone.
//
//   node scripts/generate-schemas.mjs [path/to/crd-all.gen.yaml] [--out DIR]
//
// The CRD's OpenAPI v3 schema is kept as it is, with two changes that make it say what the
// API server enforces: objects that declare `properties` get `additionalProperties: false`
// (structural schemas prune unknown fields and `kubectl apply` rejects them), unless they are
// marked `x-kubernetes-preserve-unknown-fields`; and the resource envelope (apiVersion, kind,
// metadata) is added around `spec`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outFlag = args.indexOf('--out');
const outDir = outFlag >= 0 ? path.resolve(args.splice(outFlag, 2)[1]) : path.join(root, 'schemas');
const source = args[0] ?? path.resolve(root, '../shared/istio/crd-all.gen.yaml');

function closeObjects(schema) {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    // Keywords whose values are not schemas (or maps of names to schemas) are copied verbatim.
    if (key === 'enum' || key === 'required' || key === 'x-kubernetes-validations' || key === 'default') out[key] = value;
    else if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closeObjects(v)]));
    } else out[key] = closeObjects(value);
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

function envelope(group, version, kind, openApi, description) {
  const spec = openApi.properties?.spec ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const status = openApi.properties?.status ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://istio-egress.dev/schemas/${group}/${version}/${kind}.json`,
    title: `${kind} (${group}/${version})`,
    description,
    type: 'object',
    // `spec` is required only where the CRD says so (ServiceEntry does, Sidecar does not).
    required: ['apiVersion', 'kind', 'metadata', ...(openApi.required ?? []).filter((r) => !['apiVersion', 'kind', 'metadata'].includes(r))],
    properties: {
      apiVersion: { type: 'string', enum: [`${group}/${version}`], description: 'The API group and version of this resource.' },
      kind: { type: 'string', enum: [kind], description: 'The kind of this resource.' },
      metadata: {
        type: 'object',
        description: 'Standard Kubernetes object metadata: name, namespace, labels and annotations.',
        required: ['name'],
        properties: {
          name: { type: 'string', description: 'The name of the resource, unique within its namespace.' },
          namespace: { type: 'string', description: 'The namespace of the resource. Resources without one belong to `default`.' },
          labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Labels: string keys and values.' },
          annotations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Annotations: string keys and values.' },
        },
        additionalProperties: true,
      },
      spec: closeObjects(spec),
      status: status,
    },
    additionalProperties: false,
  };
}

const docs = YAML.parseAllDocuments(fs.readFileSync(source, 'utf8'));
const catalogue = [];
for (const doc of docs) {
  const crd = doc.toJS();
  if (crd?.kind !== 'CustomResourceDefinition') continue;
  const { group, names, versions } = crd.spec;
  for (const v of versions) {
    if (!v.served) continue;
    const openApi = v.schema?.openAPIV3Schema ?? {};
    const description = openApi.properties?.spec?.description ?? '';
    const file = path.join(group, v.name, `${names.kind}.json`);
    fs.mkdirSync(path.join(outDir, group, v.name), { recursive: true });
    fs.writeFileSync(path.join(outDir, file), JSON.stringify(envelope(group, v.name, names.kind, openApi, description)) + '\n');
    catalogue.push({
      group,
      version: v.name,
      kind: names.kind,
      file,
      storage: Boolean(v.storage),
      deprecated: Boolean(v.deprecated),
      shortNames: names.shortNames ?? [],
      description: description.split('\n')[0],
    });
  }
}
catalogue.sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind) || a.version.localeCompare(b.version));
fs.writeFileSync(
  path.join(outDir, 'index.json'),
  JSON.stringify({ source: 'istio/istio manifests/charts/base/files/crd-all.gen.yaml', kinds: catalogue }, null, 2) + '\n',
);
console.log(`wrote ${catalogue.length} schemas to ${path.relative(process.cwd(), outDir) || '.'}`);

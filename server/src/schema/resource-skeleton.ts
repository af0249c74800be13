/**
 * Whole-resource snippets for the root of an empty document: apiVersion, kind, metadata.name and a
 * spec holding the fields the kind's schema requires (recursively), plus, for the kinds egress
 * configuration uses, the few fields that make a useful and valid starting point. The text is
 * VS Code snippet syntax, indented from column 0. Snippets for other places belong to completion.
 */
import { branches, type CatalogueEntry, type JsonSchema } from './catalogue';
import { enumOf, fieldsOf, shapeOf } from './field-docs';

/**
 * Fields to add beyond the required ones (`include`, keyed by dotted path with `[]` for items) and
 * the placeholder text of a field (`values`; for a map, `key: value`).
 */
interface KindExtras {
  include?: Record<string, string[]>;
  values?: Record<string, string>;
}

const EXTRAS: Record<string, KindExtras> = {
  ServiceEntry: {
    include: { spec: ['hosts', 'ports', 'location', 'resolution'], 'spec.ports[]': ['protocol'] },
    values: {
      'spec.hosts[]': 'api.example.com',
      'spec.ports[].number': '443',
      'spec.ports[].name': 'tls',
      'spec.ports[].protocol': 'TLS',
      'spec.location': 'MESH_EXTERNAL',
      'spec.resolution': 'DNS',
    },
  },
  DestinationRule: { values: { 'spec.host': 'api.example.com' } },
  VirtualService: { include: { spec: ['hosts'] }, values: { 'spec.hosts[]': 'api.example.com' } },
  Gateway: {
    include: { spec: ['selector', 'servers'], 'spec.servers[]': ['port', 'hosts', 'tls'], 'spec.servers[].tls': ['mode'] },
    values: {
      'spec.selector': 'istio: egressgateway',
      'spec.servers[].port.number': '443',
      'spec.servers[].port.name': 'tls',
      'spec.servers[].port.protocol': 'TLS',
      'spec.servers[].hosts[]': 'api.example.com',
      'spec.servers[].tls.mode': 'PASSTHROUGH',
    },
  },
  Sidecar: { include: { spec: ['egress'] }, values: { 'spec.egress[].hosts[]': './*' } },
  WorkloadEntry: { include: { spec: ['address'] }, values: { 'spec.address': '10.0.0.1' } },
  WorkloadGroup: { include: { 'spec.template': ['serviceAccount'] }, values: { 'spec.template.serviceAccount': 'default' } },
  PeerAuthentication: { include: { spec: ['mtls'], 'spec.mtls': ['mode'] }, values: { 'spec.mtls.mode': 'STRICT' } },
  AuthorizationPolicy: { include: { spec: ['action'] }, values: { 'spec.action': 'ALLOW' } },
  RequestAuthentication: { include: { spec: ['jwtRules'] }, values: { 'spec.jwtRules[].issuer': 'https://issuer.example.com' } },
  Telemetry: {
    include: { spec: ['accessLogging'], 'spec.accessLogging[]': ['providers'] },
    values: { 'spec.accessLogging[].providers[].name': 'envoy' },
  },
};

const MAX_DEPTH = 8;

/** Escapes text that a snippet must insert literally. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

function escapeChoice(text: string): string {
  return text.replace(/[\\$},|]/g, '\\$&');
}

class SnippetWriter {
  private stop = 1;
  constructor(private readonly extras: KindExtras) {}

  next(): number {
    return ++this.stop;
  }

  include(path: string): string[] {
    return this.extras.include?.[path] ?? [];
  }

  value(path: string): string | undefined {
    return this.extras.values?.[path];
  }

  /** A tab stop for a scalar: a choice for enums and booleans, a placeholder otherwise. */
  scalar(schemas: JsonSchema[], path: string, name: string): string {
    const preset = this.value(path);
    const values = enumOf(schemas).map(String);
    const shape = shapeOf(schemas);
    if (values.length > 0 || shape === 'boolean') {
      const choices = values.length > 0 ? values : ['true', 'false'];
      const ordered = preset && choices.includes(preset) ? [preset, ...choices.filter((c) => c !== preset)] : choices;
      return `\${${this.next()}|${ordered.map(escapeChoice).join(',')}|}`;
    }
    const integer = schemas.some((s) => s.type === 'integer' || s.type === 'number');
    const fallback = integer ? String(Math.max(0, ...schemas.map((s) => (typeof s.minimum === 'number' ? s.minimum : 0)))) : name;
    return `\${${this.next()}:${escapeSnippet(preset ?? fallback)}}`;
  }

  /** Lines for the fields to write in a mapping at `indent`. */
  fields(schemas: JsonSchema[], path: string, indent: number, depth: number): string[] {
    if (depth > MAX_DEPTH) return [];
    const fields = new Map(fieldsOf(schemas).map((f) => [f.name, f]));
    const names: string[] = [];
    for (const s of schemas) if (Array.isArray(s.required)) for (const r of s.required) if (fields.get(r)?.required && !names.includes(r)) names.push(r);
    for (const name of this.include(path)) if (fields.has(name) && !names.includes(name)) names.push(name);
    const lines: string[] = [];
    for (const name of names) lines.push(...this.field(name, fields.get(name)!.schemas, `${path}.${name}`, indent, depth));
    return lines;
  }

  field(name: string, schemas: JsonSchema[], path: string, indent: number, depth: number): string[] {
    const pad = ' '.repeat(indent);
    const key = escapeSnippet(name);
    switch (shapeOf(schemas)) {
      case 'object': {
        const inner = this.fields(schemas, path, indent + 2, depth + 1);
        return inner.length > 0 ? [`${pad}${key}:`, ...inner] : [`${pad}${key}: {}`];
      }
      case 'map': {
        const preset = this.value(path);
        const colon = preset?.indexOf(': ') ?? -1;
        if (!preset || colon < 0) return [`${pad}${key}: {}`];
        return [`${pad}${key}:`, `${pad}  ${escapeSnippet(preset.slice(0, colon))}: \${${this.next()}:${escapeSnippet(preset.slice(colon + 2))}}`];
      }
      case 'array': {
        const items = schemas.flatMap((s) => (s.items && typeof s.items === 'object' ? branches(s.items) : []));
        const itemPath = `${path}[]`;
        if (shapeOf(items) === 'object') {
          const inner = this.fields(items, itemPath, indent + 2, depth + 1);
          if (inner.length === 0) return [`${pad}${key}: []`];
          inner[0] = `${pad}- ${inner[0].slice(indent + 2)}`;
          return [`${pad}${key}:`, ...inner];
        }
        return [`${pad}${key}:`, `${pad}- ${this.scalar(items, itemPath, name.replace(/s$/, ''))}`];
      }
      default:
        return [`${pad}${key}: ${this.scalar(schemas, path, name)}`];
    }
  }
}

/** The snippet for a new resource of the entry's kind and version, from its schema. */
export function resourceSnippet(entry: CatalogueEntry, schema: JsonSchema): string {
  const writer = new SnippetWriter(EXTRAS[entry.kind] ?? {});
  const spec = schema.properties?.spec;
  const specLines = spec ? writer.field('spec', branches(spec), 'spec', 0, 0) : [];
  return [
    `apiVersion: ${escapeSnippet(`${entry.group}/${entry.version}`)}`,
    `kind: ${escapeSnippet(entry.kind)}`,
    'metadata:',
    '  name: ${1:name}',
    ...specLines,
  ].join('\n');
}

interface MeshConfigForm {
  label: string;
  detail: string;
  documentation: string;
  insertText: string;
}

/** The two documents that set the mesh-wide outbound traffic policy. */
export const MESH_CONFIG_FORMS: readonly MeshConfigForm[] = [
  {
    label: 'IstioOperator',
    detail: 'install.istio.io/v1alpha1 · mesh config',
    documentation:
      'An IstioOperator that sets the mesh-wide `outboundTrafficPolicy.mode`: ' +
      '`REGISTRY_ONLY` blocks traffic to hosts without a ServiceEntry, `ALLOW_ANY` (the default) lets it through.',
    insertText: [
      'apiVersion: install.istio.io/v1alpha1',
      'kind: IstioOperator',
      'metadata:',
      '  name: ${1:installed-state}',
      '  namespace: istio-system',
      'spec:',
      '  meshConfig:',
      '    outboundTrafficPolicy:',
      '      mode: ${2|REGISTRY_ONLY,ALLOW_ANY|}',
    ].join('\n'),
  },
  {
    label: 'ConfigMap',
    detail: 'v1 · istio mesh config',
    documentation:
      'The `istio` ConfigMap in `istio-system`, whose `mesh` key holds the mesh config; ' +
      'sets `outboundTrafficPolicy.mode` (`REGISTRY_ONLY` blocks traffic to hosts without a ServiceEntry).',
    insertText: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: istio',
      '  namespace: istio-system',
      'data:',
      '  mesh: |-',
      '    outboundTrafficPolicy:',
      '      mode: ${1|REGISTRY_ONLY,ALLOW_ANY|}',
    ].join('\n'),
  },
];

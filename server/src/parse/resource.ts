/**
 * Turns one parsed YAML document into a Resource: the identity (group, kind, namespace, name)
 * and the plain value analyzers read. It knows which kinds egress cares about; it does not validate.
 */
import type { ParsedDocument } from './parse';
import type { MeshConfigSource } from './mesh-config';
import { isRecord } from '../data';

type ResourceFamily = 'istio' | 'kubernetes' | 'gateway-api' | 'mesh-config' | 'other';

export interface Resource {
  uri: string;
  /** Position of the document in its file (0-based). */
  docIndex: number;
  apiVersion: string;
  /** API group; '' for the Kubernetes core group (apiVersion `v1`). */
  group: string;
  version: string;
  kind: string;
  name: string;
  /**
   * The namespace the object is applied in: the one a kustomization listing the file sets (see
   * `namespaceFrom`), else metadata.namespace, else `default`, as kubectl applies it.
   */
  namespace: string;
  /** True when the namespace is known: written in metadata.namespace or set by a kustomization. */
  namespaceExplicit: boolean;
  /** The URI of the kustomization file whose `namespace:` replaced or filled in metadata.namespace (set by the index). */
  namespaceFrom?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** `spec` as plain data, or an empty object. */
  spec: Record<string, any>;
  /** The whole document as plain data. */
  value: Record<string, any>;
  family: ResourceFamily;
  /** Mesh-wide settings, for an IstioOperator or the `istio` ConfigMap. */
  meshConfig?: MeshConfigSource;
  document: ParsedDocument;
}

export const ISTIO_NETWORKING = 'networking.istio.io';
export const GATEWAY_API = 'gateway.networking.k8s.io';

/** Kubernetes kinds the egress analysis reads, keyed by group. */
const KUBERNETES_KINDS: Record<string, ReadonlySet<string>> = {
  '': new Set(['Service', 'Secret', 'Namespace', 'Pod', 'ConfigMap', 'Endpoints', 'ServiceAccount']),
  apps: new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']),
  'networking.k8s.io': new Set(['NetworkPolicy']),
  'rbac.authorization.k8s.io': new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']),
  batch: new Set(['Job', 'CronJob']),
};

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function familyOf(group: string, kind: string): ResourceFamily {
  if (group === 'install.istio.io' && kind === 'IstioOperator') return 'mesh-config';
  if (group.endsWith('istio.io')) return 'istio';
  if (group === GATEWAY_API) return 'gateway-api';
  if (KUBERNETES_KINDS[group]?.has(kind)) return 'kubernetes';
  return 'other';
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** The resource a document declares, or undefined when it has no string apiVersion and kind. */
export function toResource(uri: string, document: ParsedDocument): Resource | undefined {
  const value = document.value;
  if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') return undefined;
  const { group, version } = splitApiVersion(value.apiVersion.trim());
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  return {
    uri,
    docIndex: document.index,
    apiVersion: value.apiVersion,
    group,
    version,
    kind: value.kind,
    name: typeof metadata.name === 'string' ? metadata.name : String(metadata.name ?? ''),
    namespace: namespace ?? 'default',
    namespaceExplicit: namespace !== undefined,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    spec: isRecord(value.spec) ? value.spec : {},
    value,
    family: familyOf(group, value.kind),
    document,
  };
}

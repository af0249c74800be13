/**
 * Workloads and their labels: the kinds whose pods a selector can pick, the pod labels of each,
 * Kubernetes label selectors and the labels of a namespace. It answers which workloads a selector picks;
 * what a Gateway, Sidecar or NetworkPolicy does with them is decided by their own rules.
 */
import type { Resource } from '../parse/resource';
import { DEFAULT_ROOT_NAMESPACE } from './root-namespace';
import { isRecord } from '../data';
import type { IndexReader } from '../index/workspace-index';

/** Whether labels satisfy a selector (every selector label present with the same value). */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The kinds whose pods a workload selector can pick. */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'WorkloadEntry'];

/** The pod labels of a workload resource (a Pod's own, a controller's pod template's). */
export function podLabels(r: Resource): Record<string, string> {
  if (r.kind === 'Pod' || r.kind === 'WorkloadEntry')
    return r.kind === 'WorkloadEntry' && isRecord(r.spec.labels) ? (r.spec.labels as Record<string, string>) : r.labels;
  const t = r.spec.template;
  return isRecord(t) && isRecord(t.metadata) && isRecord(t.metadata.labels) ? (t.metadata.labels as Record<string, string>) : {};
}

/** Workloads in the workspace, of any kind that carries pod labels. */
export function workloads(index: IndexReader): Resource[] {
  return WORKLOAD_KINDS.flatMap((k) => index.ofKind(k));
}

/**
 * Workloads in one namespace. Callers must not modify the answer: every Sidecar of the namespace asks
 * it, and one answer (and its six lookups) is shared until a change meets what it read.
 */
export function workloadsIn(index: IndexReader, namespace: string): Resource[] {
  const compute = (reader: IndexReader) => WORKLOAD_KINDS.flatMap((k) => reader.withTag(k, `ns:${namespace}`));
  return index.shared ? index.shared(`workloads-in|${namespace}`, compute) : compute(index);
}

/**
 * Workloads whose pod labels satisfy a non-empty selector, found through the first label. Callers must
 * not modify the answer: a Gateway's placement is asked for every route through it, and one answer
 * per selector (and its six lookups) is shared until a change meets what it read.
 */
export function workloadsMatching(index: IndexReader, selector: Record<string, string>): Resource[] {
  const [first] = Object.entries(selector);
  if (!first) return workloads(index);
  const compute = (reader: IndexReader) =>
    WORKLOAD_KINDS.flatMap((k) => reader.withTag(k, `label:${first[0]}=${first[1]}`)).filter((w) => labelsMatch(selector, podLabels(w)));
  // The selector's entries in their written order: the first decides the lookup, and so the order of the answer.
  return index.shared ? index.shared(`workloads-matching|${JSON.stringify(selector)}`, compute) : compute(index);
}

/**
 * Whether labels satisfy a Kubernetes LabelSelector (`matchLabels` and `matchExpressions` with In,
 * NotIn, Exists, DoesNotExist). An empty or missing selector matches everything.
 */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return true;
  if (isRecord(selector.matchLabels) && !Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === String(v))) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  return expressions.every((e) => {
    const key = String(e.key ?? '');
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
}

/** The labels of a namespace: its Namespace object's in the workspace, plus `kubernetes.io/metadata.name`, which Kubernetes always sets. */
export function namespaceLabels(index: IndexReader, name: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const ns of index.withTag('Namespace', `name:${name}`)) if (ns.group === '') Object.assign(labels, ns.labels);
  labels['kubernetes.io/metadata.name'] = name;
  return labels;
}

/** Whether a workload looks like a gateway proxy: an `istio` label, an `app` label naming a gateway, or any workload in istio-system. */
export function isGatewayWorkload(w: Resource): boolean {
  const labels = podLabels(w);
  return 'istio' in labels || /gateway/.test(labels.app ?? '') || w.namespace === DEFAULT_ROOT_NAMESPACE;
}

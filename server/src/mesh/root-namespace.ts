/**
 * Istio's root namespace: the namespace whose Sidecar, DestinationRules and other config apply to
 * every namespace. It is the mesh config's `rootNamespace`, `istio-system` unless set. This module
 * reads only the mesh config; it does not decide what the root namespace's config does.
 */
import type { IndexReader } from '../index/workspace-index';

/** Istio's default root namespace (`pkg/config/mesh` DefaultMeshConfig: `constants.IstioSystemNamespace`). */
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

/** The kinds that carry the mesh config (see parse/mesh-config.ts). */
export const MESH_CONFIG_KINDS = ['IstioOperator', 'ConfigMap'];

/**
 * The root namespace of the mesh the reader sees: the first mesh config (IstioOperator, then the
 * `istio` ConfigMap) that sets `rootNamespace`, else `istio-system`. It depends only on the resources
 * that carry mesh config.
 */
export function rootNamespace(index: IndexReader): string {
  // Asked by many analyzers for every resource, with one answer for the whole workspace.
  return index.shared ? index.shared('root-namespace', readRootNamespace) : readRootNamespace(index);
}

function readRootNamespace(index: IndexReader): string {
  for (const kind of MESH_CONFIG_KINDS) {
    for (const r of index.withTag(kind, 'mesh-config')) {
      const root = r.meshConfig?.value.rootNamespace;
      if (typeof root === 'string' && root.trim() !== '') return root.trim();
    }
  }
  return DEFAULT_ROOT_NAMESPACE;
}

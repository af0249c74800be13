/**
 * The generator's LSP side: defaults from settings and the workspace, and bundles whose names do
 * not collide with resources the workspace already has.
 */
import type { WorkspaceIndex } from '../index/workspace-index';
import type { Settings } from '../settings';
import { generateBundle } from '../generate/bundle';
import { egressGatewayNamespace } from '../mesh/gateways';
import type { ApiVersion, BundleDefaults, BundleMode, GenerateBundleParams, GenerateBundleResult } from '../protocol';

const GROUP_OF: Record<string, string> = {
  ServiceEntry: 'networking.istio.io',
  Gateway: 'networking.istio.io',
  DestinationRule: 'networking.istio.io',
  VirtualService: 'networking.istio.io',
  Secret: '',
  NetworkPolicy: 'networking.k8s.io',
  IstioOperator: 'install.istio.io',
  Role: 'rbac.authorization.k8s.io',
  RoleBinding: 'rbac.authorization.k8s.io',
};

export function bundleDefaults(index: WorkspaceIndex, settings: Settings): BundleDefaults {
  const counts = new Map<string, number>();
  for (const file of index.files()) for (const r of file.resources) counts.set(r.namespace, (counts.get(r.namespace) ?? 0) + 1);
  counts.delete('istio-system');
  counts.delete('kube-system');
  const namespaces = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([ns]) => ns);
  if (!namespaces.includes('default')) namespaces.push('default');
  return {
    gatewayNamespace: egressGatewayNamespace(settings),
    gatewaySelector: settings.egressGateway.selector,
    gatewayHost: settings.egressGateway.host,
    namespaces,
  };
}

export function bundleFor(index: WorkspaceIndex, settings: Settings, p: GenerateBundleParams): GenerateBundleResult {
  const defaults = bundleDefaults(index, settings);
  const result = generateBundle({
    host: p.host,
    mode: p.mode as BundleMode,
    port: p.port,
    namespace: p.namespace,
    gatewayNamespace: p.gatewayNamespace ?? defaults.gatewayNamespace,
    gatewaySelector: p.gatewaySelector ?? defaults.gatewaySelector,
    gatewayHost: p.gatewayHost ?? defaults.gatewayHost,
    apiVersion: p.apiVersion as ApiVersion | undefined,
    registryOnly: p.registryOnly,
    networkPolicy: p.networkPolicy,
    withoutServiceEntry: p.withoutServiceEntry,
    isTaken: (kind, namespace, name) => index.find(GROUP_OF[kind] ?? '', kind, namespace, name).length > 0,
  });
  if (!result.ok) return result;
  return { ok: true, yaml: result.yaml, resources: result.resources.map(({ kind, namespace, name }) => ({ kind, namespace, name })) };
}

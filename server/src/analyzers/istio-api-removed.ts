/**
 * The resource belongs to an Istio API that Istio no longer serves, so a current mesh has no such
 * CRD and `kubectl apply` fails with `no matches for kind`: `authentication.istio.io` (Policy,
 * MeshPolicy; removed in Istio 1.6, replaced by PeerAuthentication and RequestAuthentication),
 * `rbac.istio.io` (ServiceRole, ServiceRoleBinding, RbacConfig, ClusterRbacConfig; removed in 1.6,
 * replaced by AuthorizationPolicy), and Mixer's `config.istio.io` (rule, handler, instance,
 * attributemanifest, adapter, template and the adapter kinds; removed in 1.8, replaced by the
 * Telemetry API, AuthorizationPolicy and Envoy's rate limiting). Tutorials written for old Istio
 * releases still carry them. Rewrite the resource with the API that replaced it.
 */
import type { Analyzer } from './analyzer';
import { spanAtPath } from '../parse/yaml-path';

interface State {
  apiVersion: string;
  kind: string;
  /** The Istio release that removed the API. */
  removedIn: string;
  /** What to use instead. */
  replacement: string;
}

interface Removed {
  removedIn: string;
  replacement: (kind: string) => string;
}

const REMOVED: Record<string, Removed> = {
  'authentication.istio.io': {
    removedIn: '1.6',
    replacement: () => 'security.istio.io PeerAuthentication for mutual TLS (`peers`), RequestAuthentication with an AuthorizationPolicy for JWT (`origins`)',
  },
  'rbac.istio.io': { removedIn: '1.6', replacement: () => 'security.istio.io AuthorizationPolicy' },
  'config.istio.io': {
    removedIn: '1.8',
    replacement: (kind) =>
      kind === 'rule' || kind === 'handler' || kind === 'instance'
        ? 'the Telemetry API (telemetry.istio.io Telemetry) for metrics and logs, security.istio.io AuthorizationPolicy ' +
          'for allow and deny lists, and Envoy rate limiting (EnvoyFilter) for quotas'
        : 'the Telemetry API (telemetry.istio.io), AuthorizationPolicy or EnvoyFilter, depending on what the Mixer adapter did',
  },
};

export const istioApiRemoved: Analyzer<State> = {
  code: 'istio-api-removed',
  severity: 'error',
  appliesTo: '*',
  reads: [],
  *check(r) {
    const removed = REMOVED[r.group];
    if (!removed) return;
    const span = spanAtPath(r.document.ast, ['apiVersion']);
    if (span) yield { ...span, state: { apiVersion: r.apiVersion, kind: r.kind, removedIn: removed.removedIn, replacement: removed.replacement(r.kind) } };
  },
  message: (s) =>
    `${s.apiVersion} ${s.kind} was removed in Istio ${s.removedIn}: a current mesh has no such resource and ` +
    `kubectl apply fails with 'no matches for kind "${s.kind}"'. Use ${s.replacement} instead.`,
};

/**
 * Istio's rules for how resources find each other, over an IndexReader: gateway references,
 * exportTo visibility, service registry lookups (ServiceEntry and Kubernetes Service), route
 * destinations, workload selectors, and the effective outbound traffic policy per namespace.
 * Analyzers share these so that they agree with each other. Which DestinationRule a proxy uses is
 * decided in mesh/destination-rules.ts.
 */
import type { Resource } from '../parse/resource';
import type { OutboundMode } from '../parse/mesh-config';
import { hostMatches } from './hosts';

export interface EffectivePolicy {
  mode: OutboundMode;
  /** Where the mode comes from: a Sidecar in the namespace, the mesh config, or the user's setting. */
  origin: 'sidecar' | 'mesh-config' | 'setting';
  source?: Resource;
}

/**
 * Whether a Sidecar egress entry (`ns/host`, `./host`, `*\/host`, `~/host`) in `sidecarNamespace`
 * imports `host` (a concrete or wildcard name) declared by a resource in `serviceNamespace`.
 */
export function sidecarHostImports(entry: string, sidecarNamespace: string, serviceNamespace: string, host: string): boolean {
  const slash = entry.indexOf('/');
  if (slash < 0) return false;
  const ns = entry.slice(0, slash);
  const dnsName = entry
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (ns.startsWith('~')) return false;
  if (ns !== '*' && (ns === '.' ? sidecarNamespace : ns) !== serviceNamespace) return false;
  return dnsName === '*' || hostMatches(dnsName, host);
}

/**
 * A VirtualService routes to a concrete host (`www.wikipedia.org`) that only a wildcard ServiceEntry
 * (`*.wikipedia.org`) defines: no ServiceEntry for the exact host and no Kubernetes Service with that
 * name is visible from the VirtualService's namespace.
 *
 * A wildcard ServiceEntry captures the traffic, but Istio builds one cluster for it, named after the
 * wildcard (`outbound|443||*.wikipedia.org`). A route's cluster is named after its destination host as
 * written (`outbound|443||www.wikipedia.org`, pilot/pkg/networking/core/route/route.go
 * `GetDestinationCluster`), and the service registry looks that host up by its exact name, so no such
 * cluster exists: Envoy answers HTTP requests with 503 (no cluster, `NC`) and closes TLS and TCP
 * connections, whatever the outbound traffic policy. This is an error, at a sidecar and at a gateway.
 * Istio's "wildcard egress hosts" task adds the `www-wikipedia` ServiceEntry for this reason.
 *
 * A destination equal to the wildcard (`*.wikipedia.org`) has its cluster and is not reported; mirrors
 * are not reported (a missing mirror cluster drops only the copies), nor are `*.cluster.local` hosts,
 * whose Services may live outside the workspace. A host that nothing defines is vs-unknown-host's finding.
 *
 * The quick fix appends a `MESH_EXTERNAL` ServiceEntry for the exact host, with the route's port and
 * the protocol the wildcard ServiceEntry declares for it (else one from the rule: HTTP, TLS or TCP).
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import type { Resource } from '../parse/resource';
import type { RouteProtocol } from '../mesh/routes';
import { routeDestinations } from '../mesh/routes';
import { isAssumedHost, serviceEntriesFor, servicesFor } from '../mesh/registry';
import { hostsOf, isWildcard } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { inNamespace, namespaceOrigin } from '../index/namespace-origin';
import { appendEntryFix, planEntry, type PlannedEntry } from './rules/planned-entry';
import { isValidPort } from '../validation/istio-names';

interface State {
  /** The destination host as written. */
  host: string;
  protocol: RouteProtocol;
  namespace: string;
  /** Where `namespace` comes from when the VirtualService does not write it (see namespace-origin.ts). */
  namespaceOrigin?: string;
  /** The wildcard ServiceEntries that cover the host, as `"name" (host "*.x")`, with their namespace when it is another. */
  wildcards: string[];
  /** The ServiceEntry the fix appends. */
  create?: PlannedEntry;
}

const PROTOCOL: Record<RouteProtocol, string> = { http: 'HTTP', tls: 'TLS', tcp: 'TCP' };
const DEFAULT_PORT: Partial<Record<RouteProtocol, number>> = { http: 80, tls: 443 };

/** The protocol a ServiceEntry declares for `port`, if it lists that port. */
function declaredProtocol(se: Resource, port: number): string | undefined {
  const ports: unknown[] = Array.isArray(se.spec.ports) ? se.spec.ports : [];
  for (const p of ports)
    if (p && typeof p === 'object' && (p as Record<string, unknown>).number === port) {
      const protocol = (p as Record<string, unknown>).protocol;
      return typeof protocol === 'string' && protocol !== '' ? protocol.toUpperCase() : undefined;
    }
  return undefined;
}

/** The only port a ServiceEntry declares, if it declares exactly one. */
function onlyPort(se: Resource): number | undefined {
  const ports: unknown[] = Array.isArray(se.spec.ports) ? se.spec.ports : [];
  const n = ports.length === 1 && ports[0] && typeof ports[0] === 'object' ? (ports[0] as Record<string, unknown>).number : undefined;
  return typeof n === 'number' ? n : undefined;
}

export const vsWildcardOnlyHost: Analyzer<State> = {
  code: 'vs-wildcard-only-host',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['ServiceEntry', 'Service', 'IstioOperator', 'ConfigMap'],
  *check(vs, { index, settings }) {
    const creating = new Map<string, string>();
    for (const d of routeDestinations(vs)) {
      if (d.mirror || d.host === '' || isWildcard(d.host) || d.host.endsWith('.cluster.local') || isAssumedHost(d.host, settings)) continue;
      const entries = serviceEntriesFor(index, d.host, vs.namespace);
      if (entries.length === 0 || entries.some((se) => hostsOf(se).includes(d.host))) continue;
      if (servicesFor(index, d.host, vs.namespace).length > 0) continue;
      const wildcards = entries.filter((se) => hostsOf(se).some((h) => isWildcard(h) && hostSubsetOf(d.host, h)));
      if (wildcards.length === 0) continue;
      const span = spanAtPath(vs.document.ast, [...d.path, 'host']);
      if (!span) continue;
      const host = String(d.destination.host).trim();
      const state: State = {
        host,
        protocol: d.protocol,
        namespace: vs.namespace,
        ...(namespaceOrigin(vs) ? { namespaceOrigin: namespaceOrigin(vs) } : {}),
        wildcards: wildcards.map((se) => {
          const covering = hostsOf(se).filter((h) => isWildcard(h) && hostSubsetOf(d.host, h));
          const where = se.namespace === vs.namespace ? '' : ` in ${inNamespace(se, vs.uri)}`;
          return `"${se.name}" (host ${covering.map((h) => `"${h}"`).join(', ')})${where}`;
        }),
      };
      const port = d.port ?? (d.matchPorts.length === 1 ? d.matchPorts[0] : undefined) ?? onlyPort(wildcards[0]) ?? DEFAULT_PORT[d.protocol];
      if (port !== undefined && isValidPort(port)) {
        const protocol = wildcards.map((se) => declaredProtocol(se, port)).find((p) => p !== undefined) ?? PROTOCOL[d.protocol];
        state.create = planEntry(index, vs, d.host, creating, { port, protocol });
      }
      const related = wildcards
        .map((se) => {
          const at = nameSpanOf(se.document);
          return at && { uri: se.uri, ...at, message: `Wildcard ServiceEntry covering ${host}: its cluster is not this route's` };
        })
        .filter((x): x is RelatedLocation => !!x);
      yield { ...span, state, ...(related.length > 0 ? { related } : {}) };
    }
  },
  message: (s) => {
    const failure = s.protocol === 'http' ? 'requests fail with 503 (no cluster, NC)' : 'connections are closed (no cluster, NC)';
    return (
      `No ServiceEntry or Service visible from namespace "${s.namespace}"${s.namespaceOrigin ?? ''} defines host "${s.host}" exactly: ` +
      `only the wildcard ServiceEntry ${s.wildcards.join(' and ')} covers it. ` +
      `Istio builds a cluster for the wildcard only, not for "${s.host}", so this route has no cluster and ${failure}. ` +
      `Add a ServiceEntry for the exact host "${s.host}".`
    );
  },
  fix: (s, { file }) => (s.create ? appendEntryFix(file.text, s.host, s.create) : []),
};

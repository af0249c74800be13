/**
 * A VirtualService routes to a host that Istio's service registry does not know: no ServiceEntry
 * (exact or wildcard) and no Kubernetes Service visible from the VirtualService's namespace
 * defines it, and it is not one of the hosts every cluster has (the egress gateway from the
 * `istioEgress.egressGateway.host` setting, kube-dns, istiod, the Service of a Gateway API Gateway).
 *
 * Under the `REGISTRY_ONLY` outbound traffic policy the sidecar blocks the traffic (the docs show
 * `exit code 35` for HTTPS and 502 for HTTP): this is an error. Under `ALLOW_ANY`, Istio's default,
 * the traffic may still leave through the passthrough cluster, but Istio routes only to hosts it
 * knows, so this route's rules (timeouts, retries, the hop through the egress gateway) do not
 * apply: a warning. When the registry does know a host of the VirtualService, the route does apply
 * there and sends to a cluster Istio never builds (route.go `GetDestinationCluster`), so what it
 * sends to this host fails; the message says so. The message says which policy applies and where it is set (a Sidecar, the
 * mesh config in an IstioOperator or the `istio` ConfigMap, or the `istioEgress.outboundTrafficPolicy` setting).
 *
 * The quick fix appends a `MESH_EXTERNAL` ServiceEntry for the host, with the route's port and a
 * protocol from the rule (HTTP for `http` routes, TLS for `tls`, TCP for `tcp`).
 * When a DestinationRule visible from the VirtualService's namespace originates TLS to the host on
 * an HTTP port, the port gets `targetPort: 443`, as in Istio's TLS origination task (the application
 * keeps calling port 80, the proxy connects to the server's 443); without it the proxy would open a
 * TLS handshake with the server's plain-text port (what tls-origination-plain-port reports).
 * Hosts of the form `<name>.<namespace>.svc.cluster.local` are reported only when the workspace
 * declares Services of that namespace; otherwise those Services simply live elsewhere.
 * Overlaps istioctl IST0101 (host) and Kiali KIA1101, which both ignore the outbound traffic policy.
 * A concrete host that only a wildcard ServiceEntry defines still has no cluster of its own: that is vs-wildcard-only-host's finding.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation, Span } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { hostsOf } from '../mesh/hosts';
import type { OutboundMode } from '../parse/mesh-config';
import type { IndexReader } from '../index/workspace-index';
import { routeDestinations, type RouteProtocol } from '../mesh/routes';
import { clusterLocalNamespace, describesNamespaceServices, registryLookup } from '../mesh/registry';
import { outboundPolicy, type EffectivePolicy } from '../mesh/sidecar-scope';
import { describeExportTo, isVisibleIn } from '../mesh/export-defaults';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { inNamespace, namespaceOrigin } from '../index/namespace-origin';
import { appendEntryFix, planEntry, type PlannedEntry } from './rules/planned-entry';
import { isValidPort, wildcardDomainProblem } from '../validation/istio-names';
import { ORIGINATING_TLS_MODES, tlsBlocks } from '../mesh/client-tls';

interface State {
  /** The host as written, and fully qualified. */
  host: string;
  fqdn: string;
  namespace: string;
  /** Where `namespace` comes from when the VirtualService does not write it (see namespace-origin.ts). */
  namespaceOrigin?: string;
  mode: OutboundMode;
  /** Where the mode comes from, in words. */
  policyFrom: string;
  /** Resources that define the host but are not exported to the VirtualService's namespace. */
  notExported?: string[];
  /** The ServiceEntry the fix appends. */
  create?: PlannedEntry;
  /** Set under ALLOW_ANY when the registry knows a host of the VirtualService, so its route applies and has no cluster here. */
  routeApplies?: boolean;
}

const PROTOCOL: Record<RouteProtocol, string> = { http: 'HTTP', tls: 'TLS', tcp: 'TCP' };
const DEFAULT_PORT: Partial<Record<RouteProtocol, number>> = { http: 80, tls: 443 };

/** The server's TLS port that an originating DestinationRule's HTTP port is sent to. */
const TLS_TARGET_PORT = 443;

/** Whether a DestinationRule visible from `namespace` originates TLS (SIMPLE, MUTUAL) to `host` on `port` (client-tls.ts tlsBlocks). */
function originatesTls(index: IndexReader, host: string, namespace: string, port: number): boolean {
  return index
    .matchingHost('DestinationRule', host)
    .some(
      (dr) =>
        dr.group === ISTIO_NETWORKING &&
        isVisibleIn(index, dr, namespace) &&
        tlsBlocks(dr).some((b) => ORIGINATING_TLS_MODES.has(b.mode) && (b.port === undefined ? !b.overriddenPorts.includes(port) : b.port === port)),
    );
}

const fileName = (uri: string) => decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));

function describePolicy(p: EffectivePolicy, shownIn: string): string {
  if (p.origin === 'sidecar' && p.source) return `set by Sidecar "${p.source.name}" in ${inNamespace(p.source, shownIn)}`;
  if (p.origin === 'mesh-config' && p.source)
    return `set by the mesh config in ${p.source.kind} ${p.source.name ? `"${p.source.name}" ` : ''}(${fileName(p.source.uri)})`;
  return p.mode === 'ALLOW_ANY' ? "Istio's default" : 'from the istioEgress.outboundTrafficPolicy setting';
}

/** The `outboundTrafficPolicy.mode` value that sets the policy, as a related location. */
function policyLocation(p: EffectivePolicy): RelatedLocation | undefined {
  const r = p.source;
  if (!r) return undefined;
  let span: Span | undefined;
  if (p.origin === 'sidecar') span = spanAtPath(r.document.ast, ['spec', 'outboundTrafficPolicy', 'mode']);
  else if (r.meshConfig) {
    const mc = r.meshConfig;
    const inner = spanAtPath(mc.ast, [...mc.path, 'outboundTrafficPolicy', 'mode']);
    if (inner) span = { start: mc.toFileOffset(inner.start), end: mc.toFileOffset(inner.end) };
  }
  return span && { uri: r.uri, ...span, message: `Outbound traffic policy ${p.mode} set here` };
}

/** ServiceEntries and Services that define the host but are not exported to `namespace`. */
function hiddenDefinitions(index: IndexReader, fqdn: string, namespace: string): Resource[] {
  const ses = index.matchingHost('ServiceEntry', fqdn).filter((se) => se.group === ISTIO_NETWORKING);
  return [...ses, ...index.withHost('Service', fqdn)].filter((r) => !isVisibleIn(index, r, namespace));
}

export const vsUnknownHost: Analyzer<State> = {
  code: 'vs-unknown-host',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['ServiceEntry', 'Service', 'Sidecar', 'IstioOperator', 'ConfigMap', 'Gateway', 'DestinationRule'],
  *check(vs, { index, settings }) {
    let policy: EffectivePolicy | undefined;
    let routeApplies: boolean | undefined;
    const creating = new Map<string, string>();
    for (const d of routeDestinations(vs)) {
      if (d.host === '' || registryLookup(index, d.host, vs.namespace, settings).length > 0) continue;
      const clusterLocal = d.host.endsWith('.cluster.local');
      if (clusterLocal) {
        const ns = clusterLocalNamespace(d.host);
        if (ns === undefined || !describesNamespaceServices(index, ns)) continue;
      }
      const span = spanAtPath(vs.document.ast, [...d.path, 'host']);
      if (!span) continue;
      policy ??= outboundPolicy(index, settings, vs.namespace);
      routeApplies ??= policy.mode === 'ALLOW_ANY' && hostsOf(vs).some((h) => registryLookup(index, h, vs.namespace, settings).length > 0);
      const written = String(d.destination.host).trim();
      const state: State = {
        host: written,
        fqdn: d.host,
        namespace: vs.namespace,
        mode: policy.mode,
        policyFrom: describePolicy(policy, vs.uri),
        ...(namespaceOrigin(vs) ? { namespaceOrigin: namespaceOrigin(vs) } : {}),
        ...(routeApplies ? { routeApplies } : {}),
      };
      const hidden = hiddenDefinitions(index, d.host, vs.namespace);
      if (hidden.length > 0)
        state.notExported = hidden.map(
          (r) => `${r.kind} "${r.name}" in ${inNamespace(r, vs.uri)} does, but is exported only to ${describeExportTo(index, r)}.`,
        );
      const port = d.port ?? (d.matchPorts.length === 1 ? d.matchPorts[0] : DEFAULT_PORT[d.protocol]);
      if (!clusterLocal && port !== undefined) {
        const targetPort = d.protocol === 'http' && port !== TLS_TARGET_PORT && originatesTls(index, d.host, vs.namespace, port) ? TLS_TARGET_PORT : undefined;
        state.create = planEntry(index, vs, d.host, creating, { port, protocol: PROTOCOL[d.protocol], ...(targetPort !== undefined ? { targetPort } : {}) });
      }
      const related = [
        policyLocation(policy),
        ...hidden.map((r) => {
          const at = nameSpanOf(r.document);
          return at && { uri: r.uri, ...at, message: `${r.kind} for this host, not exported to "${vs.namespace}"${namespaceOrigin(vs)}` };
        }),
      ].filter((x): x is RelatedLocation => !!x);
      yield { ...span, state, severity: policy.mode === 'REGISTRY_ONLY' ? 'error' : 'warning', ...(related.length > 0 ? { related } : {}) };
    }
  },
  message: (s) => {
    const head = `No ServiceEntry or Service visible from namespace "${s.namespace}"${s.namespaceOrigin ?? ''} defines host "${s.fqdn}".`;
    const hidden = s.notExported ? ` ${s.notExported.join(' ')}` : '';
    const remedy = s.notExported
      ? `Export it to "${s.namespace}", or add a ServiceEntry here.`
      : s.fqdn.endsWith('.cluster.local')
        ? 'Check the name, or declare the Service.'
        : 'Add a ServiceEntry for it.';
    const policy =
      s.mode === 'REGISTRY_ONLY'
        ? `The outbound traffic policy is REGISTRY_ONLY (${s.policyFrom}), so traffic to it is blocked.`
        : s.routeApplies
          ? `The outbound traffic policy is ALLOW_ANY (${s.policyFrom}), but this route applies (Istio knows the VirtualService's host) ` +
            'and Istio builds no cluster for a host outside its registry, so what the route sends here fails (no cluster, NC).'
          : `The outbound traffic policy is ALLOW_ANY (${s.policyFrom}), so traffic is not blocked, ` +
            'but Istio routes only to hosts in its registry and this route does not apply.';
    return `${head}${hidden} ${policy} ${remedy}`;
  },
  fix: (s, { file }) => {
    // A ServiceEntry the API server would reject (host "*" or not a domain, port over 65535) is not offered.
    if (!s.create || s.host === '*' || wildcardDomainProblem(s.host) || !isValidPort(s.create.port)) return [];
    return appendEntryFix(file.text, s.host, s.create);
  },
};

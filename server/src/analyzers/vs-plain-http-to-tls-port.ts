/**
 * An `http` rule routes to a port that the host's ServiceEntry declares `HTTPS` or `TLS`, and the
 * proxy running the rule originates no TLS there: the DestinationRule in effect for that proxy sets no
 * `tls.mode: SIMPLE` (or `MUTUAL`) for the port. The proxy sends plain HTTP to the server's TLS port,
 * and the server answers `400 The plain HTTP request was sent to HTTPS port` (istio/istio#25253).
 * This is the usual way TLS origination fails: at the egress gateway, the gateway looks the
 * DestinationRule up from its own namespace, so a rule in the clients' namespace exported only to `.`
 * (or in any namespace other than the gateway's, the host's and the root namespace) does not apply there.
 * Originate TLS with a DestinationRule the proxy sees (in the gateway's or the ServiceEntry's namespace
 * for a gateway rule, in the client namespace for a sidecar rule) that sets `tls.mode: SIMPLE` for the
 * port, or route to the server's plain-HTTP port instead.
 * A rule that never applies because its own port is a TLS port is vs-protocol-mismatch's finding, and
 * TLS originated on a port where the application already sends TLS is tls-double-encryption's.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import type { Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { ruleGateways, routeDestinations, type RouteDestination } from '../mesh/routes';
import { isEgressGatewayHost, resolveGatewayRefs } from '../mesh/gateways';
import { gatewayServers, isPassthroughServer, TLS_PROTOCOLS } from '../mesh/gateway-servers';
import { serviceEntriesFor } from '../mesh/registry';
import { hostsOf } from '../mesh/hosts';
import type { IndexReader } from '../index/workspace-index';
import { isRecord } from '../data';
import { effectiveDestinationRule, forWorkload } from '../mesh/destination-rules';
import { clientTls } from '../mesh/client-tls';
import { ruleProxies } from '../mesh/rule-proxies';
import { MESH_CONFIG_KINDS } from '../mesh/root-namespace';
import { WORKLOAD_KINDS } from '../mesh/workloads';

interface State {
  host: string;
  port: number;
  protocol: string;
  serviceEntry: string;
  /** The namespace of the proxy that sends the plain HTTP. */
  namespace: string;
  gateway: boolean;
  /** `namespace/name` of the DestinationRule in effect for that proxy, when one is. */
  destinationRule?: string;
  /** The mode written in it for this port, when one is (DISABLE). */
  mode?: string;
}

interface TlsPort {
  se: Resource;
  portIndex: number;
  protocol: string;
}

/** The first ServiceEntry port numbered `port` for `host` that is declared HTTPS or TLS, among the external ServiceEntries visible from `namespace`. */
function tlsPort(index: IndexReader, host: string, namespace: string, port: number): TlsPort | undefined {
  for (const se of serviceEntriesFor(index, host, namespace)) {
    if ((se.spec.location ?? 'MESH_EXTERNAL') !== 'MESH_EXTERNAL') continue;
    const ports: unknown[] = Array.isArray(se.spec.ports) ? se.spec.ports : [];
    const i = ports.findIndex((p) => isRecord(p) && p.number === port);
    const p = ports[i];
    if (isRecord(p) && typeof p.protocol === 'string' && TLS_PROTOCOLS.has(p.protocol.toUpperCase()))
      return { se, portIndex: i, protocol: p.protocol.toUpperCase() };
  }
  return undefined;
}

/**
 * Whether the sidecars ignore the rule because every port it is for is a TLS port of the
 * VirtualService's hosts (vs-protocol-mismatch reports that): they then send nothing through it.
 */
function ignoredBySidecars(index: IndexReader, vs: Resource, d: RouteDestination): boolean {
  const declared = hostsOf(vs).flatMap((h) =>
    serviceEntriesFor(index, h, vs.namespace).flatMap((se) => (Array.isArray(se.spec.ports) ? se.spec.ports.filter(isRecord) : [])),
  );
  const ports = d.matchPorts.length > 0 ? declared.filter((p) => d.matchPorts.includes(p.number)) : declared;
  return ports.length > 0 && ports.every((p) => typeof p.protocol === 'string' && TLS_PROTOCOLS.has(p.protocol.toUpperCase()));
}

/** Whether every server of the rule's Gateways for its ports passes TLS through, so no HTTP rule applies there (vs-protocol-mismatch). */
function ignoredByGateway(index: IndexReader, vs: Resource, d: RouteDestination): boolean {
  const servers = resolveGatewayRefs(index, vs, ruleGateways(vs, d)).flatMap(({ gateway }) =>
    gatewayServers(gateway).filter((s) => d.matchPorts.length === 0 || (s.port !== undefined && d.matchPorts.includes(s.port))),
  );
  return servers.length > 0 && servers.every(isPassthroughServer);
}

const originates = (mode: string | undefined) => mode !== undefined && mode !== 'DISABLE';

export const vsPlainHttpToTlsPort: Analyzer<State> = {
  code: 'vs-plain-http-to-tls-port',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['DestinationRule', 'Gateway', 'Service', 'ServiceEntry', ...MESH_CONFIG_KINDS, ...WORKLOAD_KINDS],
  *check(vs, { index, settings }) {
    for (const d of routeDestinations(vs)) {
      if (d.protocol !== 'http' || d.mirror || d.port === undefined || isEgressGatewayHost(d.host, settings)) continue;
      const port = d.port;
      for (const proxy of ruleProxies(index, settings, vs, d)) {
        const declared = tlsPort(index, d.host, proxy.namespace, port);
        if (!declared) continue;
        if (proxy.gateway ? ignoredByGateway(index, vs, d) : ignoredBySidecars(index, vs, d)) continue;
        const found = effectiveDestinationRule(index, proxy.namespace, d.host);
        // A gateway's pods carry its selector's labels, so a rule selecting them applies; which sidecars
        // call the host is unknown, so a rule for selected workloads that originates TLS keeps this quiet.
        const effective = proxy.labels ? forWorkload(found, proxy.labels) : found;
        if (!proxy.labels && found?.selected.some((dr) => originates(clientTls({ ...found, rules: [dr] }, d.subset, port)?.mode))) continue;
        const tls = clientTls(effective, d.subset, port);
        // An unknown subset is vs-unknown-subset's finding; any TLS mode means the proxy does not send plain HTTP.
        if (!tls || tls.mode !== 'DISABLE') continue;
        const span = spanAtPath(vs.document.ast, [...d.path, 'port', 'number']);
        if (!span) continue;
        const related: RelatedLocation[] = [];
        const at = spanAtPath(declared.se.document.ast, ['spec', 'ports', declared.portIndex, 'protocol']);
        if (at) related.push({ uri: declared.se.uri, ...at, message: `Port ${port} of ${d.host} declared ${declared.protocol} here: the server expects TLS` });
        const rule = tls.rule;
        const ruleAt = rule && (tls.tlsPath ? spanAtPath(rule.document.ast, tls.tlsPath) : nameSpanOf(rule.document));
        if (rule && ruleAt) related.push({ uri: rule.uri, ...ruleAt, message: `DestinationRule in effect for ${d.host} in namespace ${proxy.namespace}` });
        yield {
          ...span,
          related,
          state: {
            host: d.host,
            port,
            protocol: declared.protocol,
            serviceEntry: declared.se.name,
            namespace: proxy.namespace,
            gateway: proxy.gateway,
            ...(rule ? { destinationRule: `${rule.namespace}/${rule.name}` } : {}),
            ...(tls.modeWritten ? { mode: tls.mode } : {}),
          },
        };
        break;
      }
    }
  },
  message: (s) => {
    const proxy = s.gateway ? `the gateway running this rule (namespace "${s.namespace}")` : `the sidecars of namespace "${s.namespace}"`;
    const rule = s.destinationRule
      ? `the DestinationRule in effect there, "${s.destinationRule}", ${s.mode ? `sets tls.mode ${s.mode}` : 'sets no tls.mode'} for port ${s.port}`
      : `no DestinationRule for ${s.host} applies there`;
    return (
      `This http rule sends plain HTTP to port ${s.port} of ${s.host}, which ServiceEntry "${s.serviceEntry}" ` +
      `declares ${s.protocol}, and ${proxy} ${s.gateway ? 'originates' : 'originate'} no TLS: ${rule}. ` +
      'The server answers "400 The plain HTTP request was sent to HTTPS port". ' +
      `Originate TLS (tls.mode: SIMPLE) for port ${s.port} in a DestinationRule that namespace sees, ` +
      "or route to the server's plain HTTP port."
    );
  },
};

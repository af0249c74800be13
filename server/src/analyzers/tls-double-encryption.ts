/**
 * A DestinationRule originates TLS (`tls.mode: SIMPLE` or `MUTUAL`) on a port where the application
 * already speaks TLS: the ServiceEntry declares that port `HTTPS` or `TLS`, and no route sends plain
 * HTTP to it. The proxy then wraps the application's TLS in a second TLS session; the server cannot
 * read it and the request fails (typically a handshake error or a 503).
 * TLS origination is for applications that send plain HTTP: let the application call an HTTP port
 * (for example port 80 with `targetPort: 443`) and originate TLS there, as Istio's TLS origination
 * task does, or remove the `tls` block for the TLS port.
 * A route that delivers plain HTTP to the port, such as an egress gateway's HTTP rule that forwards
 * to port 443 (or a Kubernetes Gateway that terminates HTTP for the host), makes the origination
 * correct, and this check stays silent.
 * Only a `tls` block some proxy actually applies is judged: the rule must be the one a client or
 * gateway namespace looks up for the host, and the block the TLS in effect for the port (see
 * tls-origination-plain-port). The message names the namespaces whose proxies use the rule.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { GATEWAY_API, ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { resolveHost, serviceHost, hostsOf } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import type { IndexReader } from '../index/workspace-index';
import { ORIGINATING_TLS_MODES, tlsBlocks } from '../mesh/client-tls';
import { routeDestinations, ruleGateways } from '../mesh/routes';
import { MESH_GATEWAY } from '../mesh/gateways';
import { TLS_PROTOCOLS } from '../mesh/gateway-servers';
import { WORKLOAD_KINDS } from '../mesh/workloads';
import { isRecord } from '../data';
import { describeUsers, destinationRuleUsers, serviceEntriesSeenBy, usersOfTls } from '../mesh/destination-rule-users';
import { MESH_CONFIG_KINDS } from '../mesh/root-namespace';

interface State {
  mode: string;
  host: string;
  ports: number[];
  /** "cnn declares port 443 HTTPS" parts, one per port. */
  declarations: string[];
  /** The proxies that apply this `tls` to those ports, in words (see destination-rule-users.ts). */
  usedBy?: string;
}

interface TlsPort {
  se: Resource;
  portIndex: number;
  protocol: string;
}

/** Ports of `host` that some route sends plain HTTP to; `any` when a route's port cannot be told. */
function plainHttpPorts(index: IndexReader, host: string): { ports: Set<number>; any: boolean } {
  const ports = new Set<number>();
  let any = false;
  for (const vs of index.withTag('VirtualService', `dest:${host}`)) {
    if (vs.group !== ISTIO_NETWORKING) continue;
    for (const d of routeDestinations(vs)) {
      if (d.protocol !== 'http' || d.host !== host) continue;
      if (d.port !== undefined) {
        ports.add(d.port);
        continue;
      }
      // Without a destination port, a sidecar's HTTP rule for this very host keeps the port it
      // intercepted, which is an HTTP port; other rules may land anywhere.
      const gatewaySide = ruleGateways(vs, d).some((g) => g !== MESH_GATEWAY);
      if (!gatewaySide && hostsOf(vs).includes(host)) continue;
      if (d.matchPorts.length > 0) for (const p of d.matchPorts) ports.add(p);
      else any = true;
    }
  }
  // Gateway API HTTPRoutes (the docs' Gateway API tabs) deliver plain HTTP to their backends.
  for (const route of index.ofKind('HTTPRoute', GATEWAY_API)) {
    const rules = Array.isArray(route.spec.rules) ? route.spec.rules.filter(isRecord) : [];
    for (const rule of rules) {
      const refs = Array.isArray(rule.backendRefs) ? rule.backendRefs.filter(isRecord) : [];
      for (const ref of refs) {
        if (typeof ref.name !== 'string') continue;
        const kind = ref.kind ?? 'Service';
        const backend =
          kind === 'Hostname'
            ? resolveHost(ref.name, route.namespace)
            : kind === 'Service' && !ref.group
              ? serviceHost(ref.name, typeof ref.namespace === 'string' ? ref.namespace : route.namespace)
              : undefined;
        if (backend !== host) continue;
        if (typeof ref.port === 'number') ports.add(ref.port);
        else any = true;
      }
    }
  }
  // A Kubernetes Gateway listener that terminates HTTP for the host forwards plain HTTP through
  // HTTPRoutes that may live elsewhere; the port cannot be told.
  for (const gw of index.ofKind('Gateway', GATEWAY_API)) {
    const listeners = Array.isArray(gw.spec.listeners) ? gw.spec.listeners.filter(isRecord) : [];
    for (const l of listeners) {
      const terminatesHttp = l.protocol === 'HTTP' || (l.protocol === 'HTTPS' && (!isRecord(l.tls) || l.tls.mode !== 'Passthrough'));
      if (terminatesHttp && typeof l.hostname === 'string' && hostSubsetOf(host, l.hostname.toLowerCase())) any = true;
    }
  }
  return { ports, any };
}

export const tlsDoubleEncryption: Analyzer<State> = {
  code: 'tls-double-encryption',
  severity: 'error',
  appliesTo: istioNetworking('DestinationRule'),
  reads: ['ServiceEntry', 'VirtualService', 'HTTPRoute', 'Gateway', 'DestinationRule', 'Service', ...MESH_CONFIG_KINDS, ...WORKLOAD_KINDS],
  *check(dr, { index, settings }) {
    if (typeof dr.spec.host !== 'string') return;
    const blocks = tlsBlocks(dr).filter((b) => ORIGINATING_TLS_MODES.has(b.mode));
    if (blocks.length === 0) return;
    const host = resolveHost(dr.spec.host, dr.namespace);
    const users = destinationRuleUsers(index, settings, dr);
    if (users.length === 0) return;
    const tlsPorts = new Map<number, TlsPort>();
    for (const se of serviceEntriesSeenBy(index, host, users)) {
      const ports: unknown[] = Array.isArray(se.spec.ports) ? se.spec.ports : [];
      ports.forEach((p, portIndex) => {
        if (!isRecord(p) || typeof p.number !== 'number' || typeof p.protocol !== 'string') return;
        const protocol = p.protocol.toUpperCase();
        if (TLS_PROTOCOLS.has(protocol) && !tlsPorts.has(p.number)) tlsPorts.set(p.number, { se, portIndex, protocol });
      });
    }
    if (tlsPorts.size === 0) return;
    let plain: { ports: Set<number>; any: boolean } | undefined;
    for (const b of blocks) {
      const candidates = (
        b.port !== undefined ? [b.port].filter((p) => tlsPorts.has(p)) : [...tlsPorts.keys()].filter((p) => !b.overriddenPorts.includes(p))
      ).filter((p) => usersOfTls(users, dr, b.path, p, b.subset).length > 0);
      if (candidates.length === 0) continue;
      plain ??= plainHttpPorts(index, host);
      if (plain.any) return;
      const bad = candidates.filter((p) => !plain!.ports.has(p)).sort((x, y) => x - y);
      if (bad.length === 0) continue;
      const span = spanAtPath(dr.document.ast, [...b.path, 'mode']);
      if (!span) continue;
      const related: RelatedLocation[] = [];
      const declarations: string[] = [];
      for (const p of bad) {
        const t = tlsPorts.get(p)!;
        declarations.push(`ServiceEntry "${t.se.name}" declares port ${p} ${t.protocol}`);
        const at = spanAtPath(t.se.document.ast, ['spec', 'ports', t.portIndex, 'protocol']);
        if (at) related.push({ uri: t.se.uri, ...at, message: `Port ${p} of ${host} declared ${t.protocol} here: the application sends TLS` });
      }
      const applying = users.filter((u) => bad.some((p) => usersOfTls([u], dr, b.path, p, b.subset).length > 0));
      yield { ...span, related, state: { mode: b.mode, host, ports: bad, declarations, usedBy: describeUsers(applying) } };
    }
  },
  message: (s) => {
    const ports = s.ports.length === 1 ? `port ${s.ports[0]}` : `ports ${s.ports.join(', ')}`;
    return (
      `This originates TLS (${s.mode}) on ${ports} of ${s.host}${s.usedBy ? ` for ${s.usedBy}` : ''}, but ` +
      `${s.declarations.join(' and ')}, and no route sends plain HTTP there: ` +
      "the application's TLS would be wrapped in a second TLS session the server cannot read. " +
      'Let the application send plain HTTP to an HTTP port (for example 80 with targetPort: ' +
      `443) and originate TLS there, or do not originate TLS on ${ports}.`
    );
  },
};

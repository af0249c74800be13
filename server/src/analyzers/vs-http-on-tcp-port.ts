/**
 * A VirtualService has `http` rules for a port that Istio proxies as plain TCP, so they never apply:
 * - the host's ServiceEntry declares the port `TCP` (or `MONGO`, `MYSQL`, `REDIS`): the sidecars build a
 *   TCP proxy for it, which reads only `tcp` rules. Traffic the rule sends to the egress gateway goes
 *   straight out instead (or is blocked under `REGISTRY_ONLY`), bypassing the gateway;
 * - the rule is bound to a Gateway whose servers for the host on that port are `TCP`: the gateway
 *   builds a TCP proxy there too, and with no `tcp` rule it has no route and closes the connection.
 * Declare the port as `HTTP` when the traffic is plain HTTP (or leave the protocol out, and Istio
 * detects it), or route it with a `tcp` rule. A rule that only adds policy (timeouts, retries) to
 * the host itself is a warning: the traffic still flows, without the policy.
 * When a `tcp` rule of the same VirtualService covers the port, the http rule is only dead text: a warning.
 * A rule's `match.gateways` count only where the VirtualService is bound (`spec.gateways`).
 * Ports declared `HTTPS` or `TLS` are vs-protocol-mismatch's finding.
 */
import { istioNetworking, type Analyzer, type Hit } from './analyzer';
import type { RelatedLocation } from '../model';
import type { Resource } from '../parse/resource';
import { spanAtPath, type YamlPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { resolveHost } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { ruleGateways } from '../mesh/routes';
import { gatewayServers, serverHostAdmits } from '../mesh/gateway-servers';
import { serviceEntriesFor } from '../mesh/registry';
import { gatewayBehindHost, boundGateways, MESH_GATEWAY, resolveGatewayRefs } from '../mesh/gateways';
import { isRecord } from '../data';
import { MESH_CONFIG_KINDS } from '../mesh/root-namespace';
import { WORKLOAD_KINDS } from '../mesh/workloads';

/**
 * Protocols that get a TCP listener and are not TLS (pilot/pkg/networking/networking.go
 * ModelProtocolToListenerProtocol; pkg/config/protocol Parse is case-insensitive).
 */
const PLAIN_TCP_PROTOCOLS: ReadonlySet<string> = new Set(['TCP', 'MONGO', 'MYSQL', 'REDIS']);

interface State {
  /** `service-entry`: the sidecars' TCP listener; `gateway`: the Gateway server's. */
  where: 'service-entry' | 'gateway';
  port: number;
  /** The host whose port is TCP. */
  host: string;
  /** The ServiceEntry's name, or the gateway reference as written. */
  resource: string;
  protocol: string;
  /** True when the rule names no port, so every port of the host (or server) was considered. */
  anyPort?: boolean;
  /** The rule sends traffic to an egress gateway, which it now bypasses. */
  viaGateway?: string;
  /** True when the rule only adds policy to its own hosts. */
  policyOnly?: boolean;
  /** True when a `tcp` rule of the VirtualService carries the port's traffic there, so this rule is only dead text. */
  coveredByTcp?: boolean;
}

/** Whether a `tcp` rule of the VirtualService applies to `port` (any port when undefined) at one of `gateways` (listener.go builds the TCP proxy from them). */
function tcpRuleCovers(vs: Resource, port: number | undefined, gateways: readonly string[]): boolean {
  const rules: unknown[] = Array.isArray(vs.spec.tcp) ? vs.spec.tcp : [];
  return rules.some((rule) => {
    if (!isRecord(rule)) return false;
    const matches: unknown[] = Array.isArray(rule.match) && rule.match.length > 0 ? rule.match : [{}];
    return matches.some((m) => {
      if (!isRecord(m)) return false;
      if (port !== undefined && typeof m.port === 'number' && m.port !== port) return false;
      const at = ruleGateways(vs, { matchGateways: Array.isArray(m.gateways) ? m.gateways.map(String) : [] });
      return at.some((g) => gateways.includes(g));
    });
  });
}

interface Target {
  port?: number;
  gateways: readonly string[];
  anchor: YamlPath;
  anchorPrefer: 'key' | 'value';
}

function targetsOf(vs: Resource, i: number, rule: Record<string, any>): Target[] {
  const matches: unknown[] = Array.isArray(rule.match) ? rule.match : [];
  const vsGateways = boundGateways(vs);
  const noPort = { anchor: ['spec', 'http', i, 'route'], anchorPrefer: 'key' as const };
  if (matches.length === 0) return [{ gateways: vsGateways, ...noPort }];
  return matches.map((m, j) => {
    const matchGateways = isRecord(m) && Array.isArray(m.gateways) ? m.gateways.map(String) : [];
    const gateways = ruleGateways(vs, { matchGateways });
    if (isRecord(m) && typeof m.port === 'number')
      return { port: m.port, gateways, anchor: ['spec', 'http', i, 'match', j, 'port'], anchorPrefer: 'value' as const };
    return { gateways, ...noPort };
  });
}

const nameRelated = (r: Resource, message: string): RelatedLocation[] => {
  const span = nameSpanOf(r.document);
  return span ? [{ uri: r.uri, ...span, message }] : [];
};

export const vsHttpOnTcpPort: Analyzer<State> = {
  code: 'vs-http-on-tcp-port',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['ServiceEntry', 'Gateway', 'Service', ...MESH_CONFIG_KINDS, ...WORKLOAD_KINDS],
  *check(vs, { index, settings }) {
    const hosts = (Array.isArray(vs.spec.hosts) ? vs.spec.hosts : [])
      .filter((h): h is string => typeof h === 'string' && h.trim() !== '')
      .map((h) => resolveHost(h, vs.namespace));
    const rules: unknown[] = Array.isArray(vs.spec.http) ? vs.spec.http : [];
    const seen = new Set<string>();
    const hits: Hit<State>[] = [];
    rules.forEach((rule, i) => {
      if (!isRecord(rule)) return;
      const destinations = (Array.isArray(rule.route) ? rule.route : [])
        .map((r: unknown) =>
          isRecord(r) && isRecord(r.destination) && typeof r.destination.host === 'string' ? resolveHost(r.destination.host, vs.namespace) : undefined,
        )
        .filter((h: string | undefined): h is string => h !== undefined);
      const viaGateway = destinations.find((h: string) => gatewayBehindHost(index, settings, h) !== undefined);
      const policyOnly = viaGateway === undefined && destinations.every((h: string) => hosts.some((own) => hostSubsetOf(h, own)));
      for (const t of targetsOf(vs, i, rule)) {
        let found: { state: Omit<State, 'viaGateway' | 'policyOnly' | 'anyPort'>; related: RelatedLocation[] } | undefined;
        if (t.gateways.includes(MESH_GATEWAY)) {
          for (const host of hosts) {
            const ports = serviceEntriesFor(index, host, vs.namespace).flatMap((se) =>
              (Array.isArray(se.spec.ports) ? se.spec.ports : [])
                .filter((p: unknown) => isRecord(p) && typeof p.number === 'number')
                .map((p: Record<string, any>) => ({
                  se,
                  number: p.number as number,
                  protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : '',
                })),
            );
            const at = t.port === undefined ? ports : ports.filter((p) => p.number === t.port);
            if (at.length === 0 || !at.every((p) => PLAIN_TCP_PROTOCOLS.has(p.protocol))) continue;
            found = {
              state: { where: 'service-entry', port: t.port ?? at[0].number, host, resource: at[0].se.name, protocol: at[0].protocol },
              related: nameRelated(at[0].se, 'ServiceEntry defined here'),
            };
            break;
          }
        }
        for (const { ref, gateway } of found ? [] : resolveGatewayRefs(index, vs, t.gateways)) {
          const servers = gatewayServers(gateway).filter(
            (s) =>
              s.port !== undefined &&
              (t.port === undefined || s.port === t.port) &&
              s.hosts.some((e) => hosts.some((h) => serverHostAdmits(e, h, vs.namespace, gateway.namespace))),
          );
          if (servers.length === 0 || !servers.every((s) => PLAIN_TCP_PROTOCOLS.has(s.protocol))) continue;
          const host = hosts.find((h) => servers[0].hosts.some((e) => serverHostAdmits(e, h, vs.namespace, gateway.namespace))) ?? hosts[0];
          found = {
            state: { where: 'gateway', port: t.port ?? servers[0].port!, host, resource: ref, protocol: servers[0].protocol },
            related: nameRelated(gateway, 'Gateway defined here'),
          };
          break;
        }
        if (!found) continue;
        const span = spanAtPath(vs.document.ast, t.anchor, t.anchorPrefer);
        if (!span || seen.has(`${span.start}:${span.end}`)) continue;
        seen.add(`${span.start}:${span.end}`);
        const coveredByTcp = tcpRuleCovers(vs, t.port, t.gateways);
        const soft = (found.state.where === 'service-entry' && policyOnly) || coveredByTcp;
        const state: State = {
          ...found.state,
          ...(coveredByTcp ? { coveredByTcp: true } : {}),
          ...(t.port === undefined ? { anyPort: true } : {}),
          ...(viaGateway !== undefined && found.state.where === 'service-entry' ? { viaGateway } : {}),
          ...(soft ? { policyOnly: true } : {}),
        };
        hits.push({ ...span, state, related: found.related, ...(soft ? { severity: 'warning' as const } : {}) });
      }
    });
    yield* hits.sort((a, b) => a.start - b.start);
  },
  message: (s) => {
    const port = s.anyPort ? `every port of ${s.host}` : `port ${s.port} of ${s.host}`;
    if (s.coveredByTcp)
      return (
        `${s.where === 'gateway' ? `Gateway "${s.resource}" serves` : `ServiceEntry "${s.resource}" declares`} ${port} as ` +
        `${s.protocol}, so this http rule is never applied; the tcp rules of this VirtualService carry that traffic. ` +
        'Remove this rule, or move what it adds to the tcp rules.'
      );
    if (s.where === 'gateway')
      return (
        `Gateway "${s.resource}" serves ${s.anyPort ? `${s.host} on port ${s.port}` : port} as ` +
        `${s.protocol}, so it proxies that traffic as TCP and never applies http rules: ` +
        'this rule is ignored and the gateway has no route for it. Use a tcp rule, or make the server HTTP.'
      );
    const effect = s.viaGateway
      ? `mesh traffic goes straight out instead of through "${s.viaGateway}"`
      : s.policyOnly
        ? 'the traffic still flows, but without this rule'
        : 'the traffic does not go where the rule sends it';
    return (
      `ServiceEntry "${s.resource}" declares ${port} as ${s.protocol}, so sidecars proxy it as TCP and never apply ` +
      `http rules: this rule is ignored and ${effect}. Declare the port as HTTP (or leave the protocol out) ` +
      'if the traffic is plain HTTP, or use a tcp rule.'
    );
  },
};

/**
 * A VirtualService rule's protocol does not match the traffic on its port, so Istio ignores the rule:
 * - an `http` rule for a port the host's ServiceEntry declares `HTTPS` or `TLS`: the sidecar passes that
 *   traffic through as TLS and cannot read HTTP inside it, so the rule never applies and the traffic
 *   goes straight out (or is blocked) instead of where the rule sends it;
 * - an `http` rule for a Gateway port whose server passes TLS through (`tls.mode: PASSTHROUGH`): the
 *   gateway never decrypts it, finds no `tls` route and resets the connection;
 * - a `tls` rule for a port that is HTTP on the ServiceEntry or on the Gateway server: the proxy
 *   routes it as HTTP and `tls` rules never apply.
 * Route TLS with a `tls` rule matching `sniHosts`, and plain HTTP with an `http` rule. When every
 * `http` rule of the VirtualService is affected and uses nothing HTTP-specific (only `match` gateways,
 * ports and sources, and `route` destinations and weights), the quick fix renames the `http` section
 * to `tls` and adds the VirtualService's hosts as `sniHosts` to every match.
 * Sending plain HTTP to an HTTPS gateway server in `ISTIO_MUTUAL` mode (TLS origination at the egress
 * gateway), and an HTTP ServiceEntry port with a TLS `targetPort` (TLS origination at the sidecar),
 * are valid and not reported. A rule that only adds policy (timeouts, retries) to the host itself
 * is a warning: the traffic still flows, without the policy.
 */
import { istioNetworking, type Analyzer, type Hit } from './analyzer';
import type { RelatedLocation, TextEdit } from '../model';
import type { Settings } from '../settings';
import type { IndexReader } from '../index/workspace-index';
import type { Resource } from '../parse/resource';
import { nodeAtPath, spanAtPath, type YamlPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { resolveHost } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { boundGateways, isEgressGatewayHost, MESH_GATEWAY, resolveGatewayRefs } from '../mesh/gateways';
import { gatewayServers, type GatewayServer, HTTP_PROTOCOLS, isPassthroughServer, serverHostAdmits, TLS_PROTOCOLS } from '../mesh/gateway-servers';
import { serviceEntriesFor } from '../mesh/registry';
import { insertMapEntry } from '../edits/yaml-edits';
import { isMap, isSeq } from 'yaml';
import { isRecord } from '../data';

type Variant = 'http-on-tls-port' | 'http-on-passthrough' | 'tls-on-http-port' | 'tls-on-http-server';

interface State {
  variant: Variant;
  port?: number;
  /** The host whose ServiceEntry port disagrees (ServiceEntry variants). */
  host?: string;
  /** The ServiceEntry name or the gateway reference. */
  resource: string;
  protocol: string;
  mode?: string;
  /** True when the rule names no port, so every port of the host was considered. */
  anyPort?: boolean;
  /** True when the rule only adds policy to its own hosts: ignoring it keeps the traffic flowing. */
  policyOnly?: boolean;
  /** Set on one finding per VirtualService when the whole http section can become a tls section. */
  convert?: { hosts: string[] };
}

function nameRelated(r: Resource, message: string): RelatedLocation[] {
  const span = nameSpanOf(r.document);
  return span ? [{ uri: r.uri, ...span, message }] : [];
}

/** A match of one rule, with the port and gateways it restricts the rule to. */
interface Target {
  port?: number;
  gateways: string[];
  anchor: YamlPath;
  anchorPrefer: 'key' | 'value';
}

function targetsOf(vs: Resource, protocol: string, i: number, rule: Record<string, any>): Target[] {
  const matches: unknown[] = Array.isArray(rule.match) ? rule.match : [];
  const vsGateways = boundGateways(vs);
  const noPort = { anchor: ['spec', protocol, i, 'route'], anchorPrefer: 'key' as const };
  if (matches.length === 0) return [{ gateways: vsGateways, ...noPort }];
  return matches.map((m, j) => {
    const gateways = isRecord(m) && Array.isArray(m.gateways) && m.gateways.length > 0 ? m.gateways.map(String) : vsGateways;
    if (isRecord(m) && typeof m.port === 'number')
      return { port: m.port, gateways, anchor: ['spec', protocol, i, 'match', j, 'port'], anchorPrefer: 'value' as const };
    return { gateways, ...noPort };
  });
}

const RULE_KEYS = new Set(['match', 'route']);
const MATCH_KEYS = new Set(['gateways', 'port', 'sourceLabels', 'sourceNamespace']);
const ROUTE_KEYS = new Set(['destination', 'weight']);
const onlyKeys = (v: unknown, allowed: ReadonlySet<string>) => isRecord(v) && Object.keys(v).every((k) => allowed.has(k));

/** An http rule that reads the same as a tls rule: no HTTP-only matching, rewriting or policy. */
function isSimpleHttpRule(rule: unknown): boolean {
  if (!onlyKeys(rule, RULE_KEYS)) return false;
  const r = rule as Record<string, any>;
  if (r.match !== undefined && !(Array.isArray(r.match) && r.match.every((m: unknown) => onlyKeys(m, MATCH_KEYS)))) return false;
  return Array.isArray(r.route) && r.route.length > 0 && r.route.every((d: unknown) => onlyKeys(d, ROUTE_KEYS));
}

/** Whether a rule sends traffic somewhere other than its own hosts (the egress gateway, another host), so ignoring it changes where traffic goes. */
function routesElsewhere(vs: Resource, rule: Record<string, any>, hosts: string[], settings: Settings, index: IndexReader): boolean {
  const routes: unknown[] = Array.isArray(rule.route) ? rule.route : [];
  return routes.some((r) => {
    const host = isRecord(r) && isRecord(r.destination) && typeof r.destination.host === 'string' ? resolveHost(r.destination.host, vs.namespace) : undefined;
    return host !== undefined && (isEgressGatewayHost(host, settings, index) || !hosts.some((h) => hostSubsetOf(host, h)));
  });
}

export const vsProtocolMismatch: Analyzer<State> = {
  code: 'vs-protocol-mismatch',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['ServiceEntry', 'Gateway', 'IstioOperator', 'ConfigMap'],
  *check(vs, { index, settings }) {
    const rawHosts = (Array.isArray(vs.spec.hosts) ? vs.spec.hosts : []).filter((h): h is string => typeof h === 'string' && h.trim() !== '');
    const hosts = rawHosts.map((h) => resolveHost(h, vs.namespace));
    type Found = { state: State; related: RelatedLocation[]; gateway: boolean };

    const serviceEntryMismatch = (protocol: 'http' | 'tls', t: Target): Found | undefined => {
      for (const host of hosts) {
        const ports = serviceEntriesFor(index, host, vs.namespace).flatMap((se) =>
          (Array.isArray(se.spec.ports) ? se.spec.ports : [])
            .filter((p: unknown) => isRecord(p) && typeof p.number === 'number')
            .map((p: Record<string, any>) => ({ se, number: p.number as number, protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : '' })),
        );
        const at = t.port === undefined ? ports : ports.filter((p) => p.number === t.port);
        const wrong = protocol === 'http' ? TLS_PROTOCOLS : HTTP_PROTOCOLS;
        if (at.length === 0 || !at.every((p) => wrong.has(p.protocol))) continue;
        const p = at[0];
        const variant: Variant = protocol === 'http' ? 'http-on-tls-port' : 'tls-on-http-port';
        return {
          state: { variant, port: t.port ?? p.number, host, resource: p.se.name, protocol: p.protocol },
          related: nameRelated(p.se, 'ServiceEntry defined here'),
          gateway: false,
        };
      }
      return undefined;
    };

    const gatewayMismatch = (protocol: 'http' | 'tls', t: Target): Found | undefined => {
      for (const { ref, gateway } of resolveGatewayRefs(index, vs, t.gateways)) {
        const servers = gatewayServers(gateway).filter(
          (s) => (t.port === undefined || s.port === t.port) && s.hosts.some((e) => hosts.some((h) => serverHostAdmits(e, h, vs.namespace, gateway.namespace))),
        );
        if (servers.length === 0) continue;
        // The Gateway's syntax tree is read only for a finding: it may have to be parsed again.
        const related = () => nameRelated(gateway, 'Gateway defined here');
        const [s] = servers;
        if (protocol === 'http' && servers.every(isPassthroughServer)) {
          return {
            state: { variant: 'http-on-passthrough', port: t.port ?? s.port, resource: ref, protocol: s.protocol, mode: s.tlsMode },
            related: related(),
            gateway: true,
          };
        }
        // An HTTP server with an explicit passthrough mode is gateway-passthrough-http's finding.
        const plainHttp = (x: GatewayServer) =>
          HTTP_PROTOCOLS.has(x.protocol) && !(x.tlsModeExplicit && (x.tlsMode === 'PASSTHROUGH' || x.tlsMode === 'AUTO_PASSTHROUGH'));
        if (protocol === 'tls' && servers.every(plainHttp)) {
          return { state: { variant: 'tls-on-http-server', port: t.port ?? s.port, resource: ref, protocol: s.protocol }, related: related(), gateway: true };
        }
      }
      return undefined;
    };

    const hits = new Map<string, Hit<State>>();
    /** Per http rule: whether every one of its matches is on a port where http rules are ignored. */
    const httpRuleAllFlagged: boolean[] = [];
    for (const protocol of ['http', 'tls'] as const) {
      const rules: unknown[] = Array.isArray(vs.spec[protocol]) ? vs.spec[protocol] : [];
      rules.forEach((rule, i) => {
        if (!isRecord(rule)) return;
        let all = true;
        const severity = routesElsewhere(vs, rule, hosts, settings, index) ? undefined : ('warning' as const);
        for (const t of targetsOf(vs, protocol, i, rule)) {
          const found = (t.gateways.includes(MESH_GATEWAY) ? serviceEntryMismatch(protocol, t) : undefined) ?? gatewayMismatch(protocol, t);
          if (!found) {
            all = false;
            continue;
          }
          const span = spanAtPath(vs.document.ast, t.anchor, t.anchorPrefer);
          if (!span || hits.has(`${span.start}:${span.end}`)) continue;
          const policyOnly = !found.gateway && severity !== undefined;
          const state: State = { ...found.state, ...(t.port === undefined ? { anyPort: true } : {}), ...(policyOnly ? { policyOnly } : {}) };
          hits.set(`${span.start}:${span.end}`, { ...span, state, related: found.related, severity: policyOnly ? severity : undefined });
        }
        if (protocol === 'http') httpRuleAllFlagged.push(all);
      });
    }
    const ordered = [...hits.values()].sort((a, b) => a.start - b.start);
    const httpRules: unknown[] = Array.isArray(vs.spec.http) ? vs.spec.http : [];
    const convertible =
      vs.spec.tls === undefined &&
      httpRules.length > 0 &&
      httpRuleAllFlagged.length === httpRules.length &&
      httpRuleAllFlagged.every(Boolean) &&
      httpRules.every(isSimpleHttpRule);
    const first = ordered.find((h) => h.state.variant === 'http-on-tls-port' || h.state.variant === 'http-on-passthrough');
    if (convertible && first && rawHosts.length > 0) first.state = { ...first.state, convert: { hosts: rawHosts } };
    yield* ordered;
  },
  message: (s) => {
    const port = s.port === undefined ? '' : ` ${s.port}`;
    const onPort = s.anyPort
      ? `has no port, and ServiceEntry "${s.resource}" declares every port of ${s.host} as`
      : `is for port${port}, which ServiceEntry "${s.resource}" declares as`;
    const effect = s.policyOnly ? 'the traffic still flows, but without this rule' : 'the traffic does not go where the rule sends it';
    switch (s.variant) {
      case 'http-on-tls-port':
        return (
          `This http rule ${onPort} ${s.protocol}${s.anyPort ? '' : ` for ${s.host}`}: ` +
          'the sidecar passes that traffic through as TLS and cannot read HTTP inside it, so the rule is ignored and ' +
          `${effect}. ${
            s.policyOnly
              ? 'HTTP settings cannot apply to TLS: remove the rule, or have the app send plain ' + 'HTTP and originate TLS in the mesh.'
              : 'Use a tls rule matching sniHosts.'
          }`
        );
      case 'http-on-passthrough':
        return (
          `Gateway "${s.resource}" passes TLS through unopened on port${port} (tls.mode ` +
          `${s.mode}), so it cannot read HTTP there: this http rule is ignored and the gateway resets the connections. ` +
          'Use a tls rule matching sniHosts.'
        );
      case 'tls-on-http-port':
        return (
          `This tls rule ${onPort} ${s.protocol}${s.anyPort ? '' : ` for ${s.host}`}: ` +
          `the sidecar routes that traffic as HTTP, so the rule is ignored and ${effect}. ` +
          'Use an http rule, or declare the port as TLS.'
        );
      case 'tls-on-http-server':
        return (
          `Gateway "${s.resource}" serves port${port} as plain ${s.protocol}, so tls rules for it are ignored there. ` +
          'Use an http rule, or make the server TLS (protocol TLS with tls.mode PASSTHROUGH).'
        );
    }
  },
  fix: (s, { file, span }) => {
    if (!s.convert) return [];
    const doc = file.documents.find((d) => d.start <= span.start && span.end <= d.end);
    if (!doc || nodeAtPath(doc.ast, ['spec', 'tls'])) return [];
    const http = nodeAtPath(doc.ast, ['spec', 'http']);
    const keyRange = http?.key?.range;
    if (!keyRange || !isSeq(http.value)) return [];
    const edits: TextEdit[] = [{ start: keyRange[0], end: keyRange[1], newText: 'tls' }];
    const scalar = (h: string) => (/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(h) ? h : JSON.stringify(h));
    const block = s.convert.hosts.map((h) => `- ${scalar(h)}`).join('\n');
    const flow = `[${s.convert.hosts.map(scalar).join(', ')}]`;
    for (let i = 0; i < http.value.items.length; i++) {
      const match = nodeAtPath(doc.ast, ['spec', 'http', i, 'match'])?.value;
      if (isSeq(match) && match.items.length === 0) return [];
      const edit = isSeq(match)
        ? match.items.map((m, j) => insertMapEntry(file.text, doc.ast, ['spec', 'http', i, 'match', j], 'sniHosts', isMap(m) && m.flow ? flow : block))
        : [insertMapEntry(file.text, doc.ast, ['spec', 'http', i], 'match', `- sniHosts:\n${block.replace(/^/gm, '  ')}`)];
      if (edit.some((e) => !e)) return [];
      edits.push(...(edit as TextEdit[]));
    }
    return [{ title: 'Rewrite the http rules as tls rules matching sniHosts', isPreferred: true, edits }];
  },
};

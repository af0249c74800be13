/**
 * The sidecar-to-egress-gateway leg does not speak the TLS the gateway server expects:
 * - the Gateway server for the port is `HTTPS`/`TLS` with `tls.mode: ISTIO_MUTUAL`, but the
 *   DestinationRule for the egress gateway (the subset the route uses, its `portLevelSettings` for the
 *   destination port, or the top-level `trafficPolicy`) does not set `tls.mode: ISTIO_MUTUAL`: the
 *   sidecar sends plain text and the gateway resets the connection (503, `connection reset`);
 * - the reverse: the DestinationRule originates `ISTIO_MUTUAL` to a server that expects plain HTTP or
 *   passes TLS through, which cannot accept the mesh's mutual TLS;
 * - the gateway picks an `ISTIO_MUTUAL` server by SNI, so the DestinationRule's `tls.sni` must be a
 *   host the server lists: with no `sni`, or one the server does not list, connections are reset;
 *   an `sni` the server accepts but that differs from the VirtualService's host is a warning. (When the
 *   workspace has EnvoyFilters, which can rewrite the SNI, a missing or unlisted `sni` is not reported.)
 * Settings are merged as Istio does: port-level over subset over top-level, keyed on the destination
 * port number. The egress gateway is the one of the settings or a Service of the workspace whose pods an
 * Istio Gateway selects; gateway pods carry no `security.istio.io/tlsMode` label, so automatic mutual TLS
 * never applies to them and only a DestinationRule's `ISTIO_MUTUAL` does.
 * Quick fixes set `mode: ISTIO_MUTUAL` and `sni` in the DestinationRule when it is in the same file as the VirtualService.
 */
import { istioNetworking, type Analyzer, type FixContext } from './analyzer';
import type { Fix, RelatedLocation, TextEdit } from '../model';
import { type Resource } from '../parse/resource';
import { nodeAtPath, spanAtPath, type YamlPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { isWildcard, resolveHost } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { routeDestinations, ruleGateways } from '../mesh/routes';
import { egressGatewaysOf, isEgressGatewayHost, MESH_GATEWAY, type ResolvedGateway } from '../mesh/gateways';
import { gatewayServers, HTTP_PROTOCOLS, serverHostAdmits, TLS_PROTOCOLS, type GatewayServer } from '../mesh/gateway-servers';
import { insertMapEntry, replaceScalar } from '../edits/yaml-edits';
import { effectiveDestinationRule } from '../mesh/destination-rules';
import { clientTls } from '../mesh/client-tls';
import { MESH_CONFIG_KINDS } from '../mesh/root-namespace';
import { WORKLOAD_KINDS } from '../mesh/workloads';
import { isMap, isScalar } from 'yaml';

type Kind = 'needs-istio-mutual' | 'unexpected-istio-mutual' | 'sni-missing' | 'sni-not-served' | 'sni-mismatch';

/** How to repair the DestinationRule, when it sits in the same file as the VirtualService. */
interface DrEdit {
  docIndex: number;
  /** The `tls` map in effect, when there is one. */
  tlsPath?: YamlPath;
  /** The `trafficPolicy` to add a `tls` map to otherwise. */
  policyPath: YamlPath;
  setMode: boolean;
  sni?: string;
}

interface State {
  kind: Kind;
  gateway: string;
  port: number;
  serverProtocol: string;
  serverMode?: string;
  serverHosts: string[];
  clientMode: string;
  /** True when the DestinationRule writes the mode (an explicit DISABLE, say). */
  clientModeWritten: boolean;
  dr?: string;
  sni?: string;
  /** The external host the route is for, when the VirtualService names exactly one. */
  host?: string;
  edit?: DrEdit;
}

type Expectation = 'istio-mutual' | 'plain' | 'passthrough';

function expectation(s: GatewayServer): Expectation | undefined {
  if (TLS_PROTOCOLS.has(s.protocol) && s.tlsMode === 'ISTIO_MUTUAL') return 'istio-mutual';
  if (TLS_PROTOCOLS.has(s.protocol) && s.tlsMode === 'PASSTHROUGH') return 'passthrough';
  if (HTTP_PROTOCOLS.has(s.protocol)) return 'plain';
  return undefined;
}

/** The host part of a server `hosts` entry, which is what the gateway matches SNI against. */
const sniPattern = (entry: string) => entry.slice(entry.indexOf('/') + 1).toLowerCase();

function nameRelated(r: Resource, message: string, path?: YamlPath): RelatedLocation[] {
  const span = path ? spanAtPath(r.document.ast, path) : nameSpanOf(r.document);
  return span ? [{ uri: r.uri, ...span, message }] : [];
}

export const egressMtlsMismatch: Analyzer<State> = {
  code: 'egress-mtls-mismatch',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['Gateway', 'DestinationRule', 'EnvoyFilter', 'Service', 'ServiceEntry', ...MESH_CONFIG_KINDS, ...WORKLOAD_KINDS],
  *check(vs, { index, settings }) {
    const rawHosts = (Array.isArray(vs.spec.hosts) ? vs.spec.hosts : []).filter((h): h is string => typeof h === 'string' && h.trim() !== '');
    const hosts = rawHosts.map((h) => resolveHost(h, vs.namespace));
    const single = hosts.length === 1 && !isWildcard(hosts[0]) ? hosts[0] : undefined;
    const edited = new Set<string>();
    // The routes of a VirtualService often go to one egress gateway (several subsets or ports): whether a
    // host is one, and the Gateways its rules run on there, are asked once per host.
    const egressHosts = new Map<string, boolean>();
    const gatewaysByHost = new Map<string, ResolvedGateway[]>();
    const isEgress = (host: string) => {
      let egress = egressHosts.get(host);
      if (egress === undefined) egressHosts.set(host, (egress = isEgressGatewayHost(host, settings, index)));
      return egress;
    };
    const gatewaysFor = (host: string) => {
      let gateways = gatewaysByHost.get(host);
      if (!gateways) gatewaysByHost.set(host, (gateways = egressGatewaysOf(index, vs, settings, host)));
      return gateways;
    };
    for (const d of routeDestinations(vs)) {
      if (d.mirror || !ruleGateways(vs, d).includes(MESH_GATEWAY) || !isEgress(d.host)) continue;
      const port = d.port ?? (d.matchPorts.length === 1 ? d.matchPorts[0] : undefined);
      if (port === undefined) continue;
      const gateways = gatewaysFor(d.host);
      const onPort = gateways.flatMap((g) =>
        gatewayServers(g.gateway)
          .filter((s) => s.port === port)
          .map((server) => ({ ...g, server })),
      );
      const admitting = onPort.filter(({ server, gateway }) =>
        server.hosts.some((e) => hosts.some((h) => serverHostAdmits(e, h, vs.namespace, gateway.namespace))),
      );
      const servers = admitting.length > 0 ? admitting : onPort;
      const expected = new Set(servers.map((s) => expectation(s.server)));
      if (servers.length === 0 || expected.size !== 1 || expected.has(undefined)) continue;
      const expect = [...expected][0] as Expectation;

      // The sidecars of the VirtualService's namespace run this mesh rule and look the gateway's
      // DestinationRule up from there (push_context.go destinationRule); Istio merges the rules of
      // the namespace that wins, so the subset and the TLS may come from different rules.
      const client = clientTls(effectiveDestinationRule(index, vs.namespace, d.host), d.subset, port);
      if (!client) continue; // an unknown subset is another analyzer's finding
      const dr = client.rule;

      const { ref, gateway, server } = servers[0];
      const serverHosts = [...new Set(servers.flatMap((s) => s.server.hosts))];
      const base = {
        gateway: ref,
        port,
        serverProtocol: server.protocol,
        serverMode: server.tlsMode,
        serverHosts,
        clientMode: client.mode,
        clientModeWritten: client.modeWritten,
        dr: dr?.name,
        sni: client.sni,
        host: single,
      };
      const plan = (setMode: boolean, sni: string | undefined): DrEdit | undefined => {
        if (!dr || dr.uri !== vs.uri) return undefined;
        const key = JSON.stringify([dr.docIndex, client.tlsPath ?? client.policyPath]);
        if (edited.has(key)) return undefined; // one fix per DestinationRule location, so "fix all" edits it once
        edited.add(key);
        return { docIndex: dr.docIndex, tlsPath: client.tlsPath, policyPath: client.policyPath, setMode, sni };
      };

      const sniServed = (sni: string) => serverHosts.some((e) => hostSubsetOf(sni.toLowerCase(), sniPattern(e)));
      // An EnvoyFilter can rewrite the SNI (the SNI-proxy setup forwards the app's own), so SNI checks stay quiet when there are any.
      const sniNeeded = !serverHosts.some((e) => sniPattern(e) === '*') && index.countOfKind('EnvoyFilter') === 0;
      let hit: { state: State; severity?: 'warning' } | undefined;
      if (expect === 'istio-mutual' && client.mode !== 'ISTIO_MUTUAL') {
        hit = { state: { ...base, kind: 'needs-istio-mutual', edit: plan(true, client.sni === undefined && sniNeeded ? single : undefined) } };
      } else if (expect !== 'istio-mutual' && client.mode === 'ISTIO_MUTUAL') {
        hit = { state: { ...base, kind: 'unexpected-istio-mutual' } };
      } else if (expect === 'istio-mutual' && client.sni === undefined && sniNeeded) {
        hit = { state: { ...base, kind: 'sni-missing', edit: plan(false, single) } };
      } else if (expect === 'istio-mutual' && client.sni !== undefined && sniNeeded && !sniServed(client.sni)) {
        hit = { state: { ...base, kind: 'sni-not-served', edit: single && sniServed(single) ? plan(false, single) : undefined } };
      } else if (expect === 'istio-mutual' && client.sni !== undefined && !hosts.some((h) => hostSubsetOf(client.sni!.toLowerCase(), h))) {
        hit = { state: { ...base, kind: 'sni-mismatch', edit: single ? plan(false, single) : undefined }, severity: 'warning' };
      }
      if (!hit) continue;
      // Syntax trees are read only for a finding: a tree may have to be parsed again.
      const anchor = spanAtPath(vs.document.ast, [...d.path, d.subset !== undefined ? 'subset' : 'host']);
      if (!anchor) continue;
      const related = [
        ...nameRelated(gateway, `Gateway "${ref}" server for port ${port}`, ['spec', 'servers', server.index, 'port']),
        ...(dr ? nameRelated(dr, client.tlsPath ? 'TLS settings in effect for this route' : 'DestinationRule for the egress gateway', client.tlsPath) : []),
      ];
      yield { ...anchor, ...hit, related };
    }
  },
  message: (s) => {
    const server = `Gateway "${s.gateway}" port ${s.port}`;
    const dr = s.dr ? `DestinationRule "${s.dr}"` : 'No DestinationRule';
    switch (s.kind) {
      case 'needs-istio-mutual':
        return (
          `${server} expects Istio mutual TLS (${s.serverProtocol}, tls.mode ISTIO_MUTUAL), but ` +
          (s.dr
            ? `${dr} sets ${s.clientModeWritten ? `tls.mode ${s.clientMode}` : 'no tls.mode'}`
            : 'no DestinationRule for the egress gateway sets tls.mode') +
          ' for ' +
          'this route to the egress gateway, so the sidecar sends what the gateway cannot accept and the connection is ' +
          `reset (503). Set tls.mode: ISTIO_MUTUAL${s.host && !s.sni ? ` and sni: ${s.host}` : ''} for the subset or port.`
        );
      case 'unexpected-istio-mutual':
        return (
          `${dr} originates Istio mutual TLS to the egress gateway, but ` +
          `${server} ${s.serverMode === 'PASSTHROUGH' ? 'passes TLS through (tls.mode PASSTHROUGH)' : `expects plain ${s.serverProtocol}`}, ` +
          'so the connection fails. Remove tls.mode ISTIO_MUTUAL for this port, or make the server HTTPS with tls.mode ISTIO_MUTUAL.'
        );
      case 'sni-missing':
        return (
          `${dr} sets no tls.sni for this route, but ${server} picks its server by SNI among ` +
          `${s.serverHosts.map((h) => `"${h}"`).join(', ')}: the sidecar's default SNI matches none, ` +
          `so the gateway resets the connection. Set sni${s.host ? `: ${s.host}` : ' to the external host'}.`
        );
      case 'sni-not-served':
        return (
          `${dr} sets tls.sni "${s.sni}", which ${server} does not serve (its hosts are ` +
          `${s.serverHosts.map((h) => `"${h}"`).join(', ')}), so the gateway resets the connection. ` +
          `Set sni${s.host ? `: ${s.host}` : ' to the external host'}.`
        );
      case 'sni-mismatch':
        return (
          `${dr} sets tls.sni "${s.sni}", but this route is for ${s.host ? `"${s.host}"` : 'other hosts'}; ` +
          'the gateway accepts it, but the SNI does not name the host the traffic is for. ' +
          `Set sni${s.host ? `: ${s.host}` : ' to the external host'}.`
        );
    }
  },
  fix: (s, ctx) => {
    const edits = s.edit ? drEdits(s.edit, ctx) : undefined;
    if (!edits || edits.length === 0) return [];
    const title = s.edit!.setMode
      ? `Set tls.mode: ISTIO_MUTUAL${s.edit!.sni ? ` and sni: ${s.edit!.sni}` : ''} in DestinationRule "${s.dr}"`
      : `Set sni: ${s.edit!.sni} in DestinationRule "${s.dr}"`;
    return [{ title, isPreferred: true, edits }] satisfies Fix[];
  },
};

/** The edits that give the DestinationRule's `tls` map in effect the mode and sni the gateway expects. */
function drEdits(plan: DrEdit, { file }: FixContext): TextEdit[] | undefined {
  const doc = file.documents.find((d) => d.index === plan.docIndex);
  if (!doc || doc.resource?.kind !== 'DestinationRule') return undefined;
  const { ast } = doc;
  const text = file.text;
  if (plan.tlsPath && isMap(nodeAtPath(ast, plan.tlsPath)?.value)) {
    const replacements: TextEdit[] = [];
    const inserts: string[] = [];
    const set = (key: string, value: string) => {
      const node = nodeAtPath(ast, [...plan.tlsPath!, key])?.value;
      if (isScalar(node) && node.range) replacements.push(replaceScalar(text, { start: node.range[0], end: node.range[1] }, value));
      else inserts.push(key, value);
    };
    if (plan.setMode) set('mode', 'ISTIO_MUTUAL');
    if (plan.sni) set('sni', plan.sni);
    // Insertions into one map land at the same offset: join them into one edit, in order.
    let insert: TextEdit | undefined;
    for (let i = 0; i < inserts.length; i += 2) {
      const e = insertMapEntry(text, ast, plan.tlsPath, inserts[i], inserts[i + 1]);
      if (!e) return undefined;
      insert = insert ? { ...insert, newText: insert.newText + e.newText } : e;
    }
    return insert ? [...replacements, insert] : replacements;
  }
  const tls = [...(plan.setMode ? ['mode: ISTIO_MUTUAL'] : []), ...(plan.sni ? [`sni: ${plan.sni}`] : [])].join('\n');
  if (!tls) return undefined;
  const policy = nodeAtPath(ast, plan.policyPath)?.value;
  const e = isMap(policy)
    ? insertMapEntry(text, ast, plan.policyPath, 'tls', tls)
    : insertMapEntry(text, ast, plan.policyPath.slice(0, -1), 'trafficPolicy', `tls:\n${tls.replace(/^/gm, '  ')}`);
  return e ? [e] : undefined;
}

/**
 * A sidecar rule sends traffic to the egress gateway on a port where none of the Gateways this
 * VirtualService is bound to has a server. The egress gateway then has no listener for that port, or
 * one without this VirtualService's routes, so the connection is refused (503 `upstream connect
 * error`) or answered with 404, and the gateway-side rules never run. The port is the destination's
 * `port.number`, or the rule's match port when the destination has none. Send to a port a bound
 * Gateway listens on, or add a server for the port; when the bound Gateways listen on exactly one
 * port, the quick fix sends the traffic there. Only Istio Gateways that select the egress gateway's
 * pods count (every bound Gateway when none does). The egress gateway is the one of the
 * `istioEgress.egressGateway` settings, or a Service of the workspace whose pods an Istio Gateway selects.
 */
import { istioNetworking, type Analyzer, type Hit } from './analyzer';
import type { RelatedLocation } from '../model';
import { type Resource } from '../parse/resource';
import { spanAtPath, type YamlPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { routeDestinations, ruleGateways } from '../mesh/routes';
import { egressGatewaysOf, isEgressGatewayHost, MESH_GATEWAY } from '../mesh/gateways';
import { gatewayServers } from '../mesh/gateway-servers';
import { insertMapEntry, replaceScalar } from '../edits/yaml-edits';
import { WORKLOAD_KINDS } from '../mesh/workloads';

interface State {
  port: number;
  /** Ports the bound Gateways listen on, ascending. */
  listening: number[];
  gateways: string[];
  /** Where to add `port.number` when the destination has none (the fix is offered only then, and for a single match port). */
  destinationPath?: YamlPath;
  /** True when the finding sits on the destination's own port number. */
  onDestinationPort: boolean;
}

function nameRelated(r: Resource, message: string): RelatedLocation[] {
  const span = nameSpanOf(r.document);
  return span ? [{ uri: r.uri, ...span, message }] : [];
}

export const vsGatewayPortUnbound: Analyzer<State> = {
  code: 'vs-gateway-port-unbound',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['Gateway', 'Service', ...WORKLOAD_KINDS],
  *check(vs, { index, settings }) {
    for (const d of routeDestinations(vs)) {
      if (d.mirror || !ruleGateways(vs, d).includes(MESH_GATEWAY) || !isEgressGatewayHost(d.host, settings, index)) continue;
      const gateways = egressGatewaysOf(index, vs, settings, d.host);
      if (gateways.length === 0) return;
      const listening = [...new Set(gateways.flatMap((g) => gatewayServers(g.gateway).map((s) => s.port)).filter((p): p is number => p !== undefined))].sort(
        (a, b) => a - b,
      );
      const base = { listening, gateways: gateways.map((g) => g.ref) };
      // Read only for a finding: most routes have none, and another file's syntax tree may have to be parsed again.
      const bound = gateways;
      let relatedOnce: RelatedLocation[] | undefined;
      const related = () => (relatedOnce ??= bound.flatMap((g) => nameRelated(g.gateway, `Gateway "${g.ref}" defined here`)));
      const hits: Hit<State>[] = [];
      if (d.port !== undefined) {
        if (listening.includes(d.port)) continue;
        const span = spanAtPath(vs.document.ast, [...d.path, 'port', 'number']);
        if (span) hits.push({ ...span, state: { ...base, port: d.port, onDestinationPort: true }, related: related() });
      } else {
        const matches: unknown[] = Array.isArray(d.rule.match) ? d.rule.match : [];
        const single = d.matchPorts.length === 1;
        matches.forEach((m, j) => {
          const port = typeof m === 'object' && m !== null ? (m as Record<string, unknown>).port : undefined;
          if (typeof port !== 'number' || listening.includes(port)) return;
          const span = spanAtPath(vs.document.ast, ['spec', d.protocol, d.ruleIndex, 'match', j, 'port']);
          if (span)
            hits.push({ ...span, state: { ...base, port, onDestinationPort: false, destinationPath: single ? d.path : undefined }, related: related() });
        });
      }
      yield* hits;
    }
  },
  message: (s) => {
    const gateways = s.gateways.length === 1 ? `Gateway "${s.gateways[0]}" has` : `Gateways ${s.gateways.map((g) => `"${g}"`).join(', ')} have`;
    const ports = s.listening.length === 0 ? 'no port' : `${s.listening.length === 1 ? 'port' : 'ports'} ${s.listening.join(', ')}`;
    return (
      `This sidecar route sends to port ${s.port} of the egress gateway, but ${gateways} servers on ` +
      `${ports} only, so the gateway has no route for this traffic there ` +
      `(connection refused, 503, or 404). ${s.onDestinationPort ? 'Send it' : 'Set the destination port'} to a port ` +
      `the gateway listens on, or add a server for port ${s.port}.`
    );
  },
  fix: (s, { file, span }) => {
    if (s.listening.length !== 1) return [];
    const to = s.listening[0];
    const title = `Send to port ${to} of the egress gateway`;
    if (s.onDestinationPort) {
      if (file.text.slice(span.start, span.end).replace(/["']/g, '') !== String(s.port)) return [];
      return [{ title, isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, String(to))] }];
    }
    const doc = file.documents.find((d) => d.start <= span.start && span.end <= d.end);
    const edit = doc && s.destinationPath && insertMapEntry(file.text, doc.ast, s.destinationPath, 'port', `number: ${to}`);
    return edit ? [{ title, isPreferred: true, edits: [edit] }] : [];
  },
};

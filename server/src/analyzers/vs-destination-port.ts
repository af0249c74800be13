/**
 * A route destination names a port that the host's ServiceEntry (or Kubernetes Service) does not
 * declare, or names no port while the host declares several. In the first case Envoy has no
 * cluster for that port and requests on the route fail with 503 (a route with `weight: 0` takes no
 * requests until it is given weight, and the message says so); in the second Istio cannot tell
 * which port is meant.
 *
 * The port of a destination is a ServiceEntry `ports[].number` (a Service's `ports[].port`), never
 * a `targetPort`: for TLS origination the docs declare port 80 with `targetPort: 443` and route
 * to 80. The quick fix changes the port when exactly one declared port fits (the only port, the
 * port whose targetPort was written, or the only port of the rule's protocol), or adds the port
 * the rule's match selects. The egress gateway and other assumed hosts are not checked.
 * Overlaps istioctl IST0101 (host:port) and IST0112.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { type Resource } from '../parse/resource';
import { routeDestinations, type RouteProtocol } from '../mesh/routes';
import { HTTP_PROTOCOLS, TLS_PROTOCOLS } from '../mesh/gateway-servers';
import { registryLookup } from '../mesh/registry';
import { spanAtPath, type YamlPath } from '../parse/yaml-path';
import { insertMapEntry, replaceScalar } from '../edits/yaml-edits';
import { isRecord } from '../data';

interface DeclaredPort {
  number: number;
  protocol?: string;
  targetPort?: number;
}

interface State {
  host: string;
  /** The port written in the destination; undefined when it names none. */
  port?: number;
  /** Who declares the host's ports, e.g. `ServiceEntry "cnn"`. */
  declaredBy: string[];
  ports: DeclaredPort[];
  /** The declared port whose targetPort is the written port. */
  targetOf?: number;
  /** The port to write instead (or to add). */
  replacement?: number;
  /** Path of the destination mapping, where the fix adds `port`. */
  path: YamlPath;
  /** True when the route has `weight: 0`: no request takes it until it is given weight. */
  weightZero?: boolean;
}

/** The application protocol of a Service port, from `appProtocol` or Istio's port-name prefix convention. */
function serviceProtocol(p: Record<string, any>): string | undefined {
  const raw = typeof p.appProtocol === 'string' ? p.appProtocol : typeof p.name === 'string' ? p.name.split('-')[0] : undefined;
  return raw?.toUpperCase();
}

function declaredPorts(r: Resource): DeclaredPort[] {
  const ports = Array.isArray(r.spec.ports) ? r.spec.ports.filter(isRecord) : [];
  const out: DeclaredPort[] = [];
  for (const p of ports) {
    if (r.kind === 'ServiceEntry' && typeof p.number === 'number') {
      out.push({
        number: p.number,
        protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : undefined,
        ...(typeof p.targetPort === 'number' ? { targetPort: p.targetPort } : {}),
      });
    } else if (r.kind === 'Service' && typeof p.port === 'number') {
      out.push({ number: p.port, protocol: serviceProtocol(p), ...(typeof p.targetPort === 'number' ? { targetPort: p.targetPort } : {}) });
    }
  }
  return out;
}

/** Whether a port's protocol can carry a rule of this kind; TCP rules can take any port. */
function fitsRule(protocol: string | undefined, rule: RouteProtocol): boolean {
  if (rule === 'http') return protocol !== undefined && HTTP_PROTOCOLS.has(protocol);
  if (rule === 'tls') return protocol !== undefined && TLS_PROTOCOLS.has(protocol);
  return true;
}

const only = <T>(xs: T[]): T | undefined => (xs.length === 1 ? xs[0] : undefined);

/** What happens to requests on the route: none take a weight-0 route, so nothing fails yet. */
const failure = (s: State) =>
  s.weightZero
    ? 'The route has weight 0, so no request takes it yet; once it gets weight, its requests fail with 503.'
    : 'As written, requests on this route fail with 503.';

export const vsDestinationPort: Analyzer<State> = {
  code: 'vs-destination-port',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['ServiceEntry', 'Service', 'ConfigMap', 'IstioOperator'],
  *check(vs, { index, settings }) {
    for (const d of routeDestinations(vs)) {
      const entries = registryLookup(index, d.host, vs.namespace, settings);
      const owners = entries.flatMap((e) => (e.kind === 'assumed' ? [] : [e.resource]));
      // Unknown hosts are vs-unknown-host's; assumed ones (the egress gateway) have ports we cannot see.
      if (owners.length === 0) continue;
      const byNumber = new Map<number, DeclaredPort>();
      for (const p of owners.flatMap(declaredPorts)) if (!byNumber.has(p.number)) byNumber.set(p.number, p);
      const ports = [...byNumber.values()].sort((a, b) => a.number - b.number);
      if (ports.length === 0) continue;
      const state: State = { host: d.host, declaredBy: owners.map((r) => `${r.kind} "${r.name}"`), ports, path: d.path };
      const route = d.mirror ? undefined : d.rule.route?.[d.path[4] as number];
      if (isRecord(route) && route.weight === 0) state.weightZero = true;
      let span;
      if (d.port !== undefined) {
        if (byNumber.has(d.port)) continue;
        state.port = d.port;
        const target = only(ports.filter((p) => p.targetPort === d.port));
        if (target) state.targetOf = target.number;
        state.replacement = only(ports)?.number ?? state.targetOf ?? only(ports.filter((p) => fitsRule(p.protocol, d.protocol)))?.number;
        span = spanAtPath(vs.document.ast, [...d.path, 'port', 'number']);
      } else {
        if (ports.length < 2) continue;
        const selected = only(d.matchPorts);
        if (selected !== undefined && byNumber.has(selected)) state.replacement = selected;
        span = spanAtPath(vs.document.ast, d.path, 'key');
      }
      if (!span) continue;
      const related: RelatedLocation[] = [];
      for (const r of owners) {
        const at = spanAtPath(r.document.ast, ['spec', 'ports'], 'key');
        if (at) related.push({ uri: r.uri, ...at, message: `Ports of ${r.kind} "${r.name}"` });
      }
      yield { ...span, state, ...(related.length > 0 ? { related } : {}) };
    }
  },
  message: (s) => {
    const list = s.ports.map((p) => (p.protocol ? `${p.number} (${p.protocol})` : String(p.number))).join(', ');
    const who = s.declaredBy.join(' and ');
    if (s.port === undefined) {
      const add = s.replacement !== undefined ? ` The rule matches port ${s.replacement}: route to it.` : '';
      return `"${s.host}" has several ports (${who} declares ${list}) and this destination names none, so Istio cannot tell which one is meant.${add}`;
    }
    if (s.targetOf !== undefined) {
      return (
        `Port ${s.port} is a targetPort, not a port of "${s.host}": ${who} maps port ${s.targetOf} to it. ` +
        `A destination names the ServiceEntry port; route to ${s.targetOf}. ${failure(s)}`
      );
    }
    const change = s.replacement !== undefined ? ` Did you mean ${s.replacement}?` : '';
    return `Port ${s.port} is not a port of "${s.host}": ${who} declares ${list}. ${failure(s)}${change}`;
  },
  fix: (s, { file, span }) => {
    if (s.replacement === undefined) return [];
    const n = String(s.replacement);
    if (s.port !== undefined) return [{ title: `Change the port to ${n}`, isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, n)] }];
    const doc = file.documents.find((d) => span.start >= d.start && span.start <= d.end);
    const edit = doc && insertMapEntry(file.text, doc.ast, s.path, 'port', `number: ${n}`);
    return edit ? [{ title: `Route to port ${n}`, isPreferred: true, fixAllSafe: true, edits: [edit] }] : [];
  },
};

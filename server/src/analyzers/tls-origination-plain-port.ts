/**
 * A DestinationRule originates TLS (`tls.mode: SIMPLE` or `MUTUAL`) toward a ServiceEntry port declared
 * `HTTP` that has no `targetPort`, for an external host: the proxy opens a TLS handshake with the
 * server's plain-HTTP port (usually 80), which answers in plain text, and the request fails.
 * Istio's TLS origination task keeps the port the application calls (80, HTTP) and sends it to the
 * server's TLS port with `targetPort: 443`.
 * Only a `tls` block some proxy actually applies is judged: the rule must be the one a client or
 * gateway namespace looks up for the host (a rule in a third namespace, or one another namespace's
 * rule shadows, is used by nobody), and the block must be the TLS in effect for the port (a
 * port-level entry, or an earlier rule's `trafficPolicy` in the same namespace, replaces it).
 * The message names the namespaces whose proxies use the rule.
 * The quick fix adds `targetPort: 443` to the ServiceEntry port when the ServiceEntry is in the same
 * file; otherwise the message says which ServiceEntry to change.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { resolveHost } from '../mesh/hosts';
import type { IndexReader } from '../index/workspace-index';
import { ORIGINATING_TLS_MODES, tlsBlocks } from '../mesh/client-tls';
import { routeDestinations, ruleGateways } from '../mesh/routes';
import { MESH_GATEWAY } from '../mesh/gateways';
import { HTTP_PROTOCOLS } from '../mesh/gateway-servers';
import { WORKLOAD_KINDS } from '../mesh/workloads';
import { describeUsers, destinationRuleUsers, serviceEntriesSeenBy, usersOfTls } from '../mesh/destination-rule-users';
import { insertMapEntry } from '../edits/yaml-edits';
import { isRecord } from '../data';
import { MESH_CONFIG_KINDS } from '../mesh/root-namespace';

interface State {
  mode: string;
  host: string;
  port: number;
  protocol: string;
  serviceEntry: string;
  /** The file holding the ServiceEntry, when it is not the DestinationRule's. */
  otherFile?: string;
  seDocIndex: number;
  sePortIndex: number;
  /** The proxies that apply this `tls` to the port, in words (see destination-rule-users.ts). */
  usedBy?: string;
}

interface PlainPort {
  se: Resource;
  portIndex: number;
  protocol: string;
}

/** Whether the ServiceEntry sends `port` to another port of the server (`targetPort`, or an endpoint's port mapping). */
function remapped(se: Resource, port: Record<string, any>): boolean {
  if (typeof port.targetPort === 'number' && port.targetPort !== port.number) return true;
  const endpoints: unknown[] = Array.isArray(se.spec.endpoints) ? se.spec.endpoints : [];
  return endpoints.some(
    (e) => isRecord(e) && isRecord(e.ports) && typeof port.name === 'string' && typeof e.ports[port.name] === 'number' && e.ports[port.name] !== port.number,
  );
}

/**
 * Whether applications call `host` on `port` directly, expecting the server's plain-text port there.
 * Not when a rule sends another port to it on purpose (the older docs' pattern: port 80 rewritten to
 * an HTTP-declared 443), nor when a mesh rule intercepts the port and sends it elsewhere.
 */
function calledDirectly(index: IndexReader, host: string, port: number): boolean {
  let diverted = false;
  for (const vs of index.matchingHost('VirtualService', host)) {
    if (vs.group !== ISTIO_NETWORKING) continue;
    for (const d of routeDestinations(vs)) {
      if (d.mirror) continue;
      const toThisPort = d.host === host && (d.port === port || (d.port === undefined && d.matchPorts.includes(port)));
      if (toThisPort && d.port === port && d.matchPorts.length > 0 && !d.matchPorts.includes(port)) return false;
      if (!toThisPort && ruleGateways(vs, d).includes(MESH_GATEWAY) && d.matchPorts.includes(port)) diverted = true;
    }
  }
  return !diverted;
}

export const tlsOriginationPlainPort: Analyzer<State> = {
  code: 'tls-origination-plain-port',
  severity: 'error',
  appliesTo: istioNetworking('DestinationRule'),
  reads: ['ServiceEntry', 'VirtualService', 'DestinationRule', 'Service', 'Gateway', ...MESH_CONFIG_KINDS, ...WORKLOAD_KINDS],
  *check(dr, { index, settings }) {
    if (typeof dr.spec.host !== 'string') return;
    const blocks = tlsBlocks(dr).filter((b) => ORIGINATING_TLS_MODES.has(b.mode));
    if (blocks.length === 0) return;
    const host = resolveHost(dr.spec.host, dr.namespace);
    const users = destinationRuleUsers(index, settings, dr);
    if (users.length === 0) return;
    const plainPorts = new Map<number, PlainPort>();
    for (const se of serviceEntriesSeenBy(index, host, users)) {
      if ((se.spec.location ?? 'MESH_EXTERNAL') !== 'MESH_EXTERNAL') continue;
      const ports: unknown[] = Array.isArray(se.spec.ports) ? se.spec.ports : [];
      ports.forEach((p, portIndex) => {
        if (!isRecord(p) || typeof p.number !== 'number' || typeof p.protocol !== 'string') return;
        const protocol = p.protocol.toUpperCase();
        if (HTTP_PROTOCOLS.has(protocol) && !remapped(se, p) && !plainPorts.has(p.number)) plainPorts.set(p.number, { se, portIndex, protocol });
      });
    }
    if (plainPorts.size === 0) return;
    for (const b of blocks) {
      const candidates =
        b.port !== undefined ? [b.port].filter((p) => plainPorts.has(p)) : [...plainPorts.keys()].filter((p) => !b.overriddenPorts.includes(p));
      for (const port of candidates.sort((x, y) => x - y)) {
        const applying = usersOfTls(users, dr, b.path, port, b.subset);
        if (applying.length === 0 || !calledDirectly(index, host, port)) continue;
        const span = spanAtPath(dr.document.ast, [...b.path, 'mode']);
        if (!span) continue;
        const { se, portIndex, protocol } = plainPorts.get(port)!;
        const at = spanAtPath(se.document.ast, ['spec', 'ports', portIndex, 'number']);
        const related: RelatedLocation[] = at ? [{ uri: se.uri, ...at, message: `Port ${port} of ServiceEntry "${se.name}": ${protocol}, no targetPort` }] : [];
        const otherFile = se.uri === dr.uri ? undefined : se.uri.slice(se.uri.lastIndexOf('/') + 1);
        yield {
          ...span,
          related,
          state: {
            mode: b.mode,
            host,
            port,
            protocol,
            serviceEntry: se.name,
            otherFile,
            seDocIndex: se.docIndex,
            sePortIndex: portIndex,
            usedBy: describeUsers(applying),
          },
        };
      }
    }
  },
  message: (s) =>
    `This originates TLS (${s.mode}) to port ${s.port} of ${s.host}${s.usedBy ? ` for ${s.usedBy}` : ''}, ` +
    `which ServiceEntry "${s.serviceEntry}" declares ${s.protocol} with no targetPort: ` +
    "the server's plain-text port gets a TLS handshake and the request fails. Add targetPort: 443 to port " +
    `${s.port} of ServiceEntry "${s.serviceEntry}"${s.otherFile ? ` (in ${s.otherFile})` : ''}, ` +
    `so the application keeps calling port ${s.port} and the proxy connects to 443.`,
  fix: (s, { file }) => {
    if (s.otherFile) return [];
    const doc = file.documents.find((d) => d.index === s.seDocIndex);
    const se = doc?.resource;
    if (!doc || !se || se.kind !== 'ServiceEntry' || se.name !== s.serviceEntry) return [];
    const edit = insertMapEntry(file.text, doc.ast, ['spec', 'ports', s.sePortIndex], 'targetPort', '443');
    return edit ? [{ title: `Add targetPort: 443 to port ${s.port} of ServiceEntry "${s.serviceEntry}"`, isPreferred: true, edits: [edit] }] : [];
  },
};

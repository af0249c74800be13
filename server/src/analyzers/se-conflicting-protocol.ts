/**
 * Two ServiceEntries that are visible in a common namespace define the same host and port number with
 * different protocols (say `HTTP` in one and `TLS` in the other). Istio keeps only one of them for the
 * port, depending on creation order, so the traffic is handled as one protocol or the other: HTTP
 * routes, TLS origination or SNI routing silently stop applying.
 * Give the port one protocol: merge the ServiceEntries, or make them agree.
 * Overlaps istioctl IST0177 (ConflictingServiceEntryProtocol).
 */
import { namespaceOriginsNote } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { resolveHost } from '../mesh/hosts';
import { scopesOverlap } from '../mesh/export-to';
import { fileLabel } from '../index/versions';
import { isRecord } from '../data';

interface State {
  host: string;
  port: number;
  protocol: string;
  /** `TLS in ServiceEntry "name" (namespace)` for each conflicting declaration. */
  others: string[];
  /** Where the namespaces of the ServiceEntries listed come from when not written (see namespace-origin.ts). */
  origins?: string;
}

/** The ports of a ServiceEntry: number, upper-case protocol ('' when missing) and index. */
function portsOf(se: Resource): { number: number; protocol: string; index: number }[] {
  const ports: unknown[] = Array.isArray(se.spec.ports) ? se.spec.ports : [];
  return ports.flatMap((p, index) =>
    isRecord(p) && typeof p.number === 'number' ? [{ number: p.number, protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : '', index }] : [],
  );
}

export const seConflictingProtocol: Analyzer<State> = {
  code: 'se-conflicting-protocol',
  severity: 'warning',
  appliesTo: istioNetworking('ServiceEntry'),
  reads: ['ServiceEntry'],
  *check(se, { index }) {
    const own = portsOf(se);
    if (own.length === 0) return;
    const raw: unknown[] = Array.isArray(se.spec.hosts) ? se.spec.hosts : [];
    const hosts = [...new Set(raw.filter((h): h is string => typeof h === 'string').map((h) => resolveHost(h, se.namespace)))];
    for (const port of own) {
      const others: string[] = [];
      const related: RelatedLocation[] = [];
      let host = '';
      const listed: Resource[] = [];
      for (const h of hosts) {
        for (const other of index.withHost('ServiceEntry', h)) {
          if (other === se || other.group !== ISTIO_NETWORKING || (other.uri === se.uri && other.docIndex === se.docIndex) || !scopesOverlap(se, other))
            continue;
          for (const p of portsOf(other)) {
            if (p.number !== port.number || p.protocol === port.protocol) continue;
            host ||= h;
            others.push(`${p.protocol || 'without a protocol'} in ServiceEntry "${other.name}" (${other.namespace}, in ${fileLabel(se.uri, other.uri)})`);
            listed.push(other);
            const span = spanAtPath(other.document.ast, ['spec', 'ports', p.index, p.protocol ? 'protocol' : 'number']);
            if (span)
              related.push({
                uri: other.uri,
                ...span,
                message: `ServiceEntry "${other.name}" declares port ${p.number} of ${h} ${p.protocol ? `as ${p.protocol}` : 'without a protocol'}`,
              });
          }
        }
      }
      if (others.length === 0) continue;
      const span = spanAtPath(se.document.ast, ['spec', 'ports', port.index, port.protocol ? 'protocol' : 'number']);
      const origins = namespaceOriginsNote(listed, se.uri);
      const state: State = {
        host,
        port: port.number,
        protocol: port.protocol || 'without a protocol',
        others: [...new Set(others)],
        ...(origins ? { origins } : {}),
      };
      if (span) yield { ...span, related, state };
    }
  },
  message: (s) =>
    `Port ${s.port} of ${s.host} is ${s.protocol} here but ${s.others.join(' and ')}: ` +
    'Istio keeps one of them, by creation order, and handles the port as that protocol. ' +
    `Merge the ServiceEntries or give the port one protocol.${s.origins ?? ''}`,
};

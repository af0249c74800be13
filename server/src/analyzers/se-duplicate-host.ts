/**
 * The same host and port are defined twice: by two ServiceEntries visible in a common namespace with
 * the same protocol, or as a repeated host inside one ServiceEntry. Istio keeps one definition, by
 * creation order, so edits to the other (resolution, endpoints, exportTo) silently have no effect.
 * Keep one ServiceEntry per host and port. Different protocols for the same port are reported as
 * `se-conflicting-protocol` instead. Overlaps Kiali KIA1211.
 * Files that are never applied together (alternative steps of a tutorial) conflict only if they are:
 * give each its own mesh with the `istioEgress.clusters` setting, whose globs may name single files.
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

type State = { within: true; host: string } | { within: false; host: string; ports: number[]; others: string[]; origins?: string };

/** Port number to upper-case protocol. */
function portsOf(se: Resource): Map<number, string> {
  const ports: unknown[] = Array.isArray(se.spec.ports) ? se.spec.ports : [];
  const out = new Map<number, string>();
  for (const p of ports) if (isRecord(p) && typeof p.number === 'number') out.set(p.number, typeof p.protocol === 'string' ? p.protocol.toUpperCase() : '');
  return out;
}

export const seDuplicateHost: Analyzer<State> = {
  code: 'se-duplicate-host',
  severity: 'warning',
  appliesTo: istioNetworking('ServiceEntry'),
  reads: ['ServiceEntry'],
  *check(se, { index }) {
    const raw: unknown[] = Array.isArray(se.spec.hosts) ? se.spec.hosts : [];
    const own = portsOf(se);
    const seen = new Set<string>();
    for (let i = 0; i < raw.length; i++) {
      const written = raw[i];
      if (typeof written !== 'string' || written.trim() === '') continue;
      const host = resolveHost(written, se.namespace);
      // The syntax tree is read only for a finding: most hosts have none, and a tree may have to be parsed again.
      const spanOf = () => spanAtPath(se.document.ast, ['spec', 'hosts', i]);
      if (seen.has(host)) {
        const span = spanOf();
        if (span) yield { ...span, state: { within: true, host } };
        continue;
      }
      seen.add(host);
      if (own.size === 0) continue;
      const ports = new Set<number>();
      const others: string[] = [];
      const related: RelatedLocation[] = [];
      const listed: Resource[] = [];
      for (const other of index.withHost('ServiceEntry', host)) {
        if (other === se || other.group !== ISTIO_NETWORKING || (other.uri === se.uri && other.docIndex === se.docIndex) || !scopesOverlap(se, other)) continue;
        const same = [...portsOf(other)].filter(([n, protocol]) => own.get(n) === protocol).map(([n]) => n);
        if (same.length === 0) continue;
        for (const n of same) ports.add(n);
        others.push(`"${other.name}" (${other.namespace}, in ${fileLabel(se.uri, other.uri)})`);
        listed.push(other);
        const hostIndex = (Array.isArray(other.spec.hosts) ? other.spec.hosts : []).findIndex(
          (h: unknown) => typeof h === 'string' && resolveHost(h, other.namespace) === host,
        );
        const at = spanAtPath(other.document.ast, ['spec', 'hosts', Math.max(hostIndex, 0)]);
        if (at) related.push({ uri: other.uri, ...at, message: `ServiceEntry "${other.name}" also defines ${host}` });
      }
      const origins = namespaceOriginsNote(listed, se.uri);
      const span = others.length > 0 ? spanOf() : undefined;
      if (span) yield { ...span, related, state: { within: false, host, ports: [...ports].sort((a, b) => a - b), others, ...(origins ? { origins } : {}) } };
    }
  },
  message: (s) =>
    s.within
      ? `${s.host} is listed twice in this ServiceEntry; remove the repeated entry.`
      : `${s.host} port${s.ports.length === 1 ? '' : 's'} ${s.ports.join(', ')} ${s.ports.length === 1 ? 'is' : 'are'} also ` +
        `defined by ServiceEntry ${s.others.join(', ')}: Istio keeps one definition by creation order, ` +
        'and changes to the other have no effect. Keep one ServiceEntry for the host.' +
        `${s.origins ?? ''} If the files are alternatives applied one at a time (a tutorial's steps), ` +
        'make each its own mesh with istioEgress.clusters, whose globs may name files (`steps/*.yaml`).',
};

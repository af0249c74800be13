/**
 * The egress gateway forwards to a host whose ServiceEntry has `resolution: NONE` (or no `resolution`,
 * which means NONE). With NONE, a proxy sends each connection to the address the client originally
 * dialled; behind the egress gateway that address is the gateway's own Service IP, so the gateway
 * routes the traffic to itself in a loop and the request never leaves the cluster (Istio's egress
 * gateway task warns about exactly this).
 * Set `resolution: DNS` so the gateway resolves the host itself. Wildcard hosts are left alone: DNS
 * cannot resolve them, and the docs route them to a concrete host that has its own DNS ServiceEntry.
 * A gateway that does not see the ServiceEntry (its `exportTo`, else the mesh config's `defaultServiceExportTo`) does not use it.
 * The quick fix sets (or adds) `resolution: DNS`.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { spanAtPath } from '../parse/yaml-path';
import { isWildcard, resolveHost } from '../mesh/hosts';
import { egressGatewayRoutesTo } from '../mesh/routes';
import { isVisibleIn } from '../mesh/export-defaults';
import { gatewayPlacement } from '../mesh/gateways';
import { insertMapEntry, replaceScalar } from '../edits/yaml-edits';
import { MESH_CONFIG_KINDS } from '../mesh/root-namespace';
import { WORKLOAD_KINDS } from '../mesh/workloads';

interface State {
  hosts: string[];
  /** True when `resolution: NONE` is written; false when it is omitted. */
  written: boolean;
  docIndex: number;
  /** False when the ServiceEntry also has wildcard hosts, which DNS resolution would break. */
  fixable: boolean;
}

export const seResolutionNoneGateway: Analyzer<State> = {
  code: 'se-resolution-none-gateway',
  severity: 'error',
  appliesTo: istioNetworking('ServiceEntry'),
  reads: ['VirtualService', 'Gateway', 'Service', ...MESH_CONFIG_KINDS, ...WORKLOAD_KINDS],
  *check(se, { index, settings }) {
    const resolution = se.spec.resolution;
    if (resolution !== undefined && resolution !== 'NONE') return;
    // Endpoints (or workloads) give the proxy addresses of their own; resolution does not matter then.
    if (se.spec.workloadSelector !== undefined || (Array.isArray(se.spec.endpoints) && se.spec.endpoints.length > 0)) return;
    const raw: unknown[] = Array.isArray(se.spec.hosts) ? se.spec.hosts : [];
    const looping: { i: number; host: string }[] = [];
    const related: RelatedLocation[] = [];
    raw.forEach((h, i) => {
      if (typeof h !== 'string' || isWildcard(h.trim())) return;
      const host = resolveHost(h, se.namespace);
      // Only gateways whose proxies see this ServiceEntry (its exportTo, else the mesh config's default, from their pods' namespace) use it.
      const routes = egressGatewayRoutesTo(index, settings, host).filter((r) =>
        gatewayPlacement(index, settings, r.gateway).namespaces.some((ns) => isVisibleIn(index, se, ns)),
      );
      if (routes.length === 0) return;
      looping.push({ i, host });
      for (const r of routes) {
        const span = spanAtPath(r.vs.document.ast, [...r.route.path, 'host']);
        if (span) related.push({ uri: r.vs.uri, ...span, message: `The egress gateway forwards to ${host} here (VirtualService "${r.vs.name}")` });
      }
    });
    if (looping.length === 0) return;
    const span = resolution === 'NONE' ? spanAtPath(se.document.ast, ['spec', 'resolution']) : spanAtPath(se.document.ast, ['spec', 'hosts', looping[0].i]);
    if (!span) return;
    const fixable = !raw.some((h) => typeof h === 'string' && isWildcard(h.trim()));
    yield { ...span, related, state: { hosts: looping.map((l) => l.host), written: resolution === 'NONE', docIndex: se.docIndex, fixable } };
  },
  message: (s) =>
    `The egress gateway forwards to ${s.hosts.map((h) => `"${h}"`).join(', ')}, but this ServiceEntry's resolution ` +
    `is ${s.written ? 'NONE' : 'NONE (the default when omitted)'}: the gateway would send the traffic to the ` +
    'address the client dialled, its own, and loop. Set resolution: DNS.',
  fix: (s, { file, span }) => {
    if (!s.fixable) return [];
    if (s.written) return [{ title: 'Set resolution: DNS', isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, 'DNS')] }];
    const doc = file.documents.find((d) => d.index === s.docIndex);
    const edit = doc && insertMapEntry(file.text, doc.ast, ['spec'], 'resolution', 'DNS');
    return edit ? [{ title: 'Add resolution: DNS', isPreferred: true, fixAllSafe: true, edits: [edit] }] : [];
  },
};

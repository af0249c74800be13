/**
 * A VirtualService is bound to an Istio Gateway (`spec.gateways`) whose servers admit none, or only
 * some, of the VirtualService's hosts. When Istio builds the gateway's routes it keeps only the hosts
 * a server's `hosts` entries admit (`host`, `ns/host`, `./host`, `*`, `*.example.com`, with a
 * namespace part of any namespace or the VirtualService's own), so requests for the others reach the
 * gateway and get 404, or are not routed at all. Add the host to a server's `hosts`, or stop binding
 * the VirtualService to that gateway. Overlaps istioctl IST0132, which reports only when no host at
 * all matches. A VirtualService bound to `mesh` as well may list hosts meant only for the sidecars
 * beside the gateway's (Istio gives each side the hosts it admits), so then, like IST0132, only a
 * gateway that admits none of its hosts is reported. A gateway the workspace does not define is reported elsewhere.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { type Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { resolveHost } from '../mesh/hosts';
import { MESH_GATEWAY, resolveGatewayRefs } from '../mesh/gateways';
import { gatewayServers, serverHostAdmits } from '../mesh/gateway-servers';

interface State {
  gateway: string;
  /** The VirtualService hosts, as written, that no server admits. */
  hosts: string[];
  /** Every hosts entry of the Gateway's servers. */
  gatewayHosts: string[];
}

function nameRelated(r: Resource, message: string): RelatedLocation[] {
  const span = nameSpanOf(r.document);
  return span ? [{ uri: r.uri, ...span, message }] : [];
}

const quoteAll = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');

export const vsGatewayHostMismatch: Analyzer<State> = {
  code: 'vs-gateway-host-mismatch',
  severity: 'warning',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['Gateway'],
  *check(vs, { index }) {
    if (!Array.isArray(vs.spec.gateways)) return;
    const hosts = (Array.isArray(vs.spec.hosts) ? vs.spec.hosts : []).filter((h): h is string => typeof h === 'string' && h.trim() !== '');
    if (hosts.length === 0) return;
    const refs: unknown[] = vs.spec.gateways;
    // Follows istioctl's vsHostInGateway (pkg/config/analysis/analyzers/virtualservice/gateways.go) when the mesh is bound too.
    const alsoMesh = refs.includes(MESH_GATEWAY);
    for (let k = 0; k < refs.length; k++) {
      const ref = refs[k];
      if (typeof ref !== 'string') continue;
      const [resolved] = resolveGatewayRefs(index, vs, [ref]);
      if (!resolved) continue;
      const gw = resolved.gateway;
      const entries = gatewayServers(gw).flatMap((s) => s.hosts);
      if (entries.length === 0) continue;
      const missing = hosts.filter((h) => !entries.some((e) => serverHostAdmits(e, resolveHost(h, vs.namespace), vs.namespace, gw.namespace)));
      if (missing.length === 0 || (alsoMesh && missing.length < hosts.length)) continue;
      const span = spanAtPath(vs.document.ast, ['spec', 'gateways', k]);
      if (span)
        yield { ...span, state: { gateway: ref, hosts: missing, gatewayHosts: [...new Set(entries)] }, related: nameRelated(gw, 'Gateway defined here') };
    }
  },
  message: (s) =>
    `Gateway "${s.gateway}" does not admit ${s.hosts.length === 1 ? 'host' : 'hosts'} ${quoteAll(s.hosts)} (its servers list ${quoteAll(s.gatewayHosts)}), ` +
    `so Istio leaves ${s.hosts.length === 1 ? 'it' : 'them'} out of the gateway's routes and requests for ` +
    `${s.hosts.length === 1 ? 'it' : 'them'} get 404 there. ` +
    `Add ${s.hosts.length === 1 ? 'the host' : 'the hosts'} to a server's hosts, or remove the gateway from this VirtualService.`,
};

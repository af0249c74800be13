/**
 * The servers of an Istio Gateway as Envoy's listeners use them: each server's port, protocol and TLS
 * mode, whether a server's `hosts` entry admits a VirtualService host, and which protocols carry plain
 * HTTP or TLS. Where the Gateway's proxies run is decided in gateways.ts.
 */
import type { Resource } from '../parse/resource';
import { isWildcard } from './hosts';
import { hostSubsetOf } from './host-match';
import { isRecord } from '../data';

/** Whether a gateway server hosts entry (namespace/host, any-namespace, dot for the gateway namespace, wildcards) admits a VirtualService host. */
export function serverHostAdmits(entry: string, host: string, vsNamespace: string, gatewayNamespace: string): boolean {
  const slash = entry.indexOf('/');
  let ns = '*';
  let h = entry;
  if (slash >= 0) {
    ns = entry.slice(0, slash);
    h = entry.slice(slash + 1);
  }
  if (ns === '.') ns = gatewayNamespace;
  if (ns !== '*' && ns !== vsNamespace) return false;
  const pattern = h.toLowerCase();
  return hostSubsetOf(host, pattern) || (isWildcard(host) && hostSubsetOf(pattern, host));
}

/** Gateway server protocols whose listener speaks plain HTTP (routes come from `http` rules). */
export const HTTP_PROTOCOLS: ReadonlySet<string> = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

/** Server and ServiceEntry port protocols that carry TLS. */
export const TLS_PROTOCOLS: ReadonlySet<string> = new Set(['HTTPS', 'TLS']);

/** One server of an Istio Gateway, read defensively. */
export interface GatewayServer {
  index: number;
  port?: number;
  /** Upper-case; '' when missing. */
  protocol: string;
  /** Upper-case `tls.mode`; PASSTHROUGH (Istio's default) when a `tls` block omits it; undefined without a `tls` block. */
  tlsMode?: string;
  /** True when `tls.mode` is written. */
  tlsModeExplicit: boolean;
  httpsRedirect: boolean;
  hosts: readonly string[];
}

/** Each Gateway's servers, read once: most analyzers of a VirtualService read those of the Gateways it is bound to. */
const serversOf = new WeakMap<Resource, readonly GatewayServer[]>();

/** The servers of an Istio Gateway, in order. Shared between callers, so frozen. */
export function gatewayServers(gw: Resource): readonly GatewayServer[] {
  let servers = serversOf.get(gw);
  if (!servers) serversOf.set(gw, (servers = Object.freeze(readServers(gw))));
  return servers;
}

function readServers(gw: Resource): GatewayServer[] {
  const servers = Array.isArray(gw.spec.servers) ? gw.spec.servers : [];
  const out: GatewayServer[] = [];
  servers.forEach((s: unknown, index: number) => {
    if (!isRecord(s)) return;
    const port = isRecord(s.port) && typeof s.port.number === 'number' ? s.port.number : undefined;
    const protocol = isRecord(s.port) && typeof s.port.protocol === 'string' ? s.port.protocol.toUpperCase() : '';
    const tls = isRecord(s.tls) ? s.tls : undefined;
    const tlsModeExplicit = typeof tls?.mode === 'string';
    const tlsMode = tls ? (tlsModeExplicit ? String(tls.mode).toUpperCase() : 'PASSTHROUGH') : undefined;
    const hosts = Array.isArray(s.hosts) ? s.hosts.filter((h): h is string => typeof h === 'string') : [];
    out.push(Object.freeze({ index, port, protocol, tlsMode, tlsModeExplicit, httpsRedirect: tls?.httpsRedirect === true, hosts: Object.freeze(hosts) }));
  });
  return out;
}

/** Whether a Gateway server passes TLS through unopened (a TLS or HTTPS server in PASSTHROUGH or AUTO_PASSTHROUGH mode). */
export function isPassthroughServer(s: GatewayServer): boolean {
  return TLS_PROTOCOLS.has(s.protocol) && (s.tlsMode === 'PASSTHROUGH' || s.tlsMode === 'AUTO_PASSTHROUGH');
}

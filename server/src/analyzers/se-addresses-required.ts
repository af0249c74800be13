/**
 * A ServiceEntry port is plain TCP (protocol TCP, or none, which Istio treats as TCP when it cannot
 * sniff HTTP) and the entry has no `addresses`. Without an address, the sidecar has only the port to
 * match TCP traffic on, so it listens on `0.0.0.0:<port>`: every connection to that port, whatever its
 * destination, is taken as traffic for this entry, and two such entries on one port collide.
 * Add `addresses` (the external service's IPs or CIDR), or give the port its real protocol (HTTP, TLS,
 * HTTPS), where the host name or SNI tells destinations apart.
 *
 * Overlaps `istioctl analyze` IST0134, with the same exemptions: an address allocated in `status`, or
 * a mesh config with DNS capture plus auto-allocation (`ISTIO_META_DNS_CAPTURE` with
 * `ISTIO_META_DNS_AUTO_ALLOCATE` or `PILOT_ENABLE_IP_AUTOALLOCATE` in `defaultConfig.proxyMetadata`).
 * It is a warning for resolution NONE, where nothing allocates an address, and information for other
 * resolutions, where istiod's IP auto-allocation (on by default in recent Istio) usually supplies one.
 */
import { spanAtPath } from '../parse/yaml-path';
import { istioNetworking, type Analyzer } from './analyzer';
import type { IndexReader } from '../index/workspace-index';
import { isRecord, listOf } from './rules/rule-hits';

interface State {
  port: number | string;
  protocol?: string;
  resolution: string;
}

/** Whether some mesh config in the workspace turns on DNS capture with address auto-allocation. */
function meshAutoAllocates(index: IndexReader): boolean {
  for (const kind of ['IstioOperator', 'ConfigMap']) {
    for (const r of index.withTag(kind, 'mesh-config')) {
      const md = r.meshConfig?.value?.defaultConfig?.proxyMetadata;
      if (!isRecord(md)) continue;
      if (md.ISTIO_META_DNS_CAPTURE === 'true' && (md.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || md.PILOT_ENABLE_IP_AUTOALLOCATE === 'true')) return true;
    }
  }
  return false;
}

export const seAddressesRequired: Analyzer<State> = {
  code: 'se-addresses-required',
  severity: 'warning',
  appliesTo: istioNetworking('ServiceEntry'),
  reads: ['IstioOperator', 'ConfigMap'],
  *check(r, { index }) {
    const s = r.spec;
    if (listOf(s.addresses).length > 0) return;
    const status = isRecord(r.value.status) ? r.value.status : {};
    if (listOf(status.addresses).length > 0) return;
    const ports = listOf(s.ports)
      .map((p, i) => ({ p, i }))
      .filter(
        ({ p }) => isRecord(p) && (p.protocol === undefined || p.protocol === '' || (typeof p.protocol === 'string' && p.protocol.toUpperCase() === 'TCP')),
      );
    if (ports.length === 0 || meshAutoAllocates(index)) return;
    const resolution = typeof s.resolution === 'string' ? s.resolution : 'NONE';
    for (const { p, i } of ports) {
      const port = p as Record<string, any>;
      const span = spanAtPath(
        r.document.ast,
        ['spec', 'ports', i, typeof port.protocol === 'string' && port.protocol !== '' ? 'protocol' : 'name'],
        'value',
        true,
      );
      if (!span) continue;
      const state: State = { port: typeof port.number === 'number' ? port.number : String(port.name ?? i), resolution };
      if (typeof port.protocol === 'string' && port.protocol !== '') state.protocol = port.protocol;
      yield { ...span, state, severity: resolution === 'NONE' ? 'warning' : 'information' };
    }
  },
  message: (s) => {
    const what = s.protocol ? `is ${s.protocol}` : 'has no protocol (Istio sniffs it, and treats it as TCP unless it sees HTTP)';
    const allocation = s.resolution === 'NONE' ? '' : ` Unless istiod auto-allocates an address (resolution ${s.resolution}),`;
    return (
      `Port ${s.port} ${what} and this ServiceEntry has no addresses.` +
      `${allocation}${allocation ? ' the' : ' The'} sidecar then takes every TCP connection to port ` +
      `${s.port} as traffic for this entry. Add addresses, or set the port's real protocol (HTTP, TLS). ` +
      '(Istio IST0134: "ServiceEntry addresses are required for this protocol.")'
    );
  },
};

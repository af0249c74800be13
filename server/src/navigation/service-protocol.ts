/**
 * The protocol Istio gives a Kubernetes Service port, for the egress path. It follows Istio's
 * `kube.ConvertProtocol` (pkg/config/kube/conversion.go, used by pilot/pkg/serviceregistry/kube/conversion.go):
 * the port's `protocol:` field says only TCP or UDP; Istio selects by `appProtocol`, else by the port
 * name's prefix before the first `-` (`protocol.Parse`), and falls back to TCP on a few well-known ports.
 */
import { parseProtocol } from '../validation/istio-names';

/** The `appProtocol` values Kubernetes standardises, as Istio maps them. */
const KUBERNETES_APP_PROTOCOLS: Record<string, string> = { 'kubernetes.io/h2c': 'HTTP2', 'kubernetes.io/ws': 'HTTP', 'kubernetes.io/wss': 'HTTPS' };

/** Ports where Istio does not sniff when the name says nothing: SMTP, DNS, MySQL, MongoDB. */
const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);

/**
 * The protocol of a Service port as Istio selects it, upper-cased as the path shows protocols;
 * '' when neither `appProtocol` nor the name names one (Istio then detects the protocol).
 */
export function serviceProtocol(port: { port?: unknown; name?: unknown; protocol?: unknown; appProtocol?: unknown }): string {
  if (typeof port.protocol === 'string' && port.protocol.toUpperCase() === 'UDP') return 'UDP';
  let name = typeof port.name === 'string' ? port.name : '';
  if (typeof port.appProtocol === 'string') {
    name = port.appProtocol;
    if (KUBERNETES_APP_PROTOCOLS[name]) return KUBERNETES_APP_PROTOCOLS[name];
  }
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-WEB';
  const prefix = name.includes('-') ? name.slice(0, name.indexOf('-')) : name;
  const parsed = parseProtocol(prefix);
  if (parsed) return parsed.toUpperCase();
  return typeof port.port === 'number' && WELL_KNOWN_PORTS.has(port.port) ? 'TCP' : '';
}

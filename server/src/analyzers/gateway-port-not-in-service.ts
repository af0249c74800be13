/**
 * An Istio Gateway server listens on a port that the Service in front of its gateway pods does not
 * expose (neither as `port` nor as `targetPort`). Traffic reaches a gateway through that Service:
 * sidecars sending egress traffic to `istio-egressgateway.<namespace>.svc.cluster.local:<port>`, or
 * clients of an ingress gateway, find no such port, so the server is unreachable and the route to it
 * fails. Add the port to the gateway's Service (and Deployment), or use a port the Service has.
 *
 * Checked only when the workspace declares both the gateway's pods (or their Deployment) and a Service
 * selecting them; a gateway installed by Helm or istioctl is outside the workspace and not checked.
 * Overlaps `istioctl analyze` IST0162.
 */
import { qualifiedName } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { type Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { labelsMatch, podLabels, workloadsMatching, WORKLOAD_KINDS } from '../mesh/workloads';
import { isRecord, listOf } from './rules/rule-hits';

interface State {
  port: number;
  selector: string;
  /** `name (ports)` of each Service in front of the gateway pods. */
  services: string[];
}

function stringMap(v: unknown): Record<string, string> {
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
}

export const gatewayPortNotInService: Analyzer<State> = {
  code: 'gateway-port-not-in-service',
  severity: 'warning',
  appliesTo: istioNetworking('Gateway'),
  reads: ['Service', ...WORKLOAD_KINDS],
  *check(r, { index }) {
    const selector = stringMap(r.spec.selector);
    if (Object.keys(selector).length === 0) return;
    const pods = workloadsMatching(index, selector).filter((w) => w.kind !== 'WorkloadEntry');
    if (pods.length === 0) return;
    const services: Resource[] = index.ofKind('Service', '').filter((svc) => {
      const sel = stringMap(svc.spec.selector);
      return Object.keys(sel).length > 0 && pods.some((p) => p.namespace === svc.namespace && labelsMatch(sel, podLabels(p)));
    });
    if (services.length === 0) return;
    const ports = new Set<number>();
    for (const svc of services) {
      for (const p of listOf(svc.spec.ports)) {
        if (!isRecord(p)) continue;
        if (typeof p.port === 'number') ports.add(p.port);
        if (typeof p.targetPort === 'number') ports.add(p.targetPort);
      }
    }
    const described = services.map((svc) => {
      const list = listOf(svc.spec.ports).flatMap((p) =>
        isRecord(p) && typeof p.port === 'number'
          ? [typeof p.targetPort === 'number' && p.targetPort !== p.port ? `${p.port}->${p.targetPort}` : String(p.port)]
          : [],
      );
      return `${qualifiedName(svc, r.uri)} (${list.join(', ') || 'no ports'})`;
    });
    const related: RelatedLocation[] = services.flatMap((svc) => {
      const span = spanAtPath(svc.document.ast, ['spec', 'ports'], 'key') ?? nameSpanOf(svc.document);
      return span ? [{ uri: svc.uri, ...span, message: `Ports of Service ${qualifiedName(svc, r.uri)}, in front of the gateway pods` }] : [];
    });
    const shownSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const servers = listOf(r.spec.servers);
    for (let i = 0; i < servers.length; i++) {
      const s = servers[i];
      if (!isRecord(s) || !isRecord(s.port) || typeof s.port.number !== 'number' || ports.has(s.port.number)) continue;
      const span = spanAtPath(r.document.ast, ['spec', 'servers', i, 'port', 'number'], 'value', true);
      if (span) yield { ...span, state: { port: s.port.number, selector: shownSelector, services: described }, related };
    }
  },
  message: (s) =>
    `Port ${s.port} is not a port of the Service in front of the gateway pods (${s.services.join('; ')}), ` +
    'so traffic sent to the gateway through its Service cannot reach this server. Add port ' +
    `${s.port} to the Service, or use a port it has. (Istio IST0162: "The gateway is listening on a target port ` +
    `(port ${s.port}) that is not defined in the Service associated with its workload instances (Pod selector ` +
    `${s.selector}).")`,
};

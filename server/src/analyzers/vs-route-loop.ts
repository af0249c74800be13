/**
 * A VirtualService routes traffic in a circle through the egress gateway, or around it:
 * - a rule that runs on the egress gateway (its match `gateways`, or `spec.gateways`, name an Istio
 *   Gateway that selects the egress gateway's pods) sends traffic to the egress gateway's own host:
 *   the gateway forwards to itself until the request fails (503, timeouts);
 * - a rule with no match `gateways` in a VirtualService bound to both `mesh` and the egress Gateway,
 *   sending to the egress gateway: right for the sidecars, but on the gateway it is the same loop.
 *   Restrict it with `match: - gateways: [mesh]` and add a gateway rule to the external host;
 * - (warning) a sidecar rule in a VirtualService bound to `mesh` and the egress Gateway sends the
 *   external host straight to the external host while a gateway rule for it exists: sidecar traffic
 *   never reaches the gateway, so the gateway's policy and monitoring are bypassed. Send it to the
 *   egress gateway host instead.
 * The egress gateway is the host and selector in the `istioEgress.egressGateway` settings; a loop is
 * also found through a Service of the workspace whose pods an Istio Gateway selects (a gateway declared there).
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { gatewayBehindHost, gatewaySelects, boundGateways, isEgressGatewayHost, MESH_GATEWAY, resolveGatewayRefs } from '../mesh/gateways';
import type { Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { resolveHost } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { routeDestinations, ruleGateways, type RouteDestination } from '../mesh/routes';
import { WORKLOAD_KINDS } from '../mesh/workloads';

type Kind = 'loop' | 'shared-rule' | 'bypass';

interface State {
  kind: Kind;
  /** The egress Gateway reference involved. */
  gateway: string;
  /** The destination host as written. */
  destination: string;
  egressHost: string;
}

function nameRelated(r: Resource, message: string): RelatedLocation[] {
  const span = nameSpanOf(r.document);
  return span ? [{ uri: r.uri, ...span, message }] : [];
}

/** Whether two rules can see the same traffic: either names no port, or they share one. */
const portsMeet = (a: RouteDestination, b: RouteDestination) =>
  a.matchPorts.length === 0 || b.matchPorts.length === 0 || a.matchPorts.some((p) => b.matchPorts.includes(p));

export const vsRouteLoop: Analyzer<State> = {
  code: 'vs-route-loop',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['Gateway', 'Service', ...WORKLOAD_KINDS],
  *check(vs, { index, settings }) {
    const hosts = (Array.isArray(vs.spec.hosts) ? vs.spec.hosts : [])
      .filter((h): h is string => typeof h === 'string')
      .map((h) => resolveHost(h, vs.namespace));
    const egressOf = (refs: readonly string[]) => resolveGatewayRefs(index, vs, refs).filter((g) => gatewaySelects(g.gateway, settings.egressGateway));
    const destinations = [...routeDestinations(vs)].filter((d) => !d.mirror);
    const egressHost = settings.egressGateway.host;
    const boundToMeshAndEgress = boundGateways(vs).includes(MESH_GATEWAY) && egressOf(boundGateways(vs)).length > 0;
    for (const d of destinations) {
      const gateways = ruleGateways(vs, d);
      // The syntax tree is read only for a finding: it may have to be parsed again.
      const anchorOf = () => spanAtPath(vs.document.ast, [...d.path, 'host']);
      const destination = String(d.destination.host);
      const target = gatewayBehindHost(index, settings, d.host);
      if (target) {
        // A rule running on the gateway that the destination host is the Service of.
        const [egress] =
          target.origin === 'workspace' ? resolveGatewayRefs(index, vs, gateways).filter((g) => gatewaySelects(g.gateway, target)) : egressOf(gateways);
        if (!egress) continue;
        const kind: Kind = d.matchGateways.length === 0 && gateways.includes(MESH_GATEWAY) ? 'shared-rule' : 'loop';
        const anchor = anchorOf();
        if (!anchor) continue;
        yield { ...anchor, state: { kind, gateway: egress.ref, destination, egressHost }, related: nameRelated(egress.gateway, 'Egress Gateway defined here') };
        continue;
      }
      if (!boundToMeshAndEgress || !gateways.includes(MESH_GATEWAY) || !hosts.some((h) => hostSubsetOf(d.host, h))) continue;
      // A gateway rule for the same traffic shows the VirtualService means it to go through the gateway.
      const gatewayRule = destinations.find((o) => egressOf(ruleGateways(vs, o)).length > 0 && !isEgressGatewayHost(o.host, settings) && portsMeet(d, o));
      const [egress] = gatewayRule ? egressOf(ruleGateways(vs, gatewayRule)) : [];
      const anchor = egress && anchorOf();
      if (!anchor) continue;
      yield {
        ...anchor,
        state: { kind: 'bypass', gateway: egress.ref, destination, egressHost },
        related: nameRelated(egress.gateway, 'Egress Gateway defined here'),
        severity: 'warning',
      };
    }
  },
  message: (s) => {
    switch (s.kind) {
      case 'loop':
        return (
          `This rule runs on the egress gateway "${s.gateway}" and sends the traffic to the egress gateway itself, ` +
          'so requests go round in a loop until they fail (503 or timeout). ' +
          'On the gateway, route to the external host instead.'
        );
      case 'shared-rule':
        return (
          `This rule has no match gateways, so it runs on the sidecars and on the egress gateway "${s.gateway}"; ` +
          'on the gateway it sends the traffic back to the gateway itself, in a loop. ' +
          `Restrict it to the sidecars with match gateways: [mesh], and add a rule for "${s.gateway}" that routes to the external host.`
        );
      case 'bypass':
        return (
          `This sidecar rule sends the traffic straight to ${s.destination}, so it never reaches the egress gateway ` +
          `"${s.gateway}" that this VirtualService's gateway rule is written for: ` +
          `the gateway's policy and monitoring are bypassed. Route it to ${s.egressHost} instead.`
        );
    }
  },
};

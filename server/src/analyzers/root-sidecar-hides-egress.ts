/**
 * A namespace without a Sidecar of its own gets the root namespace's Sidecar (the one without
 * `workloadSelector` in `istio-system`, or in the mesh config's `rootNamespace`), with `.` in its hosts
 * meaning the workloads' namespace. Its `egress[].hosts` leave out the ServiceEntry of a host that a
 * VirtualService in this namespace routes for the mesh: the sidecars here ignore the route and, under
 * REGISTRY_ONLY, block the host (502); under ALLOW_ANY the traffic leaves directly, without the route's
 * rules (reported as a warning then). The outbound policy is the root Sidecar's, else the mesh config's.
 * Hosts are imported as `sidecar-hides-egress` describes, and the destinations of a VirtualService the
 * root Sidecar imports come with it, so a route to the egress gateway needs no entry for the gateway.
 * The finding sits on the host the VirtualService routes, with the root Sidecar as a related location.
 * Add the missing `<namespace>/<host>` entry to the root Sidecar's egress hosts (which changes what every
 * namespace without its own Sidecar sees), or give this namespace a Sidecar of its own that imports it.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { rootNamespace } from '../mesh/root-namespace';
import { namespaceSidecar, outboundPolicy, scopeOf } from '../mesh/sidecar-scope';
import { hiddenRoutedHosts } from './rules/hidden-routes';

interface State {
  /** The `namespace/host` entry the root Sidecar lacks. */
  entry: string;
  host: string;
  serviceEntry: string;
  sidecar: string;
  root: string;
  namespace: string;
  registryOnly: boolean;
}

export const rootSidecarHidesEgress: Analyzer<State> = {
  code: 'root-sidecar-hides-egress',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['Sidecar', 'VirtualService', 'ServiceEntry', 'IstioOperator', 'ConfigMap'],
  *check(vs, { index, settings }) {
    const ns = vs.namespace;
    // A namespace with a Sidecar of its own is sidecar-hides-egress's business, and so is the root namespace.
    const sidecar = namespaceSidecar(index, ns);
    if (!sidecar) return;
    const root = rootNamespace(index);
    if (sidecar.namespace !== root || ns === root) return;
    const scope = scopeOf(sidecar, ns);
    if (!scope.listeners) return;
    const registryOnly = outboundPolicy(index, settings, ns).mode === 'REGISTRY_ONLY';
    for (const { host, se, declared, at, port } of hiddenRoutedHosts(index, settings, scope, vs)) {
      const span = spanAtPath(vs.document.ast, at) ?? nameSpanOf(vs.document);
      if (!span) continue;
      const related: RelatedLocation[] = [];
      const sidecarSpan = spanAtPath(sidecar.document.ast, ['spec', 'egress', 0, 'hosts'], 'key');
      if (sidecarSpan) related.push({ uri: sidecar.uri, ...sidecarSpan, message: `Egress hosts of the root namespace's Sidecar "${sidecar.name}"` });
      const seSpan = nameSpanOf(se.document);
      if (seSpan) related.push({ uri: se.uri, ...seSpan, message: `ServiceEntry for ${host}` });
      yield {
        ...span,
        related,
        severity: registryOnly ? 'error' : 'warning',
        state: {
          entry: `${se.namespace}/${declared}`,
          host: port === undefined ? host : `${host} on port ${port}`,
          serviceEntry: `${se.namespace}/${se.name}`,
          sidecar: sidecar.name,
          root,
          namespace: ns,
          registryOnly,
        },
      };
    }
  },
  message: (s) =>
    `Namespace "${s.namespace}" has no Sidecar of its own, so its sidecars use the root namespace's Sidecar "${s.sidecar}" (${s.root}), ` +
    `whose egress hosts do not import ServiceEntry "${s.serviceEntry}" for ${s.host}: ${
      s.registryOnly
        ? 'under REGISTRY_ONLY the sidecars here block the host (502)'
        : 'the sidecars here ignore this route and send the traffic straight out, without its rules'
    }. Add "${s.entry}" to the root Sidecar's egress hosts, or give namespace "${s.namespace}" a Sidecar that imports it.`,
};

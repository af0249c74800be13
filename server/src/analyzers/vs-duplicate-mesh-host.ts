/**
 * Several VirtualServices bound to the mesh (no `gateways`, or `mesh` among them) define the same host
 * and are visible in a common namespace. Sidecars use only one of them for the host, so the routes of
 * the others, such as the rule sending traffic to the egress gateway, are silently ignored; which one
 * wins is undefined.
 * Merge them into one VirtualService for the host (rules bound to a gateway can stay in the same
 * resource, with `match.gateways`). VirtualServices bound only to gateways are not affected.
 * Files that are never applied together (a tutorial's alternative steps, one `kubectl apply` at a time)
 * conflict only if they are: give each its own mesh with the `istioEgress.clusters` setting (or the
 * CLI's `--clusters`), whose globs may name single files such as `steps/*.yaml`.
 * Overlaps istioctl IST0109 (ConflictingMeshGatewayVirtualServiceHosts).
 */
import { namespaceOrigin, namespaceOriginsNote } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { resolveHost } from '../mesh/hosts';
import { boundGateways, MESH_GATEWAY } from '../mesh/gateways';
import { scopesOverlap } from '../mesh/export-to';
import { fileLabel } from '../index/versions';

interface State {
  host: string;
  /** `"name" (namespace, in file)` of the other VirtualServices, the first MAX_NAMED of them. */
  others: string[];
  /** How many more there are. */
  more?: number;
  /** Where the namespaces of the others come from when not written (see namespace-origin.ts). */
  origins?: string;
}

/** Names listed in the message; a host with a thousand VirtualServices would otherwise get a message of a thousand names on each. */
const MAX_NAMED = 5;

export const vsDuplicateMeshHost: Analyzer<State> = {
  code: 'vs-duplicate-mesh-host',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['VirtualService'],
  *check(vs, { index }) {
    if (!boundGateways(vs).includes(MESH_GATEWAY)) return;
    const raw: unknown[] = Array.isArray(vs.spec.hosts) ? vs.spec.hosts : [];
    const done = new Set<string>();
    for (let i = 0; i < raw.length; i++) {
      if (typeof raw[i] !== 'string') continue;
      const host = resolveHost(raw[i] as string, vs.namespace);
      if (done.has(host)) continue;
      done.add(host);
      const others = index
        .withHost('VirtualService', host)
        .filter(
          (o) =>
            o !== vs &&
            !(o.uri === vs.uri && o.docIndex === vs.docIndex) &&
            o.group === ISTIO_NETWORKING &&
            boundGateways(o).includes(MESH_GATEWAY) &&
            scopesOverlap(vs, o),
        );
      if (others.length === 0) continue;
      const related: RelatedLocation[] = [];
      for (const o of others) {
        const hostIndex = (Array.isArray(o.spec.hosts) ? o.spec.hosts : []).findIndex(
          (h: unknown) => typeof h === 'string' && resolveHost(h, o.namespace) === host,
        );
        const at = spanAtPath(o.document.ast, ['spec', 'hosts', Math.max(hostIndex, 0)]);
        if (at)
          related.push({
            uri: o.uri,
            ...at,
            message: `VirtualService "${o.name}" (${o.namespace}${namespaceOrigin(o, vs.uri)}) also defines ${host} for the mesh`,
          });
      }
      const span = spanAtPath(vs.document.ast, ['spec', 'hosts', i]);
      const names = others.map((o) => `"${o.name}" (${o.namespace}, in ${fileLabel(vs.uri, o.uri)})`).sort();
      const origins = namespaceOriginsNote(others, vs.uri);
      const state: State = {
        host,
        others: names.slice(0, MAX_NAMED),
        ...(names.length > MAX_NAMED ? { more: names.length - MAX_NAMED } : {}),
        ...(origins ? { origins } : {}),
      };
      if (span) yield { ...span, related, state };
    }
  },
  message: (s) =>
    `VirtualService${s.others.length === 1 ? '' : 's'} ${s.others.join(', ')}${s.more ? ` and ${s.more} more` : ''} also ` +
    `define${s.others.length === 1 ? 's' : ''} ${s.host} for the mesh: sidecars use only one of them, ` +
    'and which one is undefined. Merge them into one VirtualService for the host.' +
    `${s.origins ?? ''} If the files are alternatives applied one at a time (a tutorial's steps), ` +
    'make each its own mesh with istioEgress.clusters, whose globs may name files (`steps/*.yaml`).',
};

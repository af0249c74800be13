/**
 * A VirtualService rule runs where something it needs is not exported. A gateway proxy sees the
 * mesh as its own namespace does, and the sidecars of a namespace see only what is exported to it:
 * - the VirtualService is bound to a Gateway whose proxies run in a namespace it is not exported to:
 *   the gateway ignores it and has no route for its hosts (HTTP 404, TLS and TCP connections reset);
 * - a route's host is defined by a ServiceEntry or Service that the VirtualService's namespace sees
 *   but the gateway's namespace, or a client namespace the VirtualService is exported to, does not:
 *   that proxy has no cluster for it and requests fail with 503 (`cluster_not_found`, istio/istio.io#7615);
 * - a route's subset is defined by a DestinationRule that is not exported there: 503 as well;
 * - the DestinationRule that originates TLS for a route's host (`SIMPLE` or `MUTUAL`) is not exported
 *   there, and no other rule for the host is seen there: that proxy sends the traffic unencrypted, and
 *   a TLS server answers `400 The plain HTTP request was sent to HTTPS port` or resets the connection.
 * The gateway's namespace is that of the workloads its selector picks, or the egress gateway's
 * from the settings when it selects that gateway; a Gateway whose pods the workspace does not place
 * is not checked. Mesh rules are checked in the namespaces the VirtualService names in `exportTo`
 * whose Sidecar imports it. A resource that writes no `exportTo` is exported as the mesh config's
 * `defaultVirtualServiceExportTo`, `defaultServiceExportTo` or `defaultDestinationRuleExportTo` says.
 * A host or subset that its own namespace does not see either is vs-unknown-host's or
 * vs-unknown-subset's finding, not this one.
 */
import { istioNetworking, type Analyzer, type Hit } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { IndexReader } from '../index/workspace-index';
import type { Settings } from '../settings';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { routeDestinations, ruleGateways, type RouteDestination } from '../mesh/routes';
import { boundGateways, MESH_GATEWAY } from '../mesh/gateways';
import { registryLookup } from '../mesh/registry';
import { describeExportTo, effectiveExportTo, isVisibleIn, writesExportTo } from '../mesh/export-defaults';
import { ruleSites, type RuleSite } from '../mesh/visibility';
import { effectiveDestinationRule, subsetsOf } from '../mesh/destination-rules';
import { clientTls, ORIGINATING_TLS_MODES } from '../mesh/client-tls';
import { MESH_CONFIG_KINDS } from '../mesh/root-namespace';
import { WORKLOAD_KINDS } from '../mesh/workloads';

type Variant = 'vs-not-exported' | 'host-not-exported' | 'subset-not-exported' | 'tls-not-exported';

interface State {
  variant: Variant;
  /** The gateway reference as written, when the rule runs at a gateway; absent for client namespaces. */
  gateway?: string;
  /** The namespaces where the rule runs but does not see what it needs. */
  namespaces: string[];
  /** The VirtualService's exportTo in effect (vs-not-exported). */
  exportTo?: string[];
  /** True when that exportTo is the mesh config's defaultVirtualServiceExportTo, the VirtualService writing none. */
  exportToByDefault?: boolean;
  host?: string;
  subset?: string;
  /** The resources that define the host or subset, as `Kind "name" in namespace "ns"`. */
  hidden?: string[];
  /** The TLS mode the hidden DestinationRule originates (tls-not-exported). */
  mode?: string;
  /** True when the VirtualService writes no namespace: the finding holds unless it is applied in the gateway's. */
  namespaceUnknown?: boolean;
  /** The route's kind: only HTTP routes answer 503; TLS and TCP connections are reset. */
  protocol?: 'http' | 'tls' | 'tcp';
}

const quoted = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');
const describe = (index: IndexReader, r: Resource) => `${r.kind} "${r.name}" in namespace "${r.namespace}" (exportTo ${describeExportTo(index, r)})`;

function nameRelated(r: Resource, message: string): RelatedLocation | undefined {
  const span = nameSpanOf(r.document);
  return span && { uri: r.uri, ...span, message };
}

/** Where a route's rule runs, beyond the VirtualService's own namespace (whose view other analyzers check). */
function sitesOf(index: IndexReader, settings: Settings, vs: Resource, d: RouteDestination): RuleSite[] {
  return ruleSites(index, settings, vs, ruleGateways(vs, d)).filter((s) =>
    s.via === 'mesh' ? s.namespace !== '*' && s.namespace !== vs.namespace : s.known && isVisibleIn(index, vs, s.namespace),
  );
}

/** Sites grouped by who runs them: each gateway reference, and the client namespaces together. */
function groups(sites: RuleSite[]): { gateway?: string; namespaces: string[] }[] {
  const byKey = new Map<string, { gateway?: string; namespaces: string[] }>();
  for (const s of sites) {
    const key = s.via === 'gateway' ? `gw:${s.ref}` : 'mesh';
    const g = byKey.get(key) ?? (s.via === 'gateway' ? { gateway: s.ref, namespaces: [] } : { namespaces: [] });
    if (!g.namespaces.includes(s.namespace)) g.namespaces.push(s.namespace);
    byKey.set(key, g);
  }
  return [...byKey.values()];
}

/** The DestinationRule the VirtualService's namespace uses to originate TLS toward a route's destination, if any. */
function tlsOriginationFor(index: IndexReader, vs: Resource, d: RouteDestination): { dr: Resource; mode: string } | undefined {
  const port = d.port ?? (d.matchPorts.length === 1 ? d.matchPorts[0] : undefined);
  const tls = clientTls(effectiveDestinationRule(index, vs.namespace, d.host), d.subset, port);
  return tls?.rule && ORIGINATING_TLS_MODES.has(tls.mode) ? { dr: tls.rule, mode: tls.mode } : undefined;
}

/** The DestinationRule that defines a subset of a host as proxies in `namespace` see it (push_context.go destinationRule), if any. */
const subsetRule = (index: IndexReader, namespace: string, host: string, subset: string) =>
  subsetsOf(effectiveDestinationRule(index, namespace, host)).get(subset)?.rule;

export const vsHiddenWhereItRuns: Analyzer<State> = {
  code: 'vs-hidden-where-it-runs',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['Gateway', 'Sidecar', 'ServiceEntry', 'Service', 'DestinationRule', ...MESH_CONFIG_KINDS, ...WORKLOAD_KINDS],
  *check(vs, { index, settings }) {
    const hits: Hit<State>[] = [];
    const gateways = Array.isArray(vs.spec.gateways) ? vs.spec.gateways : [];
    for (const site of ruleSites(
      index,
      settings,
      vs,
      boundGateways(vs).filter((g) => g !== MESH_GATEWAY),
    )) {
      if (site.via !== 'gateway' || !site.known || isVisibleIn(index, vs, site.namespace)) continue;
      const i = gateways.indexOf(site.ref);
      const span = i >= 0 ? spanAtPath(vs.document.ast, ['spec', 'gateways', i]) : undefined;
      if (!span || hits.some((h) => h.start === span.start)) continue;
      const related = nameRelated(site.gateway, 'Gateway defined here');
      hits.push({
        ...span,
        state: {
          variant: 'vs-not-exported',
          gateway: site.ref,
          namespaces: [site.namespace],
          exportTo: effectiveExportTo(index, vs),
          ...(writesExportTo(vs) ? {} : { exportToByDefault: true }),
          ...(vs.namespaceExplicit ? {} : { namespaceUnknown: true }),
        },
        ...(related ? { related: [related] } : {}),
      });
    }
    // Where a VirtualService that writes no namespace goes (kubectl -n) decides what its namespace sees: nothing more to say.
    for (const d of vs.namespaceExplicit ? routeDestinations(vs) : []) {
      if (d.host === '') continue;
      const sites = sitesOf(index, settings, vs, d);
      if (sites.length === 0) continue;
      if (registryLookup(index, d.host, vs.namespace, settings).length > 0) {
        const blind = sites.filter((s) => registryLookup(index, d.host, s.namespace, settings).length === 0);
        const span = spanAtPath(vs.document.ast, [...d.path, 'host']);
        for (const g of span ? groups(blind) : []) {
          const definers = [...index.matchingHost('ServiceEntry', d.host).filter((r) => r.group === ISTIO_NETWORKING), ...index.withHost('Service', d.host)];
          const hidden = definers.filter((r) => g.namespaces.some((ns) => !isVisibleIn(index, r, ns)));
          const related = hidden.map((r) => nameRelated(r, `${r.kind} for this host, not exported there`)).filter((x): x is RelatedLocation => !!x);
          hits.push({
            ...span!,
            state: { variant: 'host-not-exported', ...g, host: d.host, hidden: hidden.map((r) => describe(index, r)), protocol: d.protocol },
            related,
          });
        }
      }
      const origination = tlsOriginationFor(index, vs, d);
      if (origination) {
        // Where the host itself is not seen, host-not-exported says so; a rule of its own there is that namespace's choice.
        const blind = sites.filter(
          (s) =>
            registryLookup(index, d.host, s.namespace, settings).length > 0 && (effectiveDestinationRule(index, s.namespace, d.host)?.rules.length ?? 0) === 0,
        );
        const span = spanAtPath(vs.document.ast, [...d.path, 'host']);
        for (const g of span ? groups(blind) : []) {
          const related = [nameRelated(origination.dr, 'DestinationRule originating TLS, not exported there')].filter((x): x is RelatedLocation => !!x);
          hits.push({
            ...span!,
            state: { variant: 'tls-not-exported', ...g, host: d.host, mode: origination.mode, hidden: [describe(index, origination.dr)] },
            related,
          });
        }
      }
      if (d.subset === undefined) continue;
      const subset = d.subset;
      const defining = subsetRule(index, vs.namespace, d.host, subset);
      if (!defining) continue;
      // A gateway that does not see the subset is vs-unknown-subset's finding, which looks it up from the gateway's namespace.
      const blind = sites.filter((s) => s.via === 'mesh' && !subsetRule(index, s.namespace, d.host, subset));
      const span = spanAtPath(vs.document.ast, [...d.path, 'subset']);
      for (const g of span ? groups(blind) : []) {
        const hidden = g.namespaces.some((ns) => !isVisibleIn(index, defining, ns)) ? [defining] : [];
        const related = hidden.map((r) => nameRelated(r, 'DestinationRule defining this subset, not exported there')).filter((x): x is RelatedLocation => !!x);
        hits.push({
          ...span!,
          state: { variant: 'subset-not-exported', ...g, host: d.host, subset, hidden: hidden.map((r) => describe(index, r)), protocol: d.protocol },
          related,
        });
      }
    }
    yield* hits.sort((a, b) => a.start - b.start);
  },
  message: (s) => {
    const where = s.gateway
      ? `Gateway "${s.gateway}" runs in namespace ${quoted(s.namespaces)}`
      : `This rule also runs in the sidecars of namespace${s.namespaces.length === 1 ? '' : 's'} ${quoted(s.namespaces)} (the ` +
        'VirtualService is exported there)';
    const hidden = s.hidden && s.hidden.length > 0 ? ` It is ${s.variant === 'tls-not-exported' ? 'set' : 'defined'} by ${s.hidden.join(', ')}.` : '';
    const exportHint = `Export it to ${quoted(s.namespaces)}, or define it there.`;
    const fails = s.protocol === undefined || s.protocol === 'http' ? 'requests on this route fail with 503' : 'connections on this route are reset';
    switch (s.variant) {
      case 'vs-not-exported':
        if (s.namespaceUnknown)
          return (
            `${where}, but this VirtualService writes no namespace and is exported only to ` +
            `${quoted(s.exportTo ?? [])}${s.exportToByDefault ? " (the mesh config's defaultVirtualServiceExportTo)" : ''}: ` +
            `unless it is applied in namespace ${quoted(s.namespaces)}, the gateway does not see it and has no route for ` +
            `its hosts (HTTP 404, TLS and TCP connections reset). Export it to ${quoted(s.namespaces)}.`
          );
        return (
          `${where}, but this VirtualService is exported only to ` +
          `${quoted(s.exportTo ?? [])}${s.exportToByDefault ? " (the mesh config's defaultVirtualServiceExportTo)" : ''}: ` +
          'the gateway does not see it and has no route for its hosts (HTTP 404, TLS and TCP connections reset). ' +
          `Export it to ${quoted(s.namespaces)}.`
        );
      case 'host-not-exported':
        return `${where}, which does not see host "${s.host}".${hidden} The proxy there has no cluster for it, so ${fails} (cluster_not_found). ${exportHint}`;
      case 'tls-not-exported':
        return (
          `${where}, which sees no DestinationRule for "${s.host}".${hidden} Its ` +
          `${s.mode} TLS origination does not apply there, so the proxy sends the traffic unencrypted and a TLS server ` +
          `rejects it (400 The plain HTTP request was sent to HTTPS port, or a reset). ${exportHint}`
        );
      case 'subset-not-exported':
        return `${where}, which sees no DestinationRule defining subset "${s.subset}" of "${s.host}".${hidden} There, ${fails}. ${exportHint}`;
    }
  },
};

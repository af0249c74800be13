/**
 * A VirtualService routes to a `subset` that no DestinationRule visible to it defines for that
 * host. Envoy then has no cluster for the route and every request on it fails with
 * 503 (response flag `NC`, no cluster found), or the TLS or TCP connection is reset.
 *
 * This bites the egress gateway pattern: the route from the sidecars to
 * `istio-egressgateway.istio-system.svc.cluster.local` names a subset (`cnn`) that exists only to
 * carry TLS settings, and the DestinationRule defining it (`subsets: [{name: cnn}]`, no labels
 * needed) is easy to forget, misspell or apply in a namespace the clients do not see.
 *
 * Quick fixes: correct a misspelt subset name, add the subset to the host's DestinationRule when
 * it is in the same file, or create a DestinationRule for the host with that subset.
 * A DestinationRule that writes no namespace and a short host counts for `<name>.<ns>.svc.cluster.local`
 * in any namespace, since kubectl -n or a kustomization decides where it goes.
 * Overlaps istioctl IST0101 (host+subset in destinationrule) and Kiali KIA1107.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import type { Fix, RelatedLocation } from '../model';
import { ISTIO_NETWORKING } from '../parse/resource';
import {
  destinationRulesDefiningSubset,
  destinationRulesFor,
  isEgressGatewayHost,
  routeDestinations,
  subsetNames,
  unplacedDestinationRulesFor,
} from '../index/mesh';
import { spanAtPath } from '../parse/yaml-path';
import { closestMatch } from '../schema/suggest';
import { appendDocument, appendSequenceItem, insertMapEntry, replaceScalar, toYaml } from '../edits/yaml-edits';
import { nameFromHost, uniqueName } from '../generate/names';
import { isDns1123Label, wildcardDomainProblem } from '../validation/istio-names';

/** How many DestinationRules, subsets and related locations a finding lists: the egress gateway's host may have a rule per external host. */
const LISTED = 5;

interface State {
  subset: string;
  /** The destination host, fully qualified. */
  host: string;
  namespace: string;
  /** True when the VirtualService writes no namespace, so `namespace` is the assumed `default`. */
  namespaceAssumed?: boolean;
  /** DestinationRules for the host the VirtualService sees, and the subsets they define. */
  destinationRules: string[];
  defined: string[];
  /** How many DestinationRules and subsets were left out of the lists above, which stay short. */
  more?: { destinationRules: number; defined: number };
  /** The closest defined subset, when the name looks misspelt. */
  rename?: string;
  /** The first DestinationRule on the lookup path, when it is in the same file: the subset can be added to it. */
  addTo?: { docIndex: number; name: string };
  /** No DestinationRule at all: the one to create. */
  create?: { apiVersion: string; name: string; namespace?: string; host: string };
}

export const vsUnknownSubset: Analyzer<State> = {
  code: 'vs-unknown-subset',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['DestinationRule'],
  *check(vs, { index, settings }) {
    // Several routes may name the same missing subset; create at most one DestinationRule per host.
    const creating = new Map<string, string>();
    for (const d of routeDestinations(vs)) {
      if (d.subset === undefined) continue;
      if (destinationRulesDefiningSubset(index, d.host, vs.namespace, d.subset).length > 0) continue;
      const rules = destinationRulesFor(index, d.host, vs.namespace);
      const defined = [...new Set(rules.flatMap(subsetNames))];
      if (unplacedDestinationRulesFor(index, d.host).some((dr) => subsetNames(dr).includes(d.subset!))) continue;
      const span = spanAtPath(vs.document.ast, [...d.path, 'subset']);
      if (!span) continue;
      const names = rules.map((r) => `${r.namespace}/${r.name}`);
      const state: State = {
        subset: d.subset,
        host: d.host,
        namespace: vs.namespace,
        destinationRules: names.slice(0, LISTED),
        defined: defined.slice(0, LISTED),
        ...(vs.namespaceExplicit ? {} : { namespaceAssumed: true }),
      };
      if (names.length > LISTED || defined.length > LISTED)
        state.more = { destinationRules: Math.max(0, names.length - LISTED), defined: Math.max(0, defined.length - LISTED) };
      const rename = closestMatch(d.subset, defined);
      if (rename !== undefined) state.rename = rename;
      const first = rules[0];
      if (first && first.uri === vs.uri) state.addTo = { docIndex: first.docIndex, name: first.name };
      if (!first) {
        // The docs name the egress gateway's rule after what goes through it: egressgateway-for-cnn.
        const base = isEgressGatewayHost(d.host, settings) ? nameFromHost(`egressgateway-for-${d.subset}`) : nameFromHost(String(d.destination.host));
        const name = creating.get(d.host) ?? uniqueName(index, ISTIO_NETWORKING, 'DestinationRule', vs.namespace, base, new Set(creating.values()));
        creating.set(d.host, name);
        state.create = {
          apiVersion: vs.apiVersion,
          name,
          host: String(d.destination.host).trim(),
          ...(vs.namespaceExplicit ? { namespace: vs.namespace } : {}),
        };
      }
      const related: RelatedLocation[] = [];
      for (const r of rules.slice(0, LISTED)) {
        const at = spanAtPath(r.document.ast, ['metadata', 'name']);
        if (at) related.push({ uri: r.uri, ...at, message: `DestinationRule for this host (subsets: ${subsetNames(r).join(', ') || 'none'})` });
      }
      yield related.length > 0 ? { ...span, state, related } : { ...span, state };
    }
  },
  message: (s) => {
    const fails = 'Requests on this route fail with 503.';
    if (s.destinationRules.length === 0) {
      return `No DestinationRule for host "${s.host}" is visible from namespace "${s.namespace}"${s.namespaceAssumed ? ' (assumed: no namespace written)' : ''}, so subset "${s.subset}" does not exist. ${fails} Create a DestinationRule that defines it.`;
    }
    const quoted = (names: string[], more = 0) => names.map((n) => `"${n}"`).join(', ') + (more > 0 ? ` and ${more} more` : '');
    const rules = s.destinationRules.length + (s.more?.destinationRules ?? 0);
    const owners = rules === 1 ? `DestinationRule ${quoted(s.destinationRules)}` : `DestinationRules ${quoted(s.destinationRules, s.more?.destinationRules)}`;
    const verb = rules === 1 ? 'defines' : 'define';
    const defines = s.defined.length > 0 ? `${verb} only ${quoted(s.defined, s.more?.defined)}` : `${verb} no subsets`;
    const hint = s.rename ? `Did you mean "${s.rename}"?` : `Add "${s.subset}" to the subsets.`;
    return `Subset "${s.subset}" is not defined for host "${s.host}": ${owners} ${defines}. ${fails} ${hint}`;
  },
  fix: (s, { file, span }) => {
    const fixes: Fix[] = [];
    if (s.rename)
      fixes.push({ title: `Change to subset "${s.rename}"`, isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, s.rename)] });
    // A subset or host the API server would reject is not written into a DestinationRule.
    if (!isDns1123Label(s.subset)) return fixes;
    const doc = s.addTo && file.documents[s.addTo.docIndex];
    if (s.addTo && doc?.resource?.kind === 'DestinationRule' && doc.resource.name === s.addTo.name) {
      const subsets = doc.resource.spec.subsets;
      const edit = Array.isArray(subsets)
        ? appendSequenceItem(file.text, doc.ast, ['spec', 'subsets'], `name: ${s.subset}`)
        : insertMapEntry(file.text, doc.ast, ['spec'], 'subsets', `- name: ${s.subset}`);
      if (edit) fixes.push({ title: `Add subset "${s.subset}" to DestinationRule "${s.addTo.name}"`, isPreferred: !s.rename, edits: [edit] });
    }
    if (s.create && s.create.host !== '*' && !wildcardDomainProblem(s.create.host)) {
      const c = s.create;
      const yaml = toYaml({
        apiVersion: c.apiVersion,
        kind: 'DestinationRule',
        metadata: c.namespace ? { name: c.name, namespace: c.namespace } : { name: c.name },
        spec: { host: c.host, subsets: [{ name: s.subset }] },
      });
      fixes.push({ title: `Create DestinationRule "${c.name}" with subset "${s.subset}"`, isPreferred: !s.rename, edits: [appendDocument(file.text, yaml)] });
    }
    return fixes;
  },
};

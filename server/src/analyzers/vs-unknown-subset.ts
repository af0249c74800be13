/**
 * A VirtualService routes to a `subset` that the DestinationRule in effect for that host does not
 * define. Istio looks the rule up from the namespace of the proxy that runs the route (the client
 * sidecars for `mesh`, the gateway for a Gateway): that namespace's rules first, then the rules the
 * host's namespace exports, then the root namespace's; only the first namespace with a rule counts.
 * Envoy then has no cluster for the route and every request on it fails with 503 (response flag
 * `NC`, no cluster found), or the TLS or TCP connection is reset.
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
import type { IndexReader } from '../index/workspace-index';
import { routeDestinations } from '../mesh/routes';
import { isEgressGatewayHost } from '../mesh/gateways';
import {
  effectiveDestinationRule,
  forWorkload,
  subsetsOf,
  type EffectiveDestinationRule,
  subsetNames,
  unplacedDestinationRulesFor,
} from '../mesh/destination-rules';
import { ruleProxies, type RuleProxy } from '../mesh/rule-proxies';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { namespaceOrigin, namespaceOriginsNote } from '../index/namespace-origin';
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
  /** The namespace of the proxy that looks the subset up: the client sidecars', or the gateway's. */
  namespace: string;
  /** True when the proxy is a gateway running a rule bound to it. */
  gateway?: boolean;
  /** Where `namespace` comes from when the VirtualService does not write it (see namespace-origin.ts). */
  namespaceOrigin?: string;
  /** DestinationRules for the host the VirtualService sees, and the subsets they define. */
  destinationRules: string[];
  defined: string[];
  /** How many DestinationRules and subsets were left out of the lists above, which stay short. */
  more?: { destinationRules: number; defined: number };
  /** Where the namespaces of the DestinationRules listed come from when not written (see namespace-origin.ts). */
  origins?: string;
  /** The closest defined subset, when the name looks misspelt. */
  rename?: string;
  /** The first DestinationRule on the lookup path, when it is in the same file: the subset can be added to it. */
  addTo?: { docIndex: number; name: string };
  /** No DestinationRule at all: the one to create. */
  create?: { apiVersion: string; name: string; namespace?: string; host: string };
}

/**
 * Whether another version of a rule in effect (a document with the same namespace and name, such as
 * the next step of a tutorial) defines the subset: applying that version instead makes the route work,
 * so the workspace does not prove the subset missing.
 */
function anotherVersionDefines(index: IndexReader, effective: EffectiveDestinationRule | undefined, subset: string): boolean {
  if (!effective) return false;
  return index
    .withTag('DestinationRule', `subset:${effective.host}|${subset}`)
    .some((dr) => effective.rules.some((r) => r.namespace === dr.namespace && r.name === dr.name));
}

export const vsUnknownSubset: Analyzer<State> = {
  code: 'vs-unknown-subset',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['DestinationRule', 'Gateway', 'Service', 'ServiceEntry', 'IstioOperator', 'ConfigMap'],
  *check(vs, { index, settings }) {
    // Several routes may name the same missing subset; create at most one DestinationRule per host.
    const creating = new Map<string, string>();
    for (const d of routeDestinations(vs)) {
      if (d.subset === undefined) continue;
      // Each proxy that runs the rule looks the DestinationRule up from its own namespace
      // (push_context.go destinationRule); the subset must exist for every one of them.
      const proxies = ruleProxies(index, settings, vs, d);
      let missing: { proxy: RuleProxy; effective: EffectiveDestinationRule | undefined } | undefined;
      for (const proxy of proxies.length > 0 ? proxies : [{ namespace: vs.namespace, gateway: false }]) {
        const found = effectiveDestinationRule(index, proxy.namespace, d.host);
        // A gateway's pods carry its selector's labels; which sidecars call is unknown, so a rule for
        // selected workloads that defines the subset counts for them.
        const effective = proxy.labels ? forWorkload(found, proxy.labels) : found;
        const forSelected = !proxy.labels && found !== undefined && found.selected.some((dr) => subsetsOf({ ...found, rules: [dr] }).has(d.subset!));
        if (!forSelected && !subsetsOf(effective).has(d.subset) && !anotherVersionDefines(index, effective, d.subset)) {
          missing = { proxy, effective };
          break;
        }
      }
      if (!missing) continue;
      const rules = missing.effective?.rules ?? [];
      const defined = [...subsetsOf(missing.effective).keys()];
      if (unplacedDestinationRulesFor(index, d.host).some((dr) => subsetNames(dr).includes(d.subset!))) continue;
      const span = spanAtPath(vs.document.ast, [...d.path, 'subset']);
      if (!span) continue;
      const names = rules.map((r) => `${r.namespace}/${r.name}`);
      const origins = namespaceOriginsNote(rules.slice(0, LISTED), vs.uri);
      const state: State = {
        subset: d.subset,
        host: d.host,
        namespace: missing.proxy.namespace,
        ...(missing.proxy.gateway ? { gateway: true } : {}),
        destinationRules: names.slice(0, LISTED),
        defined: defined.slice(0, LISTED),
        ...(namespaceOrigin(vs) && !missing.proxy.gateway ? { namespaceOrigin: namespaceOrigin(vs) } : {}),
        ...(origins ? { origins } : {}),
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
          ...(vs.namespaceExplicit && !vs.namespaceFrom ? { namespace: vs.namespace } : {}),
        };
      }
      const related: RelatedLocation[] = [];
      for (const r of rules.slice(0, LISTED)) {
        const at = nameSpanOf(r.document);
        if (at) related.push({ uri: r.uri, ...at, message: `DestinationRule for this host (subsets: ${subsetNames(r).join(', ') || 'none'})` });
      }
      yield related.length > 0 ? { ...span, state, related } : { ...span, state };
    }
  },
  message: (s) => {
    const fails = 'Requests on this route fail with 503.';
    if (s.destinationRules.length === 0) {
      return (
        `No DestinationRule for host "${s.host}" is visible from namespace ` +
        `"${s.namespace}"${s.namespaceOrigin ?? ''}${s.gateway ? ', where the gateway running this rule looks it up' : ''}, ` +
        `so subset "${s.subset}" does not exist. ${fails} Create a DestinationRule that defines it.`
      );
    }
    const quoted = (names: string[], more = 0) => names.map((n) => `"${n}"`).join(', ') + (more > 0 ? ` and ${more} more` : '');
    const rules = s.destinationRules.length + (s.more?.destinationRules ?? 0);
    const owners = rules === 1 ? `DestinationRule ${quoted(s.destinationRules)}` : `DestinationRules ${quoted(s.destinationRules, s.more?.destinationRules)}`;
    const verb = rules === 1 ? 'defines' : 'define';
    const defines = s.defined.length > 0 ? `${verb} only ${quoted(s.defined, s.more?.defined)}` : `${verb} no subsets`;
    const hint = s.rename ? `Did you mean "${s.rename}"?` : `Add "${s.subset}" to the subsets.`;
    return `Subset "${s.subset}" is not defined for host "${s.host}": ${owners} ${defines}.${s.origins ?? ''} ${fails} ${hint}`;
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

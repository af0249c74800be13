/**
 * A NetworkPolicy limits the egress of pods whose traffic a VirtualService sends through an egress
 * gateway, but allows no traffic to the egress gateway's namespace (istio-system for the default one,
 * the namespace of its pods for a gateway the workspace declares), or no DNS (port 53 in kube-system).
 * The sidecars then cannot reach the egress gateway or istiod, or the application cannot resolve
 * the external host, and every request times out, which is the block the policy
 * should only apply to pods that bypass their sidecar.
 * Istio's egress gateway task pairs the gateway with a NetworkPolicy that allows exactly these two:
 * add egress rules to the istio-system namespace and to port 53 in kube-system. Namespace selectors
 * are matched against the labels of the workspace's Namespace objects (`kubernetes.io/metadata.name`
 * always matches). The quick fix adds the missing rules, selecting namespaces by
 * `kubernetes.io/metadata.name`.
 */
import { namespaceOrigin } from '../index/namespace-origin';
import type { Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { spanAtPath } from '../parse/yaml-path';
import { meshRoutesToEgressGateway } from '../mesh/routes';
import { labelSelectorMatches, namespaceLabels, podLabels, workloadsIn, WORKLOAD_KINDS } from '../mesh/workloads';
import { egressGatewayNamespace } from '../mesh/gateways';
import { MESH_CONFIG_KINDS } from '../mesh/root-namespace';
import { appendSequenceItem, insertMapEntry, toYaml } from '../edits/yaml-edits';
import { isMap, isSeq } from 'yaml';
import { isRecord } from '../data';

type Missing = 'gateway-namespace' | 'dns';

interface State {
  namespace: string;
  /** The first egress gateway namespace the policy does not reach (the settings' gateway's when it reaches them all). */
  gatewayNamespace: string;
  /** Further egress gateway namespaces the policy does not reach, of gateways the workspace declares. */
  otherGatewayNamespaces?: string[];
  /** True when `gatewayNamespace` is not the settings' egress gateway's (whose namespace istiod shares by default). */
  workspaceGateway?: boolean;
  missing: Missing[];
  virtualService: string;
  docIndex: number;
  /** Where `namespace` comes from when the NetworkPolicy does not write it (see namespace-origin.ts). */
  namespaceOrigin?: string;
}

const DNS_NAMESPACE = 'kube-system';
const DNS_PORT = 53;

function isEmptySelector(selector: unknown): boolean {
  if (!isRecord(selector)) return true;
  const labels = isRecord(selector.matchLabels) ? Object.keys(selector.matchLabels) : [];
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return labels.length === 0 && expressions.length === 0;
}

/** Whether an egress rule's `to` reaches pods in `target` (labels `labels`) from a policy in `own`. IP blocks are given the benefit of the doubt. */
function reaches(rule: Record<string, any>, target: string, labels: Record<string, string>, own: string): boolean {
  const to = Array.isArray(rule.to) ? rule.to.filter(isRecord) : [];
  if (to.length === 0) return true;
  return to.some((peer) => {
    if (peer.ipBlock !== undefined) return true;
    if (peer.namespaceSelector !== undefined) return labelSelectorMatches(peer.namespaceSelector, labels);
    return target === own;
  });
}

/**
 * Whether an egress rule lets more than DNS through. The gateway's Service ports map to other pod
 * ports (80 to 8080), and NetworkPolicies see pod ports, so any port beyond DNS gets the benefit of the doubt.
 */
function allowsBeyondDns(rule: Record<string, any>): boolean {
  const ports = Array.isArray(rule.ports) ? rule.ports.filter(isRecord) : [];
  return (
    ports.length === 0 ||
    ports.some(
      (p) =>
        p.port === undefined ||
        (typeof p.port === 'number' ? p.port !== DNS_PORT || (typeof p.endPort === 'number' && p.endPort > p.port) : !/^dns/.test(String(p.port))),
    )
  );
}

/** Whether an egress rule's `ports` let TCP or UDP `port` through. */
function allowsPort(rule: Record<string, any>, port: number): boolean {
  const ports = Array.isArray(rule.ports) ? rule.ports.filter(isRecord) : [];
  if (ports.length === 0) return true;
  return ports.some((p) => {
    if (p.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return /^dns/.test(p.port);
    return p.port === port || (typeof p.endPort === 'number' && p.port <= port && port <= p.endPort);
  });
}

/** The egress gateway namespaces a finding names, the first one first. */
const gatewayNamespacesOf = (s: State) => [s.gatewayNamespace, ...(s.otherGatewayNamespaces ?? [])];

function ruleFor(missing: Missing, gatewayNamespace: string): Record<string, unknown> {
  const to = (ns: string) => [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }];
  return missing === 'gateway-namespace'
    ? { to: to(gatewayNamespace) }
    : {
        to: to(DNS_NAMESPACE),
        ports: [
          { protocol: 'UDP', port: DNS_PORT },
          { protocol: 'TCP', port: DNS_PORT },
        ],
      };
}

export const networkpolicyBlocksEgress: Analyzer<State> = {
  code: 'networkpolicy-blocks-egress',
  severity: 'error',
  appliesTo: [{ group: 'networking.k8s.io', kind: 'NetworkPolicy' }],
  reads: ['VirtualService', 'Namespace', 'Service', 'Gateway', ...WORKLOAD_KINDS, ...MESH_CONFIG_KINDS],
  *check(np, { index, settings }) {
    const types: unknown[] = Array.isArray(np.spec.policyTypes) ? np.spec.policyTypes : np.spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
    if (!types.includes('Egress')) return;
    const ns = np.namespace;
    const selector = np.spec.podSelector;
    if (!isEmptySelector(selector) && !workloadsIn(index, ns).some((w) => w.kind !== 'WorkloadEntry' && labelSelectorMatches(selector, podLabels(w)))) return;
    const routes = meshRoutesToEgressGateway(index, settings, ns);
    if (routes.length === 0) return;
    const rules: Record<string, any>[] = Array.isArray(np.spec.egress) ? np.spec.egress.filter(isRecord) : [];
    const settingsNamespace = egressGatewayNamespace(settings);
    // The settings' gateway's namespace first, then those of the workspace's gateways.
    const gatewayNamespaces = [...new Set(routes.map((r) => r.gateway.namespace))].sort((a, b) => +(b === settingsNamespace) - +(a === settingsNamespace));
    const unreached = gatewayNamespaces.filter((g) => !rules.some((r) => reaches(r, g, namespaceLabels(index, g), ns) && allowsBeyondDns(r)));
    const dnsLabels = namespaceLabels(index, DNS_NAMESPACE);
    const missing: Missing[] = [];
    if (unreached.length > 0) missing.push('gateway-namespace');
    if (!rules.some((r) => reaches(r, DNS_NAMESPACE, dnsLabels, ns) && allowsPort(r, DNS_PORT))) missing.push('dns');
    if (missing.length === 0) return;
    const egressIndex = Array.isArray(np.spec.policyTypes) ? np.spec.policyTypes.indexOf('Egress') : -1;
    const span = egressIndex >= 0 ? spanAtPath(np.document.ast, ['spec', 'policyTypes', egressIndex]) : spanAtPath(np.document.ast, ['spec', 'egress'], 'key');
    if (!span) return;
    const related: RelatedLocation[] = [];
    for (const { vs, route } of routes.slice(0, 3)) {
      const at = spanAtPath(vs.document.ast, [...route.path, 'host']);
      if (at) related.push({ uri: vs.uri, ...at, message: `VirtualService "${vs.name}" sends this namespace's traffic to the egress gateway` });
    }
    const [gatewayNamespace = settingsNamespace, ...otherGatewayNamespaces] = unreached;
    const named = routes.find((r) => r.gateway.namespace === gatewayNamespace) ?? routes[0];
    yield {
      ...span,
      related,
      state: {
        namespace: ns,
        gatewayNamespace,
        ...(otherGatewayNamespaces.length > 0 ? { otherGatewayNamespaces } : {}),
        ...(gatewayNamespace !== settingsNamespace ? { workspaceGateway: true } : {}),
        missing,
        virtualService: named.vs.name,
        docIndex: np.docIndex,
        ...(namespaceOrigin(np) ? { namespaceOrigin: namespaceOrigin(np) } : {}),
      },
    };
  },
  message: (s) => {
    const gateways = gatewayNamespacesOf(s);
    const what = s.missing.flatMap((m) =>
      m === 'dns'
        ? [`DNS (port ${DNS_PORT} in ${DNS_NAMESPACE})`]
        : gateways.map((g, i) => `namespace "${g}" (${i === 0 && !s.workspaceGateway ? 'the egress gateway and istiod' : 'an egress gateway'})`),
    );
    const add = s.missing.flatMap((m) => (m === 'dns' ? [`port ${DNS_PORT} in ${DNS_NAMESPACE}`] : gateways));
    return (
      `This NetworkPolicy limits egress from "${s.namespace}"${s.namespaceOrigin ?? ''}, whose traffic ` +
      `VirtualService "${s.virtualService}" sends through the egress gateway, but it allows no traffic to ` +
      `${what.join(' nor to ')}: requests from the sidecars time out. Add egress rules to ${add.join(' and to ')}.`
    );
  },
  fix: (s, { file }) => {
    const doc = file.documents.find((d) => d.index === s.docIndex);
    if (!doc) return [];
    const rules = s.missing.flatMap((m) => (m === 'dns' ? [ruleFor(m, '')] : gatewayNamespacesOf(s).map((g) => ruleFor(m, g))));
    const egress = doc.ast.getIn(['spec', 'egress'], true);
    let edit;
    if (egress === undefined || egress === null) {
      if (!isMap(doc.ast.getIn(['spec'], true))) return [];
      edit = insertMapEntry(file.text, doc.ast, ['spec'], 'egress', toYaml(rules));
    } else if (isSeq(egress) && !egress.flow && egress.items.length > 0) {
      const edits = rules.map((r) => appendSequenceItem(file.text, doc.ast, ['spec', 'egress'], toYaml(r)));
      if (edits.some((e) => !e)) return [];
      edit = { ...edits[0]!, newText: edits.map((e) => e!.newText).join('') };
    }
    const title = `Allow egress to ${s.missing.flatMap((m) => (m === 'dns' ? ['DNS'] : gatewayNamespacesOf(s))).join(' and ')}`;
    return edit ? [{ title, isPreferred: true, fixAllSafe: true, edits: [edit] }] : [];
  },
};

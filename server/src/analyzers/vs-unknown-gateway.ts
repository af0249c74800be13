/**
 * A VirtualService names a gateway (in `spec.gateways` or in a match's `gateways`) that no Istio
 * Gateway defines. Istio then binds its rules to nothing on that gateway: the egress gateway has
 * no route for the host and answers 404 (HTTP) or drops the connection (TLS, TCP), while the
 * sidecars keep sending traffic to it.
 *
 * A short name refers to a Gateway in the VirtualService's own namespace. When the Gateway lives
 * elsewhere, usually `istio-system`, write `<namespace>/<name>`; the quick fix does that, or
 * corrects a misspelt name to the closest existing Gateway.
 * Kubernetes Gateway API Gateways (`gateway.networking.k8s.io`) do not count: a VirtualService
 * binds to Istio Gateways (`networking.istio.io`) only.
 * A namespace that a file does not write is `default` only if kubectl -n or a kustomization does not
 * say otherwise, so the message says where it was assumed (the VirtualService's, or the Gateway's found elsewhere),
 * or which kustomization set it.
 * Overlaps istioctl IST0101 (gateway) and Kiali KIA1102.
 */
import { istioNetworking, type Analyzer, type Hit } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, GATEWAY_API, type Resource } from '../parse/resource';
import type { IndexReader } from '../index/workspace-index';
import { parseGatewayRef, findGateway, gatewayReferences, type GatewayRef } from '../mesh/gateways';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { closestMatch } from '../schema/suggest';
import { replaceScalar } from '../edits/yaml-edits';
import { inNamespace, namespaceOrigin } from '../index/namespace-origin';

interface State {
  /** The reference as written. */
  ref: string;
  name: string;
  namespace: string;
  /** Namespaces that do have an Istio Gateway of this name. */
  elsewhere: string[];
  /** What to write instead, when one answer is clear. */
  replacement?: string;
  /** True when a Gateway API Gateway of this name exists where the reference points. */
  kubernetesGateway?: boolean;
  /** Where `namespace` comes from when the reference is short and the VirtualService's namespace is not written (see namespace-origin.ts). */
  namespaceOrigin?: string;
  /** Namespaces of `elsewhere` that only come from a file writing no namespace. */
  elsewhereAssumed?: string[];
  /** For each of `elsewhere`, where a kustomization set it, when one did. */
  elsewhereOrigins?: string[];
}

function nameLocation(r: Resource, message: string): RelatedLocation | undefined {
  const span = nameSpanOf(r.document);
  return span && { uri: r.uri, ...span, message };
}

const qualified = (gw: Resource) => `${gw.namespace}/${gw.name}`;

/** The Istio Gateways of this name in any namespace. */
const gatewaysNamed = (index: IndexReader, name: string) => index.withTag('Gateway', `name:${name}`).filter((g) => g.group === ISTIO_NETWORKING);

/** Did-you-mean answers by list of names (the index keeps one list while nothing changes): a VirtualService often repeats a reference. */
const nearestNames = new WeakMap<readonly string[], Map<string, string | undefined>>();

function nearestName(name: string, names: readonly string[]): string | undefined {
  let answers = nearestNames.get(names);
  if (!answers) nearestNames.set(names, (answers = new Map()));
  if (!answers.has(name)) answers.set(name, closestMatch(name, names));
  return answers.get(name);
}

/** Why a reference does not resolve, and what it most likely meant. Compares with every Gateway name, so only for misses. */
function diagnose(index: IndexReader, ref: string, target: GatewayRef, vs: Resource): { state: State; related: RelatedLocation[] } {
  const sameName = gatewaysNamed(index, target.name).filter((g) => g.namespace !== target.namespace);
  const state: State = {
    ref,
    name: target.name,
    namespace: target.namespace,
    elsewhere: [...new Set(sameName.map((g) => g.namespace))].sort(),
  };
  const origin = target.qualified ? '' : namespaceOrigin(vs);
  if (origin) state.namespaceOrigin = origin;
  const assumed = state.elsewhere.filter((ns) => sameName.every((g) => g.namespace !== ns || !g.namespaceExplicit));
  if (assumed.length > 0) state.elsewhereAssumed = assumed;
  const origins = state.elsewhere.map((ns) => {
    const g = sameName.find((x) => x.namespace === ns && x.namespaceFrom !== undefined);
    return g ? namespaceOrigin(g, vs.uri) : '';
  });
  if (origins.some((o) => o !== '')) state.elsewhereOrigins = origins;
  if (index.find(GATEWAY_API, 'Gateway', target.namespace, target.name).length > 0) state.kubernetesGateway = true;
  if (sameName.length > 0) {
    if (state.elsewhere.length === 1) state.replacement = `${state.elsewhere[0]}/${target.name}`;
    return { state, related: sameName.flatMap((g) => nameLocation(g, `Gateway "${g.name}" in ${inNamespace(g, vs.uri)}`) ?? []) };
  }
  // A Gateway API Gateway of that very name is what the author meant; a near Istio name would be a guess.
  if (state.kubernetesGateway) return { state, related: [] };
  const best = nearestName(target.name, index.namesOf('Gateway', ISTIO_NETWORKING));
  if (best === undefined) return { state, related: [] };
  const candidates = gatewaysNamed(index, best);
  const rank = (g: Resource) => (g.namespace === target.namespace ? 0 : g.namespace === vs.namespace ? 1 : g.namespace === 'istio-system' ? 2 : 3);
  const gw = [...candidates].sort((a, b) => rank(a) - rank(b))[0];
  state.replacement = !target.qualified && gw.namespace === vs.namespace ? gw.name : qualified(gw);
  return { state, related: [nameLocation(gw, `Gateway "${gw.name}" defined here`)].filter((x): x is RelatedLocation => !!x) };
}

export const vsUnknownGateway: Analyzer<State> = {
  code: 'vs-unknown-gateway',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: ['Gateway'],
  *check(vs, { index }) {
    for (const { ref, path } of gatewayReferences(vs)) {
      const target = parseGatewayRef(ref.trim(), vs.namespace, vs.namespaceExplicit);
      if (!target || findGateway(index, target).length > 0) continue;
      const span = spanAtPath(vs.document.ast, path);
      if (!span) continue;
      const { state, related } = diagnose(index, ref, target, vs);
      const hit: Hit<State> = { ...span, state };
      if (related.length > 0) hit.related = related;
      yield hit;
    }
  },
  message: (s) => {
    const head = `No Gateway "${s.name}" in namespace "${s.namespace}"${s.namespaceOrigin ?? ''}`;
    const where = (i: number) => `"${s.elsewhere[i]}"${s.elsewhereOrigins?.[i] ?? ''}`;
    if (s.elsewhere.length === 1 && s.elsewhereAssumed?.length)
      return (
        `${head}; it exists in "${s.elsewhere[0]}" as far as its file says, which writes no namespace (kubectl -n or a ` +
        `kustomization may put it in "${s.namespace}"): if it stays in "${s.elsewhere[0]}", ` +
        `write "${s.elsewhere[0]}/${s.name}".`
      );
    if (s.elsewhere.length === 1) return `${head}; it exists in ${where(0)}: write "${s.elsewhere[0]}/${s.name}".`;
    if (s.elsewhere.length > 1)
      return `${head}; it exists in ${s.elsewhere.map((_, i) => where(i)).join(', ')}: write "<namespace>/${s.name}" for the one you mean.`;
    if (s.kubernetesGateway)
      return (
        `${head}: "${s.name}" there is a Kubernetes Gateway API Gateway, and a VirtualService binds only to Istio ` +
        'Gateways (networking.istio.io). Use an HTTPRoute or TLSRoute, or define an Istio Gateway.'
      );
    if (s.replacement) return `${head}; did you mean "${s.replacement}"? These rules apply on no gateway as written.`;
    return `${head}: these rules apply on no gateway. Define the Gateway, or name an existing one.`;
  },
  fix: (s, { file, span }) => {
    if (!s.replacement) return [];
    return [{ title: `Change to "${s.replacement}"`, isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, s.replacement)] }];
  },
};

/**
 * A `credentialName` (in a DestinationRule's client TLS, or a Gateway server's TLS) names a Secret that
 * the workspace does not have in the namespace where the proxy reads it, so the proxy gets no
 * certificate: TLS origination or termination fails, typically with a handshake error or a 503.
 * The namespace is the proxy's, not the resource's: the gateway's pods' namespace for a Gateway and
 * for a DestinationRule applied at the egress gateway (istio-system by default), the rule's own
 * namespace for a DestinationRule with a `workloadSelector`. A `<name>-cacert` Secret counts as well
 * (the CA-only form of older Istio docs).
 * Checked only when the workspace declares at least one Secret; when the Secret exists in another
 * namespace, the message says which. Overlaps istioctl IST0101 (credentialName) for Gateways.
 */
import type { Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { spanAtPath, type YamlPath } from '../parse/yaml-path';
import type { IndexReader } from '../index/workspace-index';
import type { Settings } from '../settings';
import { egressGatewayNamespace, gatewayApplyingDestinationRule, ROOT_NAMESPACE, selectsEgressGateway, tlsBlocks, workloadsMatching, WORKLOAD_KINDS } from '../index/mesh';
import { isRecord } from '../data';

interface State {
  secret: string;
  /** The namespace the proxy reads the Secret from (the first, when it may be one of several). */
  namespace: string;
  /** Who reads it, as a clause for the message ("the egress gateway reads it"). */
  reader: string;
  /** Namespaces where a Secret of that name exists instead. */
  elsewhere: string[];
}


interface Reference {
  path: YamlPath;
  name: string;
  namespaces: string[];
  reader: string;
}

function destinationRuleReferences(dr: Resource, index: IndexReader, settings: Settings): Reference[] {
  const out: Reference[] = [];
  let target: { namespaces: string[]; reader: string } | undefined;
  for (const b of tlsBlocks(dr)) {
    if (typeof b.tls.credentialName !== 'string' || b.tls.credentialName.trim() === '') continue;
    if (!target) {
      const gateway = dr.spec.workloadSelector === undefined ? gatewayApplyingDestinationRule(index, settings, dr) : undefined;
      target =
        gateway === undefined
          ? { namespaces: [dr.namespace], reader: dr.spec.workloadSelector === undefined ? 'the sidecars of this namespace read it' : 'the sidecars this rule selects read it' }
          : { namespaces: [gateway], reader: gateway === egressGatewayNamespace(settings) ? 'the egress gateway reads it' : 'the gateway there reads it' };
    }
    out.push({ path: [...b.path, 'credentialName'], name: b.tls.credentialName.trim(), ...target });
  }
  return out;
}

/** The namespaces of the pods a Gateway selects: declared workloads, else the egress gateway's or the usual ones. */
function gatewayPodNamespaces(gw: Resource, index: IndexReader, settings: Settings): string[] {
  const selector = isRecord(gw.spec.selector) ? Object.fromEntries(Object.entries(gw.spec.selector).map(([k, v]) => [k, String(v)])) : {};
  const declared = new Set(workloadsMatching(index, selector).map((w) => w.namespace));
  if (declared.size > 0) return [...declared];
  if (selectsEgressGateway(gw, settings)) return [egressGatewayNamespace(settings)];
  // The pods are not in the workspace: istio-system is Istio's default, and gateways are often
  // deployed beside their Gateway resource.
  return [...new Set([ROOT_NAMESPACE, gw.namespace])];
}

function gatewayReferences(gw: Resource, index: IndexReader, settings: Settings): Reference[] {
  const out: Reference[] = [];
  let namespaces: string[] | undefined;
  const servers: unknown[] = Array.isArray(gw.spec.servers) ? gw.spec.servers : [];
  servers.forEach((s, i) => {
    if (!isRecord(s) || !isRecord(s.tls)) return;
    const names: { path: YamlPath; name: unknown }[] = [{ path: ['spec', 'servers', i, 'tls', 'credentialName'], name: s.tls.credentialName }];
    if (Array.isArray(s.tls.credentialNames)) s.tls.credentialNames.forEach((name: unknown, j: number) => names.push({ path: ['spec', 'servers', i, 'tls', 'credentialNames', j], name }));
    for (const { path, name } of names) {
      if (typeof name !== 'string' || name.trim() === '') continue;
      namespaces ??= gatewayPodNamespaces(gw, index, settings);
      out.push({ path, name: name.trim(), namespaces, reader: "the gateway's pods read it" });
    }
  });
  return out;
}

export const credentialSecretMissing: Analyzer<State> = {
  code: 'credential-secret-missing',
  severity: 'error',
  appliesTo: ['DestinationRule', 'Gateway'],
  reads: ['Secret', 'Gateway', ...WORKLOAD_KINDS],
  *check(r, { index, settings }) {
    if (r.group !== ISTIO_NETWORKING || index.countOfKind('Secret') === 0) return;
    const refs = r.kind === 'Gateway' ? gatewayReferences(r, index, settings) : destinationRuleReferences(r, index, settings);
    for (const ref of refs) {
      // Other credential sources (`configmap://`, SDS URLs) are not Secrets.
      if (ref.name.includes('://')) continue;
      let { name, namespaces } = ref;
      const slash = name.indexOf('/');
      if (slash >= 0) {
        namespaces = [name.slice(0, slash)];
        name = name.slice(slash + 1);
      }
      const secretIn = (ns: string) => index.find('', 'Secret', ns, name).length > 0 || index.find('', 'Secret', ns, `${name}-cacert`).length > 0;
      if (namespaces.some(secretIn)) continue;
      const others = index.ofKind('Secret', '').filter((s) => s.name === name || s.name === `${name}-cacert`);
      const related: RelatedLocation[] = [];
      for (const s of others) {
        const span = spanAtPath(s.document.ast, ['metadata', 'name']);
        if (span) related.push({ uri: s.uri, ...span, message: `Secret "${s.name}" in namespace "${s.namespace}"` });
      }
      const span = spanAtPath(r.document.ast, ref.path);
      if (span) yield { ...span, related, state: { secret: name, namespace: namespaces[0], reader: ref.reader, elsewhere: [...new Set(others.map((s) => s.namespace))].sort() } };
    }
  },
  message: (s) => {
    const where = `No Secret "${s.secret}" in namespace "${s.namespace}", where ${s.reader}`;
    return s.elsewhere.length > 0
      ? `${where}; the workspace has it in ${s.elsewhere.map((n) => `"${n}"`).join(', ')}. Create the Secret in "${s.namespace}".`
      : `${where}, so the proxy has no certificate and TLS fails. Create the Secret in "${s.namespace}".`;
  },
};

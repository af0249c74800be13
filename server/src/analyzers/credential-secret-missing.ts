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
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { inNamespace, namespaceOrigin } from '../index/namespace-origin';
import { credentialReferences, secretsForCredential } from '../mesh/credentials';
import { WORKLOAD_KINDS } from '../mesh/workloads';

interface State {
  secret: string;
  /** The namespace the proxy reads the Secret from (the first, when it may be one of several). */
  namespace: string;
  /** Who reads it, as a clause for the message ("the egress gateway reads it"). */
  reader: string;
  /** Namespaces where a Secret of that name exists instead. */
  elsewhere: string[];
  /** Where `namespace` comes from when it is the resource's own and its file does not write it (see namespace-origin.ts). */
  namespaceOrigin?: string;
}

export const credentialSecretMissing: Analyzer<State> = {
  code: 'credential-secret-missing',
  severity: 'error',
  appliesTo: istioNetworking('DestinationRule', 'Gateway'),
  reads: ['Secret', 'Gateway', ...WORKLOAD_KINDS],
  *check(r, { index, settings }) {
    if (index.countOfKind('Secret') === 0) return;
    for (const ref of credentialReferences(r, index, settings)) {
      const { name, namespaces } = ref;
      if (secretsForCredential(index, ref).length > 0) continue;
      const others = index.ofKind('Secret', '').filter((s) => s.name === name || s.name === `${name}-cacert`);
      const related: RelatedLocation[] = [];
      for (const s of others) {
        const span = nameSpanOf(s.document);
        if (span) related.push({ uri: s.uri, ...span, message: `Secret "${s.name}" in ${inNamespace(s, r.uri)}` });
      }
      const span = spanAtPath(r.document.ast, ref.path);
      const origin = namespaces[0] === r.namespace ? namespaceOrigin(r) : '';
      if (span)
        yield {
          ...span,
          related,
          state: {
            secret: name,
            namespace: namespaces[0],
            reader: ref.reader,
            elsewhere: [...new Set(others.map((s) => s.namespace))].sort(),
            ...(origin ? { namespaceOrigin: origin } : {}),
          },
        };
    }
  },
  message: (s) => {
    const where = `No Secret "${s.secret}" in namespace "${s.namespace}"${s.namespaceOrigin ?? ''}, where ${s.reader}`;
    return s.elsewhere.length > 0
      ? `${where}; the workspace has it in ${s.elsewhere.map((n) => `"${n}"`).join(', ')}. Create the Secret in "${s.namespace}".`
      : `${where}, so the proxy has no certificate and TLS fails. Create the Secret in "${s.namespace}".`;
  },
};

/**
 * A DestinationRule asks for mutual TLS (`tls.mode: MUTUAL`) but gives no client certificate: neither
 * `credentialName` nor both `clientCertificate` and `privateKey`. Istio rejects it ("client certificate
 * required for mutual tls"), and a server that requires a client certificate would refuse the connection anyway.
 * Name a Secret holding the client key pair with `credentialName`.
 *
 * As a warning, the same code flags `credentialName` in a DestinationRule that has no
 * `workloadSelector` and is not applied at a gateway: sidecars load credentials only for rules with a
 * `workloadSelector` (Istio's TLS origination task: it "works only when DR has a workloadSelector"), so
 * the sidecars connect without the certificate. Add a `workloadSelector` for the client pods, or apply
 * the rule in the namespace of the egress gateway that originates TLS (istio-system by default).
 */
import { namespaceOrigin } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import { spanAtPath } from '../parse/yaml-path';
import { egressGatewayNamespace } from '../mesh/gateways';
import { gatewayApplyingDestinationRule } from '../mesh/destination-rules';
import { ORIGINATING_TLS_MODES, tlsBlocks } from '../mesh/client-tls';
import { WORKLOAD_KINDS } from '../mesh/workloads';

type State =
  | { problem: 'no-client-certificate'; where: string; missing: string[] }
  | { problem: 'credential-ignored'; credentialName: string; namespace: string; gatewayNamespace: string; namespaceOrigin?: string };

const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/** "port 443 of subset v1", "subset v1", "port 443" or "the rule". */
function whereOf(port: number | undefined, subset: string | undefined): string {
  const parts = [port !== undefined ? `port ${port}` : '', subset !== undefined ? `subset "${subset}"` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' of ') : 'the rule';
}

export const drMutualMissingCredentials: Analyzer<State> = {
  code: 'dr-mutual-missing-credentials',
  severity: 'error',
  appliesTo: istioNetworking('DestinationRule'),
  reads: ['VirtualService', 'Gateway', 'DestinationRule', 'ServiceEntry', 'Service', 'IstioOperator', 'ConfigMap', ...WORKLOAD_KINDS],
  *check(dr, { index, settings }) {
    let appliedAtGateway: string | undefined | null = null;
    for (const b of tlsBlocks(dr)) {
      const hasCredential = nonEmpty(b.tls.credentialName);
      if (b.mode === 'MUTUAL' && !hasCredential && !(nonEmpty(b.tls.clientCertificate) && nonEmpty(b.tls.privateKey))) {
        const span = spanAtPath(dr.document.ast, [...b.path, 'mode']);
        const missing = nonEmpty(b.tls.clientCertificate) ? ['privateKey'] : nonEmpty(b.tls.privateKey) ? ['clientCertificate'] : [];
        if (span) yield { ...span, state: { problem: 'no-client-certificate', where: whereOf(b.port, b.subset), missing } };
        continue;
      }
      if (!hasCredential || !ORIGINATING_TLS_MODES.has(b.mode) || dr.spec.workloadSelector !== undefined) continue;
      if (appliedAtGateway === null) appliedAtGateway = gatewayApplyingDestinationRule(index, settings, dr);
      if (appliedAtGateway !== undefined) continue;
      const span = spanAtPath(dr.document.ast, [...b.path, 'credentialName'], 'key');
      if (span) {
        const state: State = {
          problem: 'credential-ignored',
          credentialName: String(b.tls.credentialName),
          namespace: dr.namespace,
          gatewayNamespace: egressGatewayNamespace(settings),
          ...(namespaceOrigin(dr) ? { namespaceOrigin: namespaceOrigin(dr) } : {}),
        };
        yield { ...span, severity: 'warning', state };
      }
    }
  },
  message: (s) =>
    s.problem === 'no-client-certificate'
      ? s.missing.length > 0
        ? `tls.mode MUTUAL for ${s.where} sets a client certificate but no ` +
          `${s.missing[0]}; Istio rejects this DestinationRule. Add ` +
          `${s.missing[0]}, or use credentialName with a Secret holding tls.crt and tls.key.`
        : `tls.mode MUTUAL for ${s.where} gives no client certificate; Istio rejects this DestinationRule ("client ` +
          'certificate required for mutual tls"). Set credentialName to a Secret holding tls.crt and tls.key (or ' +
          'clientCertificate and privateKey).'
      : `Sidecars load credentialName "${s.credentialName}" only from a DestinationRule with a workloadSelector, ` +
        `and no gateway runs in namespace "${s.namespace}"${s.namespaceOrigin ?? ''}: ` +
        'the sidecars would connect without the client certificate. ' +
        `Add workloadSelector.matchLabels for the client pods, or apply this rule in "${s.gatewayNamespace}" where the ` +
        'egress gateway originates TLS.',
};

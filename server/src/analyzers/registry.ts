/**
 * Every analyzer, in one sorted list. A new analyzer is one file, one fixture folder and one line here.
 */
import type { Analyzer } from './analyzer';
import { apiVersionDeprecated } from './api-version-deprecated';
import { credentialSecretMissing } from './credential-secret-missing';
import { drCaCertificates } from './dr-ca-certificates';
import { drInvalid } from './dr-invalid';
import { drMutualMissingCredentials } from './dr-mutual-missing-credentials';
import { drUnknownHost } from './dr-unknown-host';
import { egressMtlsMismatch } from './egress-mtls-mismatch';
import { gatewayConflict } from './gateway-conflict';
import { gatewayDuplicateCertificate } from './gateway-duplicate-certificate';
import { gatewayInvalid } from './gateway-invalid';
import { gatewayPassthroughHttp } from './gateway-passthrough-http';
import { gatewayPortNotInService } from './gateway-port-not-in-service';
import { gatewaySelectorNoWorkload } from './gateway-selector-no-workload';
import { istioApiRemoved } from './istio-api-removed';
import { metadataNameInvalid } from './metadata-name-invalid';
import { networkpolicyBlocksEgress } from './networkpolicy-blocks-egress';
import { rootSidecarHidesEgress } from './root-sidecar-hides-egress';
import { seAddressesRequired } from './se-addresses-required';
import { seConflictingProtocol } from './se-conflicting-protocol';
import { seDuplicateHost } from './se-duplicate-host';
import { seInvalid } from './se-invalid';
import { seResolutionNoneGateway } from './se-resolution-none-gateway';
import { seWildcardDns } from './se-wildcard-dns';
import { sidecarHidesEgress } from './sidecar-hides-egress';
import { sidecarInvalid } from './sidecar-invalid';
import { sidecarSelector } from './sidecar-selector';
import { tlsDoubleEncryption } from './tls-double-encryption';
import { tlsOriginationPlainPort } from './tls-origination-plain-port';
import { vsDestinationPort } from './vs-destination-port';
import { vsDuplicateMeshHost } from './vs-duplicate-mesh-host';
import { vsGatewayHostMismatch } from './vs-gateway-host-mismatch';
import { vsGatewayPortUnbound } from './vs-gateway-port-unbound';
import { vsHiddenWhereItRuns } from './vs-hidden-where-it-runs';
import { vsHttpOnTcpPort } from './vs-http-on-tcp-port';
import { vsIneffectiveMatch } from './vs-ineffective-match';
import { vsInvalid } from './vs-invalid';
import { vsMeshGatewayMissing } from './vs-mesh-gateway-missing';
import { vsPlainHttpToTlsPort } from './vs-plain-http-to-tls-port';
import { vsProtocolMismatch } from './vs-protocol-mismatch';
import { vsRouteLoop } from './vs-route-loop';
import { vsUnknownGateway } from './vs-unknown-gateway';
import { vsUnknownHost } from './vs-unknown-host';
import { vsUnknownSubset } from './vs-unknown-subset';
import { vsUnreachableRule } from './vs-unreachable-rule';
import { vsWildcardOnlyHost } from './vs-wildcard-only-host';
import { workloadentryInvalid } from './workloadentry-invalid';

export const ANALYZERS: readonly Analyzer[] = [
  apiVersionDeprecated,
  credentialSecretMissing,
  drCaCertificates,
  drInvalid,
  drMutualMissingCredentials,
  drUnknownHost,
  egressMtlsMismatch,
  gatewayConflict,
  gatewayDuplicateCertificate,
  gatewayInvalid,
  gatewayPassthroughHttp,
  gatewayPortNotInService,
  gatewaySelectorNoWorkload,
  istioApiRemoved,
  metadataNameInvalid,
  networkpolicyBlocksEgress,
  rootSidecarHidesEgress,
  seAddressesRequired,
  seConflictingProtocol,
  seDuplicateHost,
  seInvalid,
  seResolutionNoneGateway,
  seWildcardDns,
  sidecarHidesEgress,
  sidecarInvalid,
  sidecarSelector,
  tlsDoubleEncryption,
  tlsOriginationPlainPort,
  vsDestinationPort,
  vsDuplicateMeshHost,
  vsGatewayHostMismatch,
  vsGatewayPortUnbound,
  vsHiddenWhereItRuns,
  vsHttpOnTcpPort,
  vsIneffectiveMatch,
  vsInvalid,
  vsMeshGatewayMissing,
  vsPlainHttpToTlsPort,
  vsProtocolMismatch,
  vsRouteLoop,
  vsUnknownGateway,
  vsUnknownHost,
  vsUnknownSubset,
  vsUnreachableRule,
  vsWildcardOnlyHost,
  workloadentryInvalid,
];

const byCode = new Map(ANALYZERS.map((a) => [a.code, a]));

export function analyzerFor(code: string): Analyzer | undefined {
  return byCode.get(code);
}

/**
 * Every analyzer, in one sorted list. A new analyzer is one file, one fixture folder and one line here.
 */
import type { Analyzer } from './analyzer';
import { apiVersionDeprecated } from './api-version-deprecated';
import { credentialSecretMissing } from './credential-secret-missing';
import { drMutualMissingCredentials } from './dr-mutual-missing-credentials';
import { drUnknownHost } from './dr-unknown-host';
import { egressMtlsMismatch } from './egress-mtls-mismatch';
import { gatewayPassthroughHttp } from './gateway-passthrough-http';
import { gatewaySelectorNoWorkload } from './gateway-selector-no-workload';
import { networkpolicyBlocksEgress } from './networkpolicy-blocks-egress';
import { seConflictingProtocol } from './se-conflicting-protocol';
import { seDuplicateHost } from './se-duplicate-host';
import { seResolutionNoneGateway } from './se-resolution-none-gateway';
import { seWildcardDns } from './se-wildcard-dns';
import { sidecarHidesEgress } from './sidecar-hides-egress';
import { tlsDoubleEncryption } from './tls-double-encryption';
import { tlsOriginationPlainPort } from './tls-origination-plain-port';
import { vsDestinationPort } from './vs-destination-port';
import { vsDuplicateMeshHost } from './vs-duplicate-mesh-host';
import { vsGatewayHostMismatch } from './vs-gateway-host-mismatch';
import { vsGatewayPortUnbound } from './vs-gateway-port-unbound';
import { vsMeshGatewayMissing } from './vs-mesh-gateway-missing';
import { vsProtocolMismatch } from './vs-protocol-mismatch';
import { vsRouteLoop } from './vs-route-loop';
import { vsUnknownGateway } from './vs-unknown-gateway';
import { vsUnknownHost } from './vs-unknown-host';
import { vsUnknownSubset } from './vs-unknown-subset';

export const ANALYZERS: readonly Analyzer[] = [
  apiVersionDeprecated,
  credentialSecretMissing,
  drMutualMissingCredentials,
  drUnknownHost,
  egressMtlsMismatch,
  gatewayPassthroughHttp,
  gatewaySelectorNoWorkload,
  networkpolicyBlocksEgress,
  seConflictingProtocol,
  seDuplicateHost,
  seResolutionNoneGateway,
  seWildcardDns,
  sidecarHidesEgress,
  tlsDoubleEncryption,
  tlsOriginationPlainPort,
  vsDestinationPort,
  vsDuplicateMeshHost,
  vsGatewayHostMismatch,
  vsGatewayPortUnbound,
  vsMeshGatewayMissing,
  vsProtocolMismatch,
  vsRouteLoop,
  vsUnknownGateway,
  vsUnknownHost,
  vsUnknownSubset,
];

const byCode = new Map(ANALYZERS.map((a) => [a.code, a]));

export function analyzerFor(code: string): Analyzer | undefined {
  return byCode.get(code);
}

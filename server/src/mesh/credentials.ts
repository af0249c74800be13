/**
 * Where a proxy reads the Secrets a Gateway (server TLS) or DestinationRule (client TLS) names in
 * `credentialName`: in the written `namespace/` prefix, else in the namespace of the proxy that applies
 * it (the gateway's pods, or the sidecars of the rule's namespace), and which Secrets a reference finds
 * there (pilot/pkg/model/credentials.go).
 */
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { Settings } from '../settings';
import type { YamlPath } from '../parse/yaml-path';
import { isRecord } from '../data';
import { egressGatewayNamespace, gatewayPlacement } from './gateways';
import type { IndexReader } from '../index/workspace-index';
import { tlsBlocks } from './client-tls';
import { gatewayApplyingDestinationRule } from './destination-rules';

/** A `credentialName` (or `credentialNames` entry) of a DestinationRule or Gateway, with the namespaces where the proxy reads the Secret. */
export interface CredentialReference {
  path: YamlPath;
  /** The value as written, trimmed. */
  written: string;
  /** The Secret's name (after a `namespace/` prefix, when one is written). */
  name: string;
  /** Where the proxy looks for it: the written namespace, or the proxy's. */
  namespaces: string[];
  /** Who reads it, as a clause for messages ("the egress gateway reads it"). */
  reader: string;
}

interface RawCredential {
  path: YamlPath;
  value: unknown;
  namespaces: () => string[];
  reader: string;
}

/**
 * Where the proxy that applies a DestinationRule's client TLS reads its Secrets: the gateway's
 * namespace when a gateway applies the rule, else the rule's own namespace (its sidecars).
 */
function destinationRuleCredentialReader(dr: Resource, index: IndexReader, settings: Settings): { namespaces: string[]; reader: string } {
  const gateway = dr.spec.workloadSelector === undefined ? gatewayApplyingDestinationRule(index, settings, dr) : undefined;
  return gateway === undefined
    ? {
        namespaces: [dr.namespace],
        reader: dr.spec.workloadSelector === undefined ? 'the sidecars of this namespace read it' : 'the sidecars this rule selects read it',
      }
    : { namespaces: [gateway], reader: gateway === egressGatewayNamespace(settings) ? 'the egress gateway reads it' : 'the gateway there reads it' };
}

/** The namespaces where the proxy applying a Gateway or DestinationRule reads a `credentialName` without a namespace prefix, and who that proxy is. */
export function credentialReader(r: Resource, index: IndexReader, settings: Settings): { namespaces: string[]; reader: string } {
  return r.kind === 'Gateway'
    ? { namespaces: gatewayPlacement(index, settings, r).namespaces, reader: "the gateway's pods read it" }
    : destinationRuleCredentialReader(r, index, settings);
}

function destinationRuleCredentials(dr: Resource, index: IndexReader, settings: Settings): RawCredential[] {
  let target: { namespaces: string[]; reader: string } | undefined;
  const resolve = () => (target ??= destinationRuleCredentialReader(dr, index, settings));
  return tlsBlocks(dr).map((b) => ({
    path: [...b.path, 'credentialName'],
    value: b.tls.credentialName,
    namespaces: () => resolve().namespaces,
    get reader() {
      return resolve().reader;
    },
  }));
}

function gatewayCredentials(gw: Resource, index: IndexReader, settings: Settings): RawCredential[] {
  const out: RawCredential[] = [];
  let namespaces: string[] | undefined;
  const podNamespaces = () => (namespaces ??= gatewayPlacement(index, settings, gw).namespaces);
  const servers: unknown[] = Array.isArray(gw.spec.servers) ? gw.spec.servers : [];
  servers.forEach((s, i) => {
    if (!isRecord(s) || !isRecord(s.tls)) return;
    out.push({
      path: ['spec', 'servers', i, 'tls', 'credentialName'],
      value: s.tls.credentialName,
      namespaces: podNamespaces,
      reader: "the gateway's pods read it",
    });
    if (Array.isArray(s.tls.credentialNames)) {
      s.tls.credentialNames.forEach((value: unknown, j: number) =>
        out.push({ path: ['spec', 'servers', i, 'tls', 'credentialNames', j], value, namespaces: podNamespaces, reader: "the gateway's pods read it" }),
      );
    }
  });
  return out;
}

/**
 * The Secret references of an Istio DestinationRule (client TLS) or Gateway (server TLS). The proxy
 * reads the Secret in its own namespace: the gateway pods' for a Gateway and for a DestinationRule
 * a gateway applies, the rule's own for sidecars (Istio's credentials.go, `credentialName` with an
 * optional `namespace/` prefix). Values that are not Secrets (`configmap://`, SDS URLs) are left out.
 */
export function credentialReferences(r: Resource, index: IndexReader, settings: Settings): CredentialReference[] {
  if (r.group !== ISTIO_NETWORKING || (r.kind !== 'Gateway' && r.kind !== 'DestinationRule')) return [];
  const raw = r.kind === 'Gateway' ? gatewayCredentials(r, index, settings) : destinationRuleCredentials(r, index, settings);
  const out: CredentialReference[] = [];
  for (const c of raw) {
    if (typeof c.value !== 'string' || c.value.trim() === '' || c.value.includes('://')) continue;
    const written = c.value.trim();
    const slash = written.indexOf('/');
    const name = slash >= 0 ? written.slice(slash + 1) : written;
    const namespaces = slash >= 0 ? [written.slice(0, slash)] : c.namespaces();
    out.push({ path: c.path, written, name, namespaces, reader: c.reader });
  }
  return out;
}

/** The Secrets a credential reference finds where the proxy reads it (`<name>` or the CA-only `<name>-cacert`). */
export function secretsForCredential(index: IndexReader, ref: Pick<CredentialReference, 'name' | 'namespaces'>): Resource[] {
  return ref.namespaces.flatMap((ns) => [...index.find('', 'Secret', ns, ref.name), ...index.find('', 'Secret', ns, `${ref.name}-cacert`)]);
}

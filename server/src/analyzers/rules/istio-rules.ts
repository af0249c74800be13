/**
 * Istio validation rules shared by several kinds: workload selector labels, server TLS settings
 * (Gateway servers and Sidecar ingress), connection pools (DestinationRule and Sidecar), route
 * destinations (VirtualService and the Sidecar egress proxy), port names and exportTo lists.
 * Each adds its findings to a RuleHits; the CRD schema's own checks (required fields, enums, CEL)
 * are left to schema validation, so nothing is reported twice.
 */
import type { Resource } from '../../parse/resource';
import type { YamlPath } from '../../parse/yaml-path';
import { RuleHits, isRecord, listOf, text } from './rule-hits';
import {
  durationMs,
  exportToProblems,
  isDns1123Label,
  isIpAddress,
  isPartialWildcard,
  isValidCipherSuite,
  isValidPort,
  labelProblems,
  parseProtocol,
  wildcardDomainProblem,
} from '../../validation/istio-names';

/** Istio's message for a rule, quoted after our plain explanation. */
export const istio = (s: string) => ` (Istio: "${s}")`;

/**
 * `workloadSelector.labels` of a ServiceEntry or Sidecar: keys must be non-empty and without `*`
 * (a `*` in a value is the CRD's own check), and a selector without labels selects every workload.
 */
export function checkSelectorLabels(h: RuleHits, path: YamlPath, selector: unknown, owner: 'service entry' | 'sidecar'): void {
  if (selector === undefined || selector === null) return;
  const labels = isRecord(selector) && isRecord(selector.labels) ? selector.labels : {};
  for (const key of Object.keys(labels)) {
    if (key === '')
      h.error(
        [...path, 'labels', key],
        'selector-empty-key',
        `A workloadSelector label key cannot be empty.${istio(`empty key is not supported in selector`)}`,
        'key',
      );
    else if (key.includes('*'))
      h.error(
        [...path, 'labels', key],
        'selector-wildcard',
        `A workloadSelector cannot use "*" in a label key; list the exact labels.${istio('wildcard is not supported in selector')}`,
        'key',
      );
  }
  if (Object.keys(labels).length === 0) {
    h.warning(
      path,
      'selector-empty',
      `This workloadSelector has no labels, so it applies to every workload in the namespace; add labels or remove the selector.${istio(`${owner}: workload selector specified without labels, will be applied to all services in namespace`)}`,
      'key',
    );
  }
}

/** A port `name` as Istio requires it: a DNS-1123 label. */
export function checkPortName(h: RuleHits, path: YamlPath, name: unknown): void {
  if (typeof name !== 'string') return;
  if (!isDns1123Label(name))
    h.error(
      path,
      'port-name-invalid',
      `Port name "${name}" is not valid: use letters, digits and "-", starting and ending with a letter or digit (63 characters at most).${istio(`invalid port name: ${name}`)}`,
    );
}

/** A port `protocol` Istio knows; empty means sniffing and is accepted. */
export function checkProtocol(h: RuleHits, path: YamlPath, protocol: unknown): void {
  if (typeof protocol !== 'string' || protocol === '') return;
  if (!parseProtocol(protocol))
    h.error(
      path,
      'protocol-unsupported',
      `Protocol "${protocol}" is not one Istio knows: use HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, TCP, TLS, UDP, Mongo, Redis or MySQL.${istio(`unsupported protocol: ${protocol}`)}`,
    );
}

export function checkPortNumber(h: RuleHits, path: YamlPath, n: unknown, what = 'Port number'): void {
  if (typeof n !== 'number') return;
  if (!isValidPort(n)) h.error(path, 'port-number-invalid', `${what} ${n} is outside 1..65535.${istio(`port number ${n} must be in the range 1..65535`)}`);
}

/** `exportTo` of a ServiceEntry, VirtualService or DestinationRule. */
export function checkExportTo(h: RuleHits, namespace: string, exportTo: unknown, isServiceEntry: boolean, drWithSelector = false): void {
  for (const p of exportToProblems(namespace, exportTo, isServiceEntry, drWithSelector)) h.error(['spec', 'exportTo', p.index], p.rule, p.text);
}

/** Labels that must be valid Kubernetes labels (subset labels, endpoint labels, source labels). */
export function checkLabels(h: RuleHits, path: YamlPath, labels: unknown): void {
  for (const p of labelProblems(labels))
    h.error([...path, p.key], 'labels-invalid', `${p.problem}.${istio(p.onValue ? 'invalid tag value' : 'invalid tag key')}`, p.onValue ? 'value' : 'key');
}

const CERT_FIELDS = ['serverCertificate', 'privateKey', 'caCertificates', 'tlsCertificates', 'credentialName', 'credentialNames'] as const;

/**
 * Istio's `validateTLSOptions` for a Gateway server's (or Sidecar ingress's) `tls`: the certificate
 * fields each mode allows, one certificate source, cipher suites and CRLs. The CRD's CEL rules already
 * reject credentialName/credentialNames/tlsCertificates set together, so only combinations with
 * `serverCertificate` are reported here.
 */
export function checkServerTls(h: RuleHits, path: YamlPath, tls: unknown): void {
  if (!isRecord(tls)) return;
  const mode = typeof tls.mode === 'string' ? tls.mode : 'PASSTHROUGH';
  const min = tls.minProtocolVersion;
  const ciphers = listOf(tls.cipherSuites).filter((c): c is string => typeof c === 'string');
  if ((min === 'TLSV1_0' || min === 'TLSV1_1') && ciphers.length === 0) {
    h.warning(
      [...path, 'minProtocolVersion'],
      'tls-old-version-ciphers',
      `${min} clients need older cipher suites that Envoy no longer offers by default; list them in cipherSuites.${istio('TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.')}`,
    );
  }
  const seen = new Set<string>();
  listOf(tls.cipherSuites).forEach((c, i) => {
    if (typeof c !== 'string') return;
    if (!isValidCipherSuite(c))
      h.warning(
        [...path, 'cipherSuites', i],
        'tls-cipher-invalid',
        `"${c}" is not a cipher suite Envoy knows; it is ignored.${istio(`ignoring invalid cipher suites: [${c}]`)}`,
      );
    else if (seen.has(c))
      h.warning(
        [...path, 'cipherSuites', i],
        'tls-cipher-duplicate',
        `Cipher suite "${c}" is listed twice; the repeat is ignored.${istio(`ignoring duplicate cipher suites: [${c}]`)}`,
      );
    seen.add(c);
  });
  const has = (f: string) => (Array.isArray(tls[f]) ? tls[f].length > 0 : text(tls[f]) !== undefined);
  if (mode === 'ISTIO_MUTUAL') {
    const what: Record<string, string> = {
      serverCertificate: 'server certificate',
      privateKey: 'private key',
      caCertificates: 'CA bundle',
      tlsCertificates: 'tlsCertificates',
      credentialName: 'credentialName',
      credentialNames: 'credentialNames',
    };
    for (const f of CERT_FIELDS) {
      if (has(f))
        h.error(
          [...path, f],
          'tls-istio-mutual-certificates',
          `ISTIO_MUTUAL uses the mesh's own certificates; remove ${f}.${istio(`ISTIO_MUTUAL TLS cannot have associated ${what[f]}`)}`,
          'key',
        );
    }
    return;
  }
  if (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') {
    const used = [...CERT_FIELDS, 'caCrl'].filter(has);
    if (used.length > 0)
      h.warning(
        [...path, used[0]],
        'tls-passthrough-certificates',
        `${mode} forwards the client's TLS untouched, so ${used.join(', ')} ${used.length > 1 ? 'are' : 'is'} ignored; remove ${used.length > 1 ? 'them' : 'it'} or change the mode.${istio(`${mode} mode does not use certificates, they will be ignored`)}`,
        'key',
      );
  }
  const files = has('serverCertificate') && has('privateKey');
  const others = ['credentialName', 'credentialNames', 'tlsCertificates'].filter(has);
  if (files && others.length > 0) {
    h.error(
      [...path, 'serverCertificate'],
      'tls-multiple-sources',
      `Set one certificate source: serverCertificate/privateKey or ${others.join(', ')}, not both.${istio('only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified')}`,
      'key',
    );
  }
  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  const viaCredential = has('credentialName') || has('credentialNames');
  if (terminating && !viaCredential) {
    const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !has('caCertificates'))
      h.error(
        [...path, 'mode'],
        'tls-ca-required',
        `${mode} needs the CA that signs client certificates: set caCertificates, or credentialName with a ca.crt key.${istio(`${prefix} requires a client CA bundle`)}`,
      );
    const certs =
      Array.isArray(tls.tlsCertificates) && tls.tlsCertificates.length > 0
        ? tls.tlsCertificates.map((c, i) => ({ c: isRecord(c) ? c : {}, p: [...path, 'tlsCertificates', i] as YamlPath }))
        : [{ c: tls, p: path }];
    for (const { c, p } of certs) {
      if (!text(c.serverCertificate))
        h.error(
          [...p, c === tls ? 'mode' : 'serverCertificate'],
          'tls-certificate-required',
          `${mode} terminates TLS and needs a certificate: set credentialName (a Secret), or serverCertificate and privateKey.${istio(`${prefix} requires a server certificate`)}`,
        );
      if (!text(c.privateKey) && text(c.serverCertificate))
        h.error([...p, 'serverCertificate'], 'tls-key-required', `serverCertificate needs its privateKey.${istio(`${prefix} requires a private key`)}`, 'key');
    }
  }
  if (has('caCrl')) {
    if (has('credentialName'))
      h.error(
        [...path, 'caCrl'],
        'tls-crl-credential',
        `With credentialName the CRL comes from the Secret (key ca.crl); remove caCrl.${istio('CRL is not supported with credentialName. CRL has to be specified in the credential')}`,
        'key',
      );
    if (mode === 'SIMPLE')
      h.error(
        [...path, 'caCrl'],
        'tls-crl-simple',
        `SIMPLE TLS does not check client certificates, so a CRL has no use; remove caCrl or use MUTUAL.${istio('CRL is not supported with SIMPLE TLS')}`,
        'key',
      );
  }
}

const NON_NEGATIVE_HTTP: Record<string, string> = {
  http1MaxPendingRequests: 'http1 max pending requests',
  http2MaxRequests: 'http2 max requests',
  maxRequestsPerConnection: 'max requests per connection',
  maxRetries: 'max retries',
  maxConcurrentStreams: 'max concurrent streams',
};

/** Istio's `validateConnectionPool`. Durations below 1ms are the CRD's CEL check. */
export function checkConnectionPool(h: RuleHits, path: YamlPath, pool: unknown): void {
  if (!isRecord(pool)) return;
  if (!isRecord(pool.http) && !isRecord(pool.tcp)) {
    h.error(path, 'connection-pool-empty', `connectionPool needs http or tcp settings.${istio('connection pool must have at least one field')}`, 'key');
    return;
  }
  if (isRecord(pool.http)) {
    for (const [f, words] of Object.entries(NON_NEGATIVE_HTTP)) {
      const v = pool.http[f];
      if (typeof v === 'number' && v < 0)
        h.error([...path, 'http', f], 'connection-pool-negative', `${f} cannot be negative.${istio(`${words} must be non-negative`)}`);
    }
    if (pool.http.h2UpgradePolicy === 'UPGRADE' && pool.http.useClientProtocol === true) {
      h.error(
        [...path, 'http', 'useClientProtocol'],
        'connection-pool-h2-upgrade',
        `useClientProtocol: true contradicts h2UpgradePolicy: UPGRADE; keep one.${istio('use client protocol must not be true when H2UpgradePolicy is UPGRADE')}`,
        'key',
      );
    }
    const ka = pool.http.http2KeepAlive;
    if (isRecord(ka) && (ka.interval === undefined) !== (ka.timeout === undefined)) {
      h.error(
        [...path, 'http', 'http2KeepAlive'],
        'connection-pool-keepalive',
        'http2KeepAlive needs both interval and timeout; Istio rejects one without the other.',
        'key',
      );
    }
  }
  if (isRecord(pool.tcp) && typeof pool.tcp.maxConnections === 'number' && pool.tcp.maxConnections < 0) {
    h.error(
      [...path, 'tcp', 'maxConnections'],
      'connection-pool-negative',
      `maxConnections cannot be negative.${istio('max connections must be non-negative')}`,
    );
  }
}

/** A subset name as Istio requires it in a DestinationRule or a route destination. */
export function checkSubsetName(h: RuleHits, path: YamlPath, name: unknown): void {
  if (typeof name !== 'string') return;
  if (name === '') h.error(path, 'subset-name-invalid', `A subset name cannot be empty.${istio('subset name cannot be empty')}`);
  else if (!isDns1123Label(name))
    h.error(
      path,
      'subset-name-invalid',
      `Subset name "${name}" is not valid: use letters, digits and "-" (a DNS label, 63 characters at most).${istio(`subset name is invalid: ${name}`)}`,
    );
}

/** Istio's `validateDestination`: the host (not `*`, a valid domain), the subset name and the port. */
export function checkDestination(h: RuleHits, path: YamlPath, d: unknown): void {
  if (!isRecord(d)) return;
  if (typeof d.host === 'string') {
    if (d.host === '*')
      h.error(
        [...path, 'host'],
        'destination-host-wildcard',
        `A destination host cannot be "*": name the service to send traffic to.${istio('invalid destination host *')}`,
      );
    else {
      const p = wildcardDomainProblem(d.host);
      if (p) h.error([...path, 'host'], 'destination-host-invalid', `${capitalize(p)}.`);
    }
  }
  if (d.subset !== undefined && d.subset !== '') checkSubsetName(h, [...path, 'subset'], d.subset);
  if (isRecord(d.port) && typeof d.port.number === 'number') checkPortNumber(h, [...path, 'port', 'number'], d.port.number, 'Destination port');
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Whether a duration is a whole number of seconds (CORS maxAge). */
export function isWholeSeconds(value: unknown): boolean {
  const ms = durationMs(value);
  return ms === undefined || ms % 1000 === 0;
}

/** One problem of a Gateway server host or a Sidecar egress host. */
export interface HostProblem {
  rule: string;
  text: string;
  /** The corrected host, where there is an obvious one. */
  replacement?: string;
}

/**
 * Istio's `ValidateNamespaceSlashWildcardHostname`: `namespace/dnsName` (Sidecar egress hosts must
 * have the namespace; Gateway server hosts may omit it), where the namespace is `*`, `.`, a namespace
 * name or, in a Sidecar, `~`; and the dnsName is `*` or a domain with a dot (Gateways also accept an IP).
 */
export function namespaceHostProblems(host: string, isGateway: boolean): HostProblem[] {
  const owner = isGateway ? 'gateway' : 'sidecar';
  const slash = host.indexOf('/');
  if (slash < 0) {
    if (!isGateway)
      return [
        {
          rule: 'host-namespace-missing',
          replacement: `*/${host}`,
          text: `Sidecar egress hosts are written "namespace/host"; write "*/${host}" for any namespace, or "./${host}" for this one.${istio('host must be of form namespace/dnsName')}`,
        },
      ];
    return dnsNameProblems(host, true);
  }
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  const out: HostProblem[] = [];
  if (ns === '' || name === '')
    out.push({
      rule: 'host-empty-part',
      text: `"${host}" needs both a namespace and a host around "/".${istio('config namespace and dnsName in host entry cannot be empty')}`,
    });
  else if (ns !== '*' && ns !== '.' && !(ns === '~' && !isGateway) && !isDns1123Label(ns)) {
    out.push({
      rule: 'host-namespace-invalid',
      text: `"${ns}" is not a namespace: use a namespace name, "." for this namespace or "*" for any.${istio(`invalid namespace value "${ns}" in ${owner}`)}`,
    });
  }
  if (name !== '') out.push(...dnsNameProblems(name, isGateway));
  return out;
}

function dnsNameProblems(name: string, isGateway: boolean): HostProblem[] {
  const out: HostProblem[] = [];
  if (name !== '*' && !name.includes('.')) {
    out.push({
      rule: 'host-short-name',
      text: `"${name}" is a short name; write the full host (for a Kubernetes service, "${name}.<namespace>.svc.cluster.local").${istio('short names (non FQDN) are not allowed')}`,
    });
    return out;
  }
  const p = wildcardDomainProblem(name);
  if (p && !(isGateway && isIpAddress(name))) out.push({ rule: 'host-invalid', text: `${capitalize(p)}.` });
  else if (isPartialWildcard(name))
    out.push({
      rule: 'host-partial-wildcard',
      text: `"${name}" is a partial wildcard: "*" must be a whole first label, as in "*.example.com".${istio(`partial wildcard "${name}" not allowed`)}`,
    });
  return out;
}

/**
 * Istio's metadata checks for every kind but AuthorizationPolicy: no `istio.io/dry-run` annotation
 * (only authorization policies have a dry-run mode), and none of Istio's internal annotations.
 */
export function checkMetadata(h: RuleHits, r: Resource): void {
  for (const key of Object.keys(r.annotations)) {
    if (key === 'istio.io/dry-run') {
      h.error(
        ['metadata', 'annotations', key],
        'dry-run-annotation',
        `Only an AuthorizationPolicy has a dry-run mode; Istio rejects istio.io/dry-run on a ${r.kind}. Remove the annotation.${istio(`${r.namespace}/${r.name} has unsupported annotation istio.io/dry-run, please remove the annotation`)}`,
        'key',
      );
    } else if (key.startsWith('internal.istio.io/')) {
      h.error(
        ['metadata', 'annotations', key],
        'internal-annotation',
        `${key} is an annotation Istio sets on resources it generates; users may not set it. Remove it.${istio(`"${key}" annotation found, this may not be set by users`)}`,
        'key',
      );
    }
  }
}

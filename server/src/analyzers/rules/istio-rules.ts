/**
 * Istio validation rules shared by several kinds: workload selector labels, server TLS settings
 * (Gateway servers and Sidecar ingress), connection pools (DestinationRule and Sidecar), route
 * destinations (VirtualService and the Sidecar egress proxy), port names and exportTo lists.
 * Each adds its findings to a RuleHits; the CRD schema's own checks (required fields, enums, CEL)
 * are left to schema validation, so nothing is reported twice.
 */
import type { Resource } from '../../parse/resource';
import type { YamlPath } from '../../parse/yaml-path';
import { RuleHits, isRecord, listOf, text, type RuleMessages, type RuleProblem } from './rule-hits';
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

/** The messages of the rules these shared checks apply; each analyzer's table includes them. */
export const SHARED_RULE_MESSAGES = {
  'selector-empty-key': () => `A workloadSelector label key cannot be empty.${istio(`empty key is not supported in selector`)}`,
  'selector-wildcard': () => `A workloadSelector cannot use "*" in a label key; list the exact labels.${istio('wildcard is not supported in selector')}`,
  'selector-empty': (a: { owner: 'service entry' | 'sidecar' | 'destination rule' }) =>
    a.owner === 'destination rule'
      ? 'This workloadSelector has no matchLabels, so the rule applies to every workload in the namespace; ' +
        `add labels or remove the selector.${istio('workload selector specified without labels')}`
      : 'This workloadSelector has no labels, so it applies to every workload in the namespace; ' +
        `add labels or remove the selector.${istio(`${a.owner}: workload selector specified without labels, will be applied to all services in namespace`)}`,
  'port-name-invalid': (a: { name: string }) =>
    `Port name "${a.name}" is not valid: use letters, digits and "-", starting and ending with a letter or digit ` +
    `(63 characters at most).${istio(`invalid port name: ${a.name}`)}`,
  'protocol-unsupported': (a: { protocol: string }) =>
    `Protocol "${a.protocol}" is not one Istio knows: use HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, TCP, TLS, UDP, ` +
    `Mongo, Redis or MySQL.${istio(`unsupported protocol: ${a.protocol}`)}`,
  'port-number-invalid': (a: { variant?: undefined; what: string; n: number } | { variant: 'ingress'; n: string }) =>
    a.variant === 'ingress'
      ? `An ingress listener needs a port number in 1..65535.${istio(`port number ${a.n} must be in the range 1..65535`)}`
      : `${a.what} ${a.n} is outside 1..65535.${istio(`port number ${a.n} must be in the range 1..65535`)}`,
  'host-invalid': (a: { problem: string }) => `${capitalize(a.problem)}.`,
  'host-partial-wildcard': (a: { host: string }) => {
    const fixed = wholeLabelWildcard(a.host);
    const advice = fixed ? `write "${fixed}"` : 'use a whole-label wildcard such as "*.example.com"';
    return `"${a.host}" is a partial wildcard: Istio matches "*" only as a whole first label; ${advice}.${istio(`partial wildcard "${a.host}" not allowed`)}`;
  },
  'host-namespace-missing': (a: { host: string }) =>
    `Sidecar egress hosts are written "namespace/host"; write "*/${a.host}" for any namespace, ` +
    `or "./${a.host}" for this one.${istio('host must be of form namespace/dnsName')}`,
  'host-empty-part': (a: { host: string }) =>
    `"${a.host}" needs both a namespace and a host around "/".${istio('config namespace and dnsName in host entry cannot be empty')}`,
  'host-namespace-invalid': (a: { ns: string; owner: 'gateway' | 'sidecar' }) =>
    `"${a.ns}" is not a namespace: use a namespace name, "." ` +
    `for this namespace or "*" for any${a.owner === 'sidecar' ? ', with one "~" before it to leave those hosts out' : ''}.` +
    `${istio(`invalid namespace value "${a.ns}" in ${a.owner}`)}`,
  'host-short-name': (a: { name: string }) =>
    `"${a.name}" is a short name; write the full host (for a Kubernetes service, ` +
    `"${a.name}.<namespace>.svc.cluster.local").${istio('short names (non FQDN) are not allowed')}`,
  'exportto-duplicate': (a: { entry: string; namespace?: string }) =>
    a.namespace !== undefined
      ? `exportTo lists both "." and "${a.namespace}", which is this resource's own namespace; keep one.`
      : `exportTo lists "${a.entry}" twice; keep one.`,
  'exportto-none': () =>
    'exportTo "~" (visible to no one) is allowed only on a ServiceEntry; remove it, or use "." to keep this resource in its own namespace.',
  'exportto-invalid': (a: { entry: string }) => `exportTo entry "${a.entry}" is not valid: use ".", "*" or a namespace name.`,
  'exportto-selector': (a: { namespace?: string }) =>
    a.namespace !== undefined
      ? `A DestinationRule with a workloadSelector applies only to workloads in its own namespace; exportTo cannot reach beyond "${a.namespace}" (use ".").`
      : `A DestinationRule with a workloadSelector can export only to its own namespace; keep the single entry ".".`,
  'exportto-public-mixed': () => 'exportTo "*" already means every namespace; it cannot be combined with other entries.',
  'exportto-none-mixed': () => 'exportTo "~" means no one; it cannot be combined with other entries.',
  'labels-invalid': (a: { problem: string; onValue: boolean }) => `${a.problem}.${istio(a.onValue ? 'invalid tag value' : 'invalid tag key')}`,
  'tls-old-version-ciphers': (a: { min: string }) =>
    `${a.min} clients need older cipher suites that Envoy no longer offers by default; list them in cipherSuites.` +
    istio('TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.'),
  'tls-cipher-invalid': (a: { c: string }) => `"${a.c}" is not a cipher suite Envoy knows; it is ignored.${istio(`ignoring invalid cipher suites: [${a.c}]`)}`,
  'tls-cipher-duplicate': (a: { c: string }) =>
    `Cipher suite "${a.c}" is listed twice; the repeat is ignored.${istio(`ignoring duplicate cipher suites: [${a.c}]`)}`,
  'tls-istio-mutual-certificates': (a: { f: (typeof CERT_FIELDS)[number] }) =>
    `ISTIO_MUTUAL uses the mesh's own certificates; remove ${a.f}.${istio(`ISTIO_MUTUAL TLS cannot have associated ${CERT_FIELD_WORDS[a.f]}`)}`,
  'tls-passthrough-certificates': (a: { mode: 'PASSTHROUGH' | 'AUTO_PASSTHROUGH'; used: string[]; usedCount: number }) =>
    `${a.mode} forwards the client's TLS untouched, so ` +
    `${a.used.join(', ')} ${a.usedCount > 1 ? 'are' : 'is'} ignored; remove ` +
    `${a.usedCount > 1 ? 'them' : 'it'} or change the mode.` +
    `${istio(`${a.mode} mode does not use certificates, they will be ignored`)}`,
  'tls-multiple-sources': (a: { others: string[] }) =>
    `Set one certificate source: serverCertificate/privateKey or ${a.others.join(', ')}, not both.` +
    istio('only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified'),
  'tls-ca-required': (a: { mode: 'MUTUAL' | 'OPTIONAL_MUTUAL'; prefix: 'SIMPLE TLS' | 'MUTUAL TLS' }) =>
    `${a.mode} needs the CA that signs client certificates: set caCertificates, or credentialName with a ca.crt ` +
    `key.${istio(`${a.prefix} requires a client CA bundle`)}`,
  'tls-certificate-required': (a: { mode: 'SIMPLE' | 'MUTUAL' | 'OPTIONAL_MUTUAL'; prefix: 'SIMPLE TLS' | 'MUTUAL TLS' }) =>
    `${a.mode} terminates TLS and needs a certificate: set credentialName (a Secret), or serverCertificate and ` +
    `privateKey.${istio(`${a.prefix} requires a server certificate`)}`,
  'tls-key-required': (a: { prefix: 'SIMPLE TLS' | 'MUTUAL TLS' }) => `serverCertificate needs its privateKey.${istio(`${a.prefix} requires a private key`)}`,
  'tls-crl-credential': () =>
    'With credentialName the CRL comes from the Secret (key ca.crl); remove caCrl.' +
    istio('CRL is not supported with credentialName. CRL has to be specified in the credential'),
  'tls-crl-simple': () =>
    `SIMPLE TLS does not check client certificates, so a CRL has no use; remove caCrl or use MUTUAL.${istio('CRL is not supported with SIMPLE TLS')}`,
  'connection-pool-empty': () => `connectionPool needs http or tcp settings.${istio('connection pool must have at least one field')}`,
  'connection-pool-negative': (a: { variant: 'http'; f: string; words: string } | { variant: 'tcp' }) => {
    switch (a.variant) {
      case 'http':
        return `${a.f} cannot be negative.${istio(`${a.words} must be non-negative`)}`;
      case 'tcp':
        return `maxConnections cannot be negative.${istio('max connections must be non-negative')}`;
    }
  },
  'connection-pool-h2-upgrade': () =>
    `useClientProtocol: true contradicts h2UpgradePolicy: UPGRADE; keep one.${istio('use client protocol must not be true when H2UpgradePolicy is UPGRADE')}`,
  'connection-pool-keepalive': () => 'http2KeepAlive needs both interval and timeout; Istio rejects one without the other.',
  'subset-name-invalid': (a: { variant: 'empty' } | { variant: 'invalid'; name: string }) => {
    switch (a.variant) {
      case 'empty':
        return `A subset name cannot be empty.${istio('subset name cannot be empty')}`;
      case 'invalid':
        return (
          `Subset name "${a.name}" is not valid: use letters, digits and "-" (a DNS label, 63 characters at most).` +
          `${istio(`subset name is invalid: ${a.name}`)}`
        );
    }
  },
  'destination-host-wildcard': () => `A destination host cannot be "*": name the service to send traffic to.${istio('invalid destination host *')}`,
  'destination-host-invalid': (a: { problem: string }) => `${capitalize(a.problem)}.`,
  'dry-run-annotation': (a: { kind: string; namespace: string; name: string }) =>
    `Only an AuthorizationPolicy has a dry-run mode; Istio rejects istio.io/dry-run on a ${a.kind}. ` +
    `Remove the annotation.${istio(`${a.namespace}/${a.name} has unsupported annotation istio.io/dry-run, please remove the annotation`)}`,
  'internal-annotation': (a: { key: string }) =>
    `${a.key} is an annotation Istio sets on resources it generates; users may not set it. Remove it.` +
    `${istio(`"${a.key}" annotation found, this may not be set by users`)}`,
} satisfies RuleMessages;

type SharedMessages = typeof SHARED_RULE_MESSAGES;

/**
 * `workloadSelector.labels` of a ServiceEntry or Sidecar: keys must be non-empty and without `*`
 * (a `*` in a value is the CRD's own check), and a selector without labels selects every workload.
 */
export function checkSelectorLabels(h: RuleHits<SharedMessages>, path: YamlPath, selector: unknown, owner: 'service entry' | 'sidecar'): void {
  if (selector === undefined || selector === null) return;
  const labels = isRecord(selector) && isRecord(selector.labels) ? selector.labels : {};
  for (const key of Object.keys(labels)) {
    if (key === '') h.error([...path, 'labels', key], 'selector-empty-key', {}, 'key');
    else if (key.includes('*')) h.error([...path, 'labels', key], 'selector-wildcard', {}, 'key');
  }
  if (Object.keys(labels).length === 0) {
    h.warning(path, 'selector-empty', { owner }, 'key');
  }
}

/** A port `name` as Istio requires it: a DNS-1123 label. */
export function checkPortName(h: RuleHits<SharedMessages>, path: YamlPath, name: unknown): void {
  if (typeof name !== 'string') return;
  if (!isDns1123Label(name)) h.error(path, 'port-name-invalid', { name });
}

/** A port `protocol` Istio knows; empty means sniffing and is accepted. */
export function checkProtocol(h: RuleHits<SharedMessages>, path: YamlPath, protocol: unknown): void {
  if (typeof protocol !== 'string' || protocol === '') return;
  if (!parseProtocol(protocol)) h.error(path, 'protocol-unsupported', { protocol });
}

export function checkPortNumber(h: RuleHits<SharedMessages>, path: YamlPath, n: unknown, what = 'Port number'): void {
  if (typeof n !== 'number') return;
  if (!isValidPort(n)) h.error(path, 'port-number-invalid', { what, n });
}

/** `exportTo` of a ServiceEntry, VirtualService or DestinationRule. */
export function checkExportTo(h: RuleHits<SharedMessages>, namespace: string, exportTo: unknown, isServiceEntry: boolean, drWithSelector = false): void {
  for (const p of exportToProblems(namespace, exportTo, isServiceEntry, drWithSelector)) h.problem('error', ['spec', 'exportTo', p.index], p);
}

/** Labels that must be valid Kubernetes labels (subset labels, endpoint labels, source labels). */
export function checkLabels(h: RuleHits<SharedMessages>, path: YamlPath, labels: unknown): void {
  for (const p of labelProblems(labels)) h.error([...path, p.key], 'labels-invalid', { problem: p.problem, onValue: p.onValue }, p.onValue ? 'value' : 'key');
}

const CERT_FIELDS = ['serverCertificate', 'privateKey', 'caCertificates', 'tlsCertificates', 'credentialName', 'credentialNames'] as const;

/** How Istio's messages name each certificate field. */
const CERT_FIELD_WORDS: Record<(typeof CERT_FIELDS)[number], string> = {
  serverCertificate: 'server certificate',
  privateKey: 'private key',
  caCertificates: 'CA bundle',
  tlsCertificates: 'tlsCertificates',
  credentialName: 'credentialName',
  credentialNames: 'credentialNames',
};

/**
 * Istio's `validateTLSOptions` for a Gateway server's (or Sidecar ingress's) `tls`: the certificate
 * fields each mode allows, one certificate source, cipher suites and CRLs. The CRD's CEL rules already
 * reject credentialName/credentialNames/tlsCertificates set together, so only combinations with
 * `serverCertificate` are reported here.
 */
export function checkServerTls(h: RuleHits<SharedMessages>, path: YamlPath, tls: unknown): void {
  if (!isRecord(tls)) return;
  const mode = typeof tls.mode === 'string' ? tls.mode : 'PASSTHROUGH';
  const min = tls.minProtocolVersion;
  const ciphers = listOf(tls.cipherSuites).filter((c): c is string => typeof c === 'string');
  if ((min === 'TLSV1_0' || min === 'TLSV1_1') && ciphers.length === 0) {
    h.warning([...path, 'minProtocolVersion'], 'tls-old-version-ciphers', { min: String(min) });
  }
  const seen = new Set<string>();
  listOf(tls.cipherSuites).forEach((c, i) => {
    if (typeof c !== 'string') return;
    if (!isValidCipherSuite(c)) h.warning([...path, 'cipherSuites', i], 'tls-cipher-invalid', { c });
    else if (seen.has(c)) h.warning([...path, 'cipherSuites', i], 'tls-cipher-duplicate', { c });
    seen.add(c);
  });
  const has = (f: string) => (Array.isArray(tls[f]) ? tls[f].length > 0 : text(tls[f]) !== undefined);
  if (mode === 'ISTIO_MUTUAL') {
    for (const f of CERT_FIELDS) {
      if (has(f)) h.error([...path, f], 'tls-istio-mutual-certificates', { f }, 'key');
    }
    return;
  }
  if (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') {
    const used = [...CERT_FIELDS, 'caCrl'].filter(has);
    if (used.length > 0) h.warning([...path, used[0]], 'tls-passthrough-certificates', { mode, used, usedCount: used.length }, 'key');
  }
  const files = has('serverCertificate') && has('privateKey');
  const others = ['credentialName', 'credentialNames', 'tlsCertificates'].filter(has);
  if (files && others.length > 0) {
    h.error([...path, 'serverCertificate'], 'tls-multiple-sources', { others }, 'key');
  }
  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  const viaCredential = has('credentialName') || has('credentialNames');
  if (terminating && !viaCredential) {
    const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !has('caCertificates')) h.error([...path, 'mode'], 'tls-ca-required', { mode, prefix });
    const certs =
      Array.isArray(tls.tlsCertificates) && tls.tlsCertificates.length > 0
        ? tls.tlsCertificates.map((c, i) => ({ c: isRecord(c) ? c : {}, p: [...path, 'tlsCertificates', i] as YamlPath }))
        : [{ c: tls, p: path }];
    for (const { c, p } of certs) {
      if (!text(c.serverCertificate)) h.error([...p, c === tls ? 'mode' : 'serverCertificate'], 'tls-certificate-required', { mode, prefix });
      if (!text(c.privateKey) && text(c.serverCertificate)) h.error([...p, 'serverCertificate'], 'tls-key-required', { prefix }, 'key');
    }
  }
  if (has('caCrl')) {
    if (has('credentialName')) h.error([...path, 'caCrl'], 'tls-crl-credential', {}, 'key');
    if (mode === 'SIMPLE') h.error([...path, 'caCrl'], 'tls-crl-simple', {}, 'key');
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
export function checkConnectionPool(h: RuleHits<SharedMessages>, path: YamlPath, pool: unknown): void {
  if (!isRecord(pool)) return;
  if (!isRecord(pool.http) && !isRecord(pool.tcp)) {
    h.error(path, 'connection-pool-empty', {}, 'key');
    return;
  }
  if (isRecord(pool.http)) {
    for (const [f, words] of Object.entries(NON_NEGATIVE_HTTP)) {
      const v = pool.http[f];
      if (typeof v === 'number' && v < 0) h.error([...path, 'http', f], 'connection-pool-negative', { variant: 'http', f, words });
    }
    if (pool.http.h2UpgradePolicy === 'UPGRADE' && pool.http.useClientProtocol === true) {
      h.error([...path, 'http', 'useClientProtocol'], 'connection-pool-h2-upgrade', {}, 'key');
    }
    const ka = pool.http.http2KeepAlive;
    if (isRecord(ka) && (ka.interval === undefined) !== (ka.timeout === undefined)) {
      h.error([...path, 'http', 'http2KeepAlive'], 'connection-pool-keepalive', {}, 'key');
    }
  }
  if (isRecord(pool.tcp) && typeof pool.tcp.maxConnections === 'number' && pool.tcp.maxConnections < 0) {
    h.error([...path, 'tcp', 'maxConnections'], 'connection-pool-negative', { variant: 'tcp' });
  }
}

/** A subset name as Istio requires it in a DestinationRule or a route destination. */
export function checkSubsetName(h: RuleHits<SharedMessages>, path: YamlPath, name: unknown): void {
  if (typeof name !== 'string') return;
  if (name === '') h.error(path, 'subset-name-invalid', { variant: 'empty' });
  else if (!isDns1123Label(name)) h.error(path, 'subset-name-invalid', { variant: 'invalid', name });
}

/** Istio's `validateDestination`: the host (not `*`, a valid domain), the subset name and the port. */
export function checkDestination(h: RuleHits<SharedMessages>, path: YamlPath, d: unknown): void {
  if (!isRecord(d)) return;
  if (typeof d.host === 'string') {
    if (d.host === '*') h.error([...path, 'host'], 'destination-host-wildcard', {});
    else {
      const p = wildcardDomainProblem(d.host);
      if (p) h.error([...path, 'host'], 'destination-host-invalid', { problem: p });
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

/** One problem of a Gateway server host or a Sidecar egress host; `replacement` is the corrected host, where there is an obvious one. */
export type HostProblem = RuleProblem<SharedMessages>;

/** `*example.com` written as the whole-label wildcard `*.example.com`, when that is what it obviously means. */
export function wholeLabelWildcard(host: string): string | undefined {
  return /^\*[^*]+$/.test(host) ? `*.${host.slice(1)}` : undefined;
}

/**
 * Istio's `ValidateNamespaceSlashWildcardHostname`: `namespace/dnsName` (Sidecar egress hosts must
 * have the namespace; Gateway server hosts may omit it), where the namespace is `*`, `.`, a namespace
 * name or, in a Sidecar, `~`; and the dnsName is `*` or a domain with a dot (Gateways also accept an IP).
 */
export function namespaceHostProblems(host: string, isGateway: boolean): HostProblem[] {
  const owner = isGateway ? ('gateway' as const) : ('sidecar' as const);
  const slash = host.indexOf('/');
  if (slash < 0) {
    if (!isGateway)
      return [
        {
          rule: 'host-namespace-missing',
          replacement: `*/${host}`,
          args: { host },
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
      args: { host },
    });
  else if (!(isGateway ? gatewayHostNamespaceOk(ns) : sidecarHostNamespaceOk(ns))) {
    out.push({
      rule: 'host-namespace-invalid',
      args: { ns, owner },
    });
  }
  if (name !== '') out.push(...dnsNameProblems(name, isGateway));
  return out;
}

const gatewayHostNamespaceOk = (ns: string) => ns === '*' || ns === '.' || isDns1123Label(ns);

/** In a Sidecar, one `~` before the namespace makes the entry an exclusion (`~ns1/*`, `~/host`; Istio 1.31). */
function sidecarHostNamespaceOk(ns: string): boolean {
  const bare = ns.startsWith('~') ? ns.slice(1) : ns;
  return bare === '' || gatewayHostNamespaceOk(bare);
}

function dnsNameProblems(name: string, isGateway: boolean): HostProblem[] {
  const out: HostProblem[] = [];
  if (name !== '*' && !name.includes('.')) {
    out.push({
      rule: 'host-short-name',
      args: { name },
    });
    return out;
  }
  const p = wildcardDomainProblem(name);
  if (p && !(isGateway && isIpAddress(name))) out.push({ rule: 'host-invalid', args: { problem: p } });
  else if (isPartialWildcard(name))
    out.push({
      rule: 'host-partial-wildcard',
      args: { host: name },
    });
  return out;
}

/**
 * Istio's metadata checks for every kind but AuthorizationPolicy: no `istio.io/dry-run` annotation
 * (only authorization policies have a dry-run mode), and none of Istio's internal annotations.
 */
export function checkMetadata(h: RuleHits<SharedMessages>, r: Resource): void {
  for (const key of Object.keys(r.annotations)) {
    if (key === 'istio.io/dry-run') {
      h.error(['metadata', 'annotations', key], 'dry-run-annotation', { kind: r.kind, namespace: r.namespace, name: r.name }, 'key');
    } else if (key.startsWith('internal.istio.io/')) {
      h.error(['metadata', 'annotations', key], 'internal-annotation', { key }, 'key');
    }
  }
}

/**
 * A DestinationRule breaks one of Istio's own validation rules that the CRD schema does not express,
 * so Istio's admission webhook rejects it (errors), or admits it with a warning and the policy does
 * not do what it says (warnings). `istioctl analyze` reports the same as IST0106 and IST0133.
 * Each finding's `rule` says which check failed (and, as for every kind, `dry-run-annotation` and
 * `internal-annotation`: annotations Istio rejects):
 *
 * - `host-invalid`, `subset-duplicate`, `subset-name-invalid`, `labels-invalid`;
 * - `exportto-*` (a DestinationRule with a workloadSelector exports only to its own namespace),
 *   `selector-empty` (warning);
 * - `traffic-policy-empty`, `port-policy-port`, `port-policy-empty`: a policy must set something;
 * - `port-policy-duplicate` (warning): two portLevelSettings for one port, where only the first applies;
 * - `tls-*`: client TLS combinations (credentialName with certificate files, insecureSkipVerify with
 *   verification settings, configmap:// namespaces); MUTUAL without a client certificate is reported
 *   by `dr-mutual-missing-credentials`;
 * - `connection-pool-*`, `outlier-*` (consecutiveErrors is deprecated, a warning), `load-balancer-*`,
 *   `locality-*`, `tunnel-*`: the connection pool, outlier detection, load balancer and tunnel rules.
 *
 * Durations below 1ms, enums and required fields are the CRD's own checks.
 */
import { namespaceOrigin } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { YamlPath } from '../parse/yaml-path';
import { RuleHits, isRecord, listOf, text, ruleMessage, ruleMessages, type RuleState } from './rules/rule-hits';
import { checkConnectionPool, checkExportTo, checkLabels, checkSubsetName, istio, checkMetadata, SHARED_RULE_MESSAGES } from './rules/istio-rules';
import { fqdnProblem, isIpAddress, isValidPort, wildcardDomainProblem } from '../validation/istio-names';

export const drInvalid: Analyzer<RuleState> = {
  code: 'dr-invalid',
  severity: 'error',
  appliesTo: istioNetworking('DestinationRule'),
  reads: [],
  *check(r) {
    const s = r.spec;
    const h = new RuleHits<Messages>(r);
    checkMetadata(h, r);
    if (typeof s.host === 'string' && s.host !== '') {
      const p = wildcardDomainProblem(s.host);
      if (p) h.error(['spec', 'host'], 'host-invalid', { problem: p });
    }
    checkTrafficPolicy(h, ['spec', 'trafficPolicy'], s.trafficPolicy, r.namespace);
    const names = new Set<string>();
    listOf(s.subsets).forEach((subset, i) => {
      if (!isRecord(subset)) return;
      const path = ['spec', 'subsets', i];
      if (typeof subset.name === 'string') {
        if (names.has(subset.name)) h.error([...path, 'name'], 'subset-duplicate', { name: subset.name });
        names.add(subset.name);
      }
      checkSubsetName(h, [...path, 'name'], subset.name);
      checkLabels(h, [...path, 'labels'], subset.labels);
      checkTrafficPolicy(h, [...path, 'trafficPolicy'], subset.trafficPolicy, r.namespace);
    });
    const selector = s.workloadSelector;
    checkExportTo(h, r.namespace, s.exportTo, false, selector !== undefined && selector !== null);
    if (
      selector !== undefined &&
      selector !== null &&
      !(isRecord(selector) && isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0)
    ) {
      h.warning(['spec', 'workloadSelector'], 'selector-empty', { owner: 'destination rule' }, 'key');
    }
    yield* h.hits;
  },
  message: (s) => ruleMessage(MESSAGES, s),
  ruleOf: (s) => s.rule,
  get rules() {
    return Object.keys(MESSAGES);
  },
};

function checkTrafficPolicy(h: RuleHits<Messages>, path: YamlPath, tp: unknown, namespace: string): void {
  if (!isRecord(tp)) return;
  if (Object.keys(tp).length === 0) {
    h.error(path, 'traffic-policy-empty', {}, 'key');
    return;
  }
  if (tp.tunnel !== undefined && tp.proxyProtocol !== undefined) {
    h.error([...path, 'proxyProtocol'], 'tunnel-proxy-protocol', {}, 'key');
    return;
  }
  checkPolicyParts(h, path, tp, namespace);
  const seenPorts = new Map<number, number>();
  listOf(tp.portLevelSettings).forEach((pls, i) => {
    if (!isRecord(pls)) return;
    const p = [...path, 'portLevelSettings', i];
    const port = isRecord(pls.port) ? pls.port.number : undefined;
    if (!isRecord(pls.port)) h.error(p, 'port-policy-port', {});
    else if (typeof port === 'number') {
      const first = seenPorts.get(port);
      if (first !== undefined) h.warning([...p, 'port', 'number'], 'port-policy-duplicate', { port, first });
      else seenPorts.set(port, i);
    }
    if (pls.outlierDetection === undefined && pls.connectionPool === undefined && pls.loadBalancer === undefined && pls.tls === undefined) {
      h.error(p, 'port-policy-empty', {});
    } else checkPolicyParts(h, p, pls, namespace);
  });
  checkTunnel(h, [...path, 'tunnel'], tp.tunnel);
}

/** The parts a top-level, subset and port-level policy share. */
function checkPolicyParts(h: RuleHits<Messages>, path: YamlPath, tp: Record<string, any>, namespace: string): void {
  checkOutlier(h, [...path, 'outlierDetection'], tp.outlierDetection);
  checkConnectionPool(h, [...path, 'connectionPool'], tp.connectionPool);
  checkLoadBalancer(h, [...path, 'loadBalancer'], tp.loadBalancer, tp.outlierDetection);
  checkClientTls(h, [...path, 'tls'], tp.tls, namespace);
}

function checkOutlier(h: RuleHits<Messages>, path: YamlPath, o: unknown): void {
  if (!isRecord(o)) return;
  if (typeof o.consecutiveErrors === 'number' && o.consecutiveErrors !== 0) {
    h.warning([...path, 'consecutiveErrors'], 'outlier-consecutive-errors', {}, 'key');
  }
  if (typeof o.consecutiveLocalOriginFailures === 'number' && o.consecutiveLocalOriginFailures > 0 && o.splitExternalLocalOriginErrors !== true) {
    h.error([...path, 'consecutiveLocalOriginFailures'], 'outlier-local-origin', {}, 'key');
  }
  for (const f of ['maxEjectionPercent', 'minHealthPercent']) {
    const v = o[f];
    if (typeof v === 'number' && (v < 0 || v > 100)) h.error([...path, f], 'outlier-percent', { f, v });
  }
}

function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let f = 3; f * f <= x; f += 2) if (x % f === 0) return false;
  return true;
}

function checkLoadBalancer(h: RuleHits<Messages>, path: YamlPath, lb: unknown, outlier: unknown): void {
  if (!isRecord(lb)) return;
  const ch = lb.consistentHash;
  if (isRecord(ch)) {
    const cp = [...path, 'consistentHash'];
    if (isRecord(ch.httpCookie)) {
      if (ch.httpCookie.name === '') h.error([...cp, 'httpCookie', 'name'], 'load-balancer-cookie', { variant: 'no-name' });
      const seen = new Set<string>();
      listOf(ch.httpCookie.attributes).forEach((a, i) => {
        if (!isRecord(a) || typeof a.name !== 'string') return;
        if (a.name === '') h.error([...cp, 'httpCookie', 'attributes', i, 'name'], 'load-balancer-cookie', { variant: 'attribute-no-name' });
        else if (seen.has(a.name))
          h.error([...cp, 'httpCookie', 'attributes', i, 'name'], 'load-balancer-cookie', { variant: 'attribute-duplicate', name: a.name });
        seen.add(a.name);
      });
    }
    if (typeof ch.minimumRingSize === 'number' && ch.minimumRingSize !== 0) {
      h.warning([...cp, 'minimumRingSize'], 'load-balancer-ring-size', { variant: 'deprecated' }, 'key');
      if (ch.ringHash !== undefined || ch.maglev !== undefined) h.error([...cp, 'minimumRingSize'], 'load-balancer-ring-size', { variant: 'combined' }, 'key');
    }
    if (isRecord(ch.maglev)) {
      const size = ch.maglev.tableSize;
      const mp = [...cp, 'maglev', 'tableSize'];
      if (typeof size !== 'number' || size === 0) h.error(mp, 'load-balancer-maglev', { variant: 'no-size' }, typeof size === 'number' ? 'value' : 'key');
      else if (size >= 5000011) h.error(mp, 'load-balancer-maglev', { variant: 'too-large' });
      else if (!isPrime(size)) h.error(mp, 'load-balancer-maglev', { variant: 'not-prime', size });
    }
  }
  if (lb.localityLbSetting !== undefined && lb.zoneAwareLbSetting !== undefined) {
    h.error([...path, 'zoneAwareLbSetting'], 'locality-zone-aware', {}, 'key');
  }
  checkLocality(h, [...path, 'localityLbSetting'], lb.localityLbSetting, outlier);
  if (isRecord(lb.warmup) && typeof lb.warmup.aggression === 'number' && lb.warmup.aggression < 1) {
    h.error([...path, 'warmup', 'aggression'], 'load-balancer-warmup', {});
  }
}

const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

function checkLocality(h: RuleHits<Messages>, path: YamlPath, l: unknown, outlier: unknown): void {
  if (!isRecord(l)) return;
  const distribute = listOf(l.distribute);
  const failover = listOf(l.failover);
  const priority = listOf(l.failoverPriority);
  if (distribute.length > 0 && failover.length > 0) {
    h.error([...path, 'failover'], 'locality-distribute-failover', {}, 'key');
    return;
  }
  if (failover.length > 0) {
    const i = priority.findIndex((p) => typeof p === 'string' && TOPOLOGY_LABELS.has(p));
    if (i >= 0) h.error([...path, 'failoverPriority', i], 'locality-failover-priority', { label: String(priority[i]) });
  }
  distribute.forEach((d, i) => {
    if (!isRecord(d) || !isRecord(d.to)) return;
    const weights = Object.values(d.to).filter((w): w is number => typeof w === 'number');
    if (weights.some((w) => w <= 0 || w > 100)) h.error([...path, 'distribute', i, 'to'], 'locality-weight', { variant: 'range' }, 'key');
    else {
      const total = weights.reduce((a, b) => a + b, 0);
      if (total !== 100) h.error([...path, 'distribute', i, 'to'], 'locality-weight', { variant: 'total', total }, 'key');
    }
  });
  if ((failover.length > 0 || priority.length > 0) && outlier === undefined) {
    h.warning([...path, failover.length > 0 ? 'failover' : 'failoverPriority'], 'locality-outlier', {}, 'key');
  }
  failover.forEach((f, i) => {
    if (!isRecord(f)) return;
    const from = String(f.from ?? '');
    const to = String(f.to ?? '');
    const p = [...path, 'failover', i];
    if (from === to) h.error(p, 'locality-failover', { variant: 'same-region' });
    else if (from.includes('/') || to.includes('/')) h.error(p, 'locality-failover', { variant: 'zone' });
    else if (from.includes('*') || to.includes('*')) h.error(p, 'locality-failover', { variant: 'wildcard' });
  });
}

function checkTunnel(h: RuleHits<Messages>, path: YamlPath, t: unknown): void {
  if (!isRecord(t)) return;
  if (typeof t.protocol === 'string' && t.protocol !== '' && t.protocol !== 'CONNECT' && t.protocol !== 'POST') {
    h.error([...path, 'protocol'], 'tunnel-protocol', {});
  }
  if (typeof t.targetHost === 'string' && fqdnProblem(t.targetHost) && !isIpAddress(t.targetHost)) {
    h.error([...path, 'targetHost'], 'tunnel-target-host', { targetHost: t.targetHost });
  }
  if (typeof t.targetPort === 'number' && !isValidPort(t.targetPort)) {
    h.error([...path, 'targetPort'], 'tunnel-target-port', { targetPort: t.targetPort });
  }
}

/** Istio's `ValidateTLS` for a DestinationRule's client TLS settings. */
function checkClientTls(h: RuleHits<Messages>, path: YamlPath, tls: unknown, namespace: string): void {
  if (!isRecord(tls)) return;
  const mode = typeof tls.mode === 'string' ? tls.mode : 'DISABLE';
  const credential = text(tls.credentialName);
  if (credential?.startsWith('configmap://')) {
    const parts = credential.slice('configmap://'.length).split('/');
    const ns = parts.length === 2 ? parts[0] : parts.length === 1 ? namespace : undefined;
    if (ns === undefined || parts.some((p) => p === '')) h.error([...path, 'credentialName'], 'tls-configmap', { variant: 'form', credential });
    else if (ns !== namespace)
      h.error([...path, 'credentialName'], 'tls-configmap', { variant: 'namespace', namespace, ns, origin: namespaceOrigin(h.resource) });
  }
  const sans = listOf(tls.subjectAltNames).length > 0;
  if (tls.insecureSkipVerify === true) {
    if (mode === 'SIMPLE' && (text(tls.caCertificates) || credential || sans)) {
      h.error([...path, 'insecureSkipVerify'], 'tls-insecure-skip-verify', { variant: 'with-credential' }, 'key');
    }
    if (mode === 'MUTUAL' && (text(tls.caCertificates) || sans)) {
      h.error([...path, 'insecureSkipVerify'], 'tls-insecure-skip-verify', { variant: 'without-credential' }, 'key');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && credential) {
    const files = ['clientCertificate', 'caCertificates', 'privateKey', 'caCrl'].filter((f) => text(tls[f]));
    if (files.length > 0) {
      h.error([...path, files[0]], 'tls-credential-with-files', { credential, files }, 'key');
    }
  }
  // MUTUAL without a client certificate is dr-mutual-missing-credentials' finding.
}

/** The message of each rule, rendered from the arguments its check recorded. */
const MESSAGES = ruleMessages(SHARED_RULE_MESSAGES, {
  'subset-duplicate': (a: { name: string }) =>
    `Subset "${a.name}" is defined twice in this DestinationRule; rename or merge one.${istio(`duplicate subset names: ${a.name}`)}`,
  'traffic-policy-empty': () => `This trafficPolicy sets nothing; remove it or add settings.${istio('traffic policy must have at least one field')}`,
  'tunnel-proxy-protocol': () => `tunnel and proxyProtocol cannot be used together; keep one.${istio('tunnel and proxyProtocol must not be set together')}`,
  'port-policy-port': () => `This portLevelSettings entry needs a port.${istio('portTrafficPolicy must have valid port')}`,
  'port-policy-duplicate': (a: { port: number; first: number }) =>
    `portLevelSettings already has an entry for port ${a.port} (entry ${a.first + 1}); Istio applies only the first, so merge them.`,
  'port-policy-empty': () =>
    'This portLevelSettings entry sets nothing for its port; add tls, loadBalancer, connectionPool or ' +
    `outlierDetection, or remove it.${istio('port traffic policy must have at least one field')}`,
  'outlier-consecutive-errors': () =>
    'consecutiveErrors is deprecated; use consecutive5xxErrors (or consecutiveGatewayErrors for 502/503/504 only).' +
    istio('outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead'),
  'outlier-local-origin': () =>
    'consecutiveLocalOriginFailures counts only when splitExternalLocalOriginErrors is true; set it.' +
    istio('outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false'),
  'outlier-percent': (a: { f: string; v: number }) => `${a.f} must be between 0 and 100.${istio(`percentage ${a.v} is not in range 0..100`)}`,
  'load-balancer-cookie': (a: { variant: 'no-name' } | { variant: 'attribute-no-name' } | { variant: 'attribute-duplicate'; name: string }) => {
    switch (a.variant) {
      case 'no-name':
        return `The hash cookie needs a name.${istio('name required for HttpCookie')}`;
      case 'attribute-no-name':
        return 'A cookie attribute needs a name.';
      case 'attribute-duplicate':
        return `Cookie attribute "${a.name}" is listed twice.`;
    }
  },
  'load-balancer-ring-size': (a: { variant: 'deprecated' } | { variant: 'combined' }) => {
    switch (a.variant) {
      case 'deprecated':
        return (
          'consistentHash.minimumRingSize is deprecated; use ringHash.minimumRingSize.' +
          istio("consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead")
        );
      case 'combined':
        return `minimumRingSize cannot be combined with ringHash or maglev.${istio('only one of MinimumRingSize or Maglev/Ringhash can be specified')}`;
    }
  },
  'load-balancer-maglev': (a: { variant: 'no-size' } | { variant: 'too-large' } | { variant: 'not-prime'; size: number }) => {
    switch (a.variant) {
      case 'no-size':
        return `maglev needs a tableSize, a prime number such as 65537.${istio('tableSize must be set for maglev')}`;
      case 'too-large':
        return `maglev tableSize must be below 5000011.${istio('tableSize must be less than 5000011 for maglev')}`;
      case 'not-prime':
        return `maglev tableSize must be a prime number (such as 65537); ${a.size} is not.${istio('tableSize must be a prime number for maglev')}`;
    }
  },
  'locality-zone-aware': () => 'localityLbSetting and zoneAwareLbSetting cannot be used together; keep one.',
  'load-balancer-warmup': () => `warmup aggression must be at least 1.${istio('aggression should be greater than or equal to 1')}`,
  'locality-distribute-failover': () =>
    `distribute and failover cannot both be set; keep one.${istio("can not simultaneously specify 'distribute' and 'failover'")}`,
  'locality-failover-priority': (a: { label: string }) =>
    `failover already orders regions; failoverPriority cannot also use the topology label "${a.label}".` +
    `${istio(`can not simultaneously set 'failover' and topology label '${a.label}' in 'failover_priority'`)}`,
  'locality-weight': (a: { variant: 'range' } | { variant: 'total'; total: number }) => {
    switch (a.variant) {
      case 'range':
        return `Each locality weight must be between 1 and 100.${istio('locality weight must be in range [1, 100]')}`;
      case 'total':
        return `The weights in "to" add up to ${a.total}; they must add up to 100.${istio(`total locality weight ${a.total} != 100`)}`;
    }
  },
  'locality-outlier': () =>
    'Locality failover needs outlierDetection in the same traffic policy to notice unhealthy endpoints; ' +
    `without it traffic never fails over.${istio('outlier detection policy must be provided for failover')}`,
  'locality-failover': (a: { variant: 'same-region' } | { variant: 'zone' } | { variant: 'wildcard' }) => {
    switch (a.variant) {
      case 'same-region':
        return `A failover entry must go from one region to a different one.${istio('locality lb failover settings must specify different regions')}`;
      case 'zone':
        return `failover takes regions only, not zones ("region", not "region/zone").${istio('locality lb failover only specify region')}`;
      case 'wildcard':
        return `failover regions cannot contain "*".${istio("locality lb failover region should not contain '*' wildcard")}`;
    }
  },
  'tunnel-protocol': () => `Tunnel protocol must be CONNECT or POST.${istio('tunnel protocol must be "CONNECT" or "POST"')}`,
  'tunnel-target-host': (a: { targetHost: string }) =>
    `Tunnel targetHost "${a.targetHost}" is neither a host name nor an IP.${istio('tunnel target host must be valid FQDN or IP address')}`,
  'tunnel-target-port': (a: { targetPort: number }) =>
    `Tunnel targetPort ${a.targetPort} is outside 1..65535.` +
    `${istio(`tunnel target port is invalid: port number ${a.targetPort} must be in the range 1..65535`)}`,
  'tls-configmap': (a: { variant: 'form'; credential: string } | { variant: 'namespace'; namespace: string; ns: string; origin: string }) => {
    switch (a.variant) {
      case 'form':
        return (
          `"${a.credential}" is not a valid configmap:// reference; write configmap://<name> or ` +
          `configmap://<namespace>/<name>.${istio('invalid configmap:// credentialName')}`
        );
      case 'namespace':
        return (
          `A configmap:// credential must be in the DestinationRule's own namespace "${a.namespace}"${a.origin}, ` +
          `not "${a.ns}".${istio(`invalid configmap:// credentialName: namespace must match the configuration namespace "${a.namespace}"`)}`
        );
    }
  },
  'tls-insecure-skip-verify': (a: { variant: 'with-credential' } | { variant: 'without-credential' }) => {
    switch (a.variant) {
      case 'with-credential':
        return (
          'insecureSkipVerify: true turns off the very checks caCertificates, credentialName and subjectAltNames ' +
          `configure; remove one side.${istio('cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true')}`
        );
      case 'without-credential':
        return (
          'insecureSkipVerify: true turns off the checks caCertificates and subjectAltNames configure; remove one side.' +
          istio('cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true')
        );
    }
  },
  'tls-credential-with-files': (a: { credential: string; files: string[] }) =>
    `With credentialName the certificates come from the Secret "${a.credential}"; remove ${a.files.join(', ')}.` +
    istio('cannot specify client certificates or CA certificate or CA CRL If credentialName is set'),
});

type Messages = typeof MESSAGES;

/**
 * A Sidecar breaks one of Istio's own validation rules that the CRD schema does not express, so
 * Istio's admission webhook rejects it (errors) or admits it with a warning; `istioctl analyze`
 * reports IST0106 and IST0133. A rejected Sidecar never reaches the proxies, so the egress limits it
 * was meant to set (`egress[].hosts`, `outboundTrafficPolicy`) do not apply. Each finding's `rule`
 * says which check failed:
 *
 * - `dry-run-annotation`, `internal-annotation`: annotations Istio rejects on every kind but
 *   AuthorizationPolicy;
 * - `empty-config`: a Sidecar must set egress, ingress, outboundTrafficPolicy or inboundConnectionPool;
 * - `selector-empty` (warning), `selector-empty-key`, `selector-wildcard`;
 * - `egress-port-*`: at most one egress listener without a port, and it must be the last; unique
 *   port numbers and unix sockets; port 0 only with a `unix://` bind; `egress-capture-mode`: a unix
 *   socket listener needs captureMode DEFAULT or NONE;
 * - `egress-no-hosts`, `host-*`: egress hosts are `namespace/host` with a full host name or `*`;
 *   one `~` before the namespace makes an exclusion (`~ns1/*`, `~/api.example.com`, Istio 1.31 and later);
 * - `egress-host-duplicate`, `egress-host-all` (warnings): a host already covered, or the host that
 *   imports everything from every namespace listed together with others;
 * - `ingress-*`: ingress listener ports, binds, default endpoints and TLS settings;
 * - `egress-proxy-*`: `outboundTrafficPolicy.egressProxy` needs mode ALLOW_ANY, a full host name and a port,
 *   and is deprecated and ignored anyway (`egress-proxy-deprecated`, a warning; istioctl's IST0002);
 * - `port-*`, `protocol-unsupported`, `target-port`, `bind-invalid`, `tls-*`, `connection-pool-*`,
 *   `subset-name-invalid` (a destination subset must be a DNS label).
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { RuleHits, isRecord, listOf, replacementFix, text, ruleMessage, ruleMessages, type RuleState } from './rules/rule-hits';
import {
  checkConnectionPool,
  checkDestination,
  checkPortName,
  checkProtocol,
  checkSelectorLabels,
  checkServerTls,
  istio,
  namespaceHostProblems,
  capitalize,
  checkMetadata,
  SHARED_RULE_MESSAGES,
} from './rules/istio-rules';
import { fqdnProblem, isHttpProtocol, isIpAddress, isTlsProtocol, isValidPort, parseProtocol, unixAddressProblem } from '../validation/istio-names';

export const sidecarInvalid: Analyzer<RuleState> = {
  code: 'sidecar-invalid',
  severity: 'error',
  appliesTo: istioNetworking('Sidecar'),
  reads: [],
  *check(r) {
    const s = r.spec;
    const h = new RuleHits<Messages>(r);
    checkMetadata(h, r);
    checkSelectorLabels(h, ['spec', 'workloadSelector'], s.workloadSelector, 'sidecar');
    const egress = listOf(s.egress);
    const ingress = listOf(s.ingress);
    if (egress.length === 0 && ingress.length === 0 && s.outboundTrafficPolicy == null && s.inboundConnectionPool == null) {
      h.error(['metadata', 'name'], 'empty-config', {});
    }
    checkIngress(h, ingress);
    checkConnectionPool(h, ['spec', 'inboundConnectionPool'], s.inboundConnectionPool);
    checkEgress(h, egress, r.namespace);
    checkOutboundPolicy(h, s.outboundTrafficPolicy);
    yield* h.hits;
  },
  message: (s) => ruleMessage(MESSAGES, s),
  ruleOf: (s) => s.rule,
  get rules() {
    return Object.keys(MESSAGES);
  },
  fix: replacementFix,
};

const DEFAULT_ENDPOINT_HOSTS = new Set(['', '127.0.0.1', '0.0.0.0', '::1', '::']);

function checkIngress(h: RuleHits<Messages>, ingress: unknown[]): void {
  const ports = new Set<number>();
  ingress.forEach((listener, i) => {
    if (!isRecord(listener) || !isRecord(listener.port)) return;
    const path = ['spec', 'ingress', i];
    const port = listener.port;
    if (typeof port.targetPort === 'number' && port.targetPort > 0) h.error([...path, 'port', 'targetPort'], 'target-port', {}, 'key');
    if (text(port.name)) checkPortName(h, [...path, 'port', 'name'], port.name);
    checkProtocol(h, [...path, 'port', 'protocol'], port.protocol);
    if (!isValidPort(port.number ?? 0))
      h.error(
        [...path, 'port', 'number'],
        'port-number-invalid',
        { variant: 'ingress', n: String(port.number ?? 0) },
        port.number === undefined ? 'key' : 'value',
      );
    checkBind(h, [...path, 'bind'], listener.bind);
    if (typeof port.number === 'number') {
      if (ports.has(port.number)) h.error([...path, 'port', 'number'], 'port-duplicate', { number: port.number });
      ports.add(port.number);
    }
    checkDefaultEndpoint(h, [...path, 'defaultEndpoint'], listener.defaultEndpoint);
    const tls = listener.tls;
    if (isRecord(tls)) {
      const tp = [...path, 'tls'];
      const unsupported: [string, string][] = [
        ['subjectAltNames', 'subjectAltNames is not supported in ingress tls'],
        ['httpsRedirect', 'httpsRedirect is not supported'],
        ['credentialName', 'credentialName is not currently supported'],
        ['credentialNames', 'credentialNames is not currently supported'],
        ['tlsCertificates', 'tls_certificates is not currently supported'],
      ];
      for (const [f, t] of unsupported) {
        const v = tls[f];
        if (v === true || (Array.isArray(v) ? v.length > 0 : text(v))) h.error([...tp, f], 'ingress-tls-unsupported', { f, t }, 'key');
      }
      if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') h.error([...tp, 'mode'], 'ingress-tls-mode', { mode: String(tls.mode) });
      if (!isTlsProtocol(parseProtocol(port.protocol))) h.error([...path, 'port', 'protocol'], 'tls-on-non-tls', {});
      checkServerTls(h, tp, tls);
    }
    checkConnectionPool(h, [...path, 'connectionPool'], listener.connectionPool);
    if (isRecord(listener.connectionPool) && isRecord(listener.connectionPool.http) && !isHttpProtocol(parseProtocol(port.protocol))) {
      h.warning(
        [...path, 'connectionPool', 'http'],
        'connection-pool-http-non-http',
        { number: String(port.number), protocol: port.protocol == null ? undefined : String(port.protocol), name: String(port.name ?? '') },
        'key',
      );
    }
  });
}

function checkDefaultEndpoint(h: RuleHits<Messages>, path: (string | number)[], endpoint: unknown): void {
  if (typeof endpoint !== 'string' || endpoint === '') return;
  if (endpoint.startsWith('unix://')) {
    const p = unixAddressProblem(endpoint.slice('unix://'.length));
    if (p) h.error(path, 'ingress-default-endpoint', { variant: 'problem', problem: p });
    return;
  }
  const m = /^(?:\[([^\]]*)\]|([^:]*)):([^:]*)$/.exec(endpoint);
  const host = m ? (m[1] ?? m[2]) : undefined;
  const port = m ? Number(m[3]) : NaN;
  if (host === undefined || !DEFAULT_ENDPOINT_HOSTS.has(host) || !isValidPort(port)) {
    h.error(path, 'ingress-default-endpoint', { variant: 'form', endpoint });
  }
}

function checkBind(h: RuleHits<Messages>, path: (string | number)[], bind: unknown): void {
  if (typeof bind === 'string' && bind !== '' && !isIpAddress(bind)) h.error(path, 'bind-invalid', { variant: 'not-ip', bind });
}

function checkEgress(h: RuleHits<Messages>, egress: unknown[], namespace: string): void {
  const ports = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  egress.forEach((listener, i) => {
    if (!isRecord(listener)) return;
    const path = ['spec', 'egress', i];
    const port = isRecord(listener.port) ? listener.port : undefined;
    if (!port) {
      if (catchAll) h.error(path, 'egress-port-catch-all', { variant: 'twice' });
      else if (i === egress.length - 1) catchAll = true;
      else h.error(path, 'egress-port-catch-all', { variant: 'not-last' });
    } else {
      if (typeof port.targetPort === 'number' && port.targetPort > 0) h.error([...path, 'port', 'targetPort'], 'target-port', {}, 'key');
      if (text(port.name)) checkPortName(h, [...path, 'port', 'name'], port.name);
      checkProtocol(h, [...path, 'port', 'protocol'], port.protocol);
      const bind = typeof listener.bind === 'string' ? listener.bind : '';
      const number = typeof port.number === 'number' ? port.number : 0;
      if (number === 0) {
        if (!bind.startsWith('unix://')) h.error([...path, 'port'], 'egress-port-unix', {}, 'key');
        else {
          const p = unixAddressProblem(bind.slice('unix://'.length));
          if (p) h.error([...path, 'bind'], 'bind-invalid', { variant: 'problem', problem: p });
          if (sockets.has(bind)) h.error([...path, 'bind'], 'egress-port-duplicate', { variant: 'socket', bind });
          sockets.add(bind);
        }
        const mode = listener.captureMode;
        if (mode !== undefined && mode !== 'DEFAULT' && mode !== 'NONE') h.error([...path, 'captureMode'], 'egress-capture-mode', {});
      } else {
        if (!isValidPort(number)) h.error([...path, 'port', 'number'], 'port-number-invalid', { what: 'Port number', n: number });
        checkBind(h, [...path, 'bind'], listener.bind);
        if (ports.has(number)) h.error([...path, 'port', 'number'], 'egress-port-duplicate', { variant: 'port', number });
        ports.add(number);
      }
    }
    checkEgressHosts(h, path, listener.hosts, namespace);
  });
}

function checkEgressHosts(h: RuleHits<Messages>, path: (string | number)[], hosts: unknown, namespace: string): void {
  if (Array.isArray(hosts) && hosts.length === 0) {
    h.error([...path, 'hosts'], 'egress-no-hosts', {}, 'key');
    return;
  }
  const byNamespace = new Map<string, Set<string>>();
  let allIndex = -1;
  listOf(hosts).forEach((host, j) => {
    if (typeof host !== 'string') return;
    const hp = [...path, 'hosts', j];
    const slash = host.indexOf('/');
    // Exclusions (`~ns1/*`, `~/host`) take no part in the duplicate checks, as in Istio's ValidateSidecar.
    if (slash >= 0 && !host.startsWith('~')) {
      const ns = host.slice(0, slash) === '.' ? namespace : host.slice(0, slash);
      const svc = host.slice(slash + 1);
      let set = byNamespace.get(ns);
      if (!set) byNamespace.set(ns, (set = new Set()));
      if ((svc !== '*' && (set.has(svc) || set.has('*'))) || (svc === '*' && set.size > 0)) {
        h.warning(hp, 'egress-host-duplicate', { host });
      }
      set.add(svc);
      if (ns === '*' && svc === '*') allIndex = j;
    }
    for (const p of namespaceHostProblems(host, false)) h.problem('error', hp, p);
  });
  if (allIndex >= 0 && byNamespace.size !== 1) {
    h.warning([...path, 'hosts', allIndex], 'egress-host-all', {});
  }
}

function checkOutboundPolicy(h: RuleHits<Messages>, policy: unknown): void {
  if (!isRecord(policy) || policy.egressProxy == null) return;
  const path = ['spec', 'outboundTrafficPolicy'];
  const mode = typeof policy.mode === 'string' ? policy.mode : 'REGISTRY_ONLY';
  if (mode !== 'ALLOW_ANY') {
    h.error([...path, 'egressProxy'], 'egress-proxy-mode', { mode, defaulted: policy.mode === undefined }, 'key');
    return;
  }
  const proxy = policy.egressProxy;
  if (!isRecord(proxy)) return;
  h.warning([...path, 'egressProxy'], 'egress-proxy-deprecated', {}, 'key');
  if (typeof proxy.host === 'string') {
    const p = fqdnProblem(proxy.host);
    if (p) h.error([...path, 'egressProxy', 'host'], 'egress-proxy-host', { problem: p });
  }
  if (proxy.port == null) {
    h.error([...path, 'egressProxy'], 'egress-proxy-port', {}, 'key');
    return;
  }
  checkDestination(h, [...path, 'egressProxy'], { ...proxy, host: undefined });
}

/** The message of each rule, rendered from the arguments its check recorded. */
const MESSAGES = ruleMessages(SHARED_RULE_MESSAGES, {
  'empty-config': () =>
    `This Sidecar configures nothing: set egress, ingress, outboundTrafficPolicy or inboundConnectionPool.${istio('sidecar: empty configuration provided')}`,
  'target-port': () => `targetPort has no effect on a Sidecar listener; remove it.${istio('targetPort has no impact on Sidecars')}`,
  'port-duplicate': (a: { number: number }) =>
    `Port ${a.number} already has an ingress listener; ports must be unique.${istio('sidecar: ports on IP bound listeners must be unique')}`,
  'ingress-tls-unsupported': (a: { f: string; t: string }) =>
    `A Sidecar ingress listener cannot use ${a.f}; use serverCertificate, privateKey and caCertificates files.${istio(`sidecar: ${a.t}`)}`,
  'ingress-tls-mode': (a: { mode: string }) =>
    `A Sidecar ingress listener cannot use TLS mode ${a.mode}.${istio(`configuration is invalid: cannot set mode to ${a.mode} in sidecar ingress tls`)}`,
  'tls-on-non-tls': () => `A listener with tls settings needs protocol HTTPS or TLS.${istio('server cannot have TLS settings for non HTTPS/TLS ports')}`,
  'connection-pool-http-non-http': (a: { number: string; protocol?: string; name: string }) =>
    `Port ${a.number} is not HTTP (${a.protocol ?? 'no protocol'}), so these HTTP connection pool settings do not ` +
    `apply; only tcp settings do.${istio(
      'sidecar: HTTP connection pool settings are configured for port ' +
        `${a.number} ("${a.name}") but its protocol is not HTTP (${a.protocol ?? ''}); ` +
        'only TCP settings will apply',
    )}`,
  'ingress-default-endpoint': (a: { variant: 'problem'; problem: string } | { variant: 'form'; endpoint: string }) => {
    switch (a.variant) {
      case 'problem':
        return `${capitalize(a.problem)}.`;
      case 'form':
        return (
          `defaultEndpoint "${a.endpoint}" must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, ` +
          `[::]:<port> or unix://<path>.${istio(
            'sidecar: defaultEndpoint must be of form ' + '127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset',
          )}`
        );
    }
  },
  'bind-invalid': (a: { variant: 'not-ip'; bind: string } | { variant: 'problem'; problem: string }) => {
    switch (a.variant) {
      case 'not-ip':
        return `bind "${a.bind}" is not an IP address.${istio(`${a.bind} is not a valid IP`)}`;
      case 'problem':
        return `${capitalize(a.problem)}.`;
    }
  },
  'egress-port-catch-all': (a: { variant: 'twice' } | { variant: 'not-last' }) => {
    switch (a.variant) {
      case 'twice':
        return `Only one egress listener may omit the port.${istio('sidecar: egress can have only one listener with empty port')}`;
      case 'not-last':
        return (
          'The egress listener without a port catches everything, so it must be the last one in the list.' +
          istio('sidecar: the egress listener with empty port should be the last listener in the list')
        );
    }
  },
  'egress-port-unix': () =>
    'Port 0 is only for a listener bound to a unix socket (bind: unix://<path>); give a port number.' +
    istio('sidecar: ports with 0 value must have a unix domain socket bind address'),
  'egress-port-duplicate': (a: { variant: 'socket'; bind: string } | { variant: 'port'; number: number }) => {
    switch (a.variant) {
      case 'socket':
        return (
          `Socket ${a.bind} already has an egress listener; sockets must be unique.` + istio('sidecar: unix domain socket values for listeners must be unique')
        );
      case 'port':
        return `Port ${a.number} already has an egress listener; ports must be unique.${istio('sidecar: ports on IP bound listeners must be unique')}`;
    }
  },
  'egress-capture-mode': () =>
    `A unix socket listener needs captureMode DEFAULT or NONE.${istio('sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners')}`,
  'egress-no-hosts': () =>
    `An egress listener needs at least one host, such as "./*" or "istio-system/*".${istio('sidecar: egress listener must contain at least one host')}`,
  'egress-host-duplicate': (a: { host: string }) =>
    `"${a.host}" is already covered by another host of this listener; remove it.${istio(`duplicated egress host: ${a.host}`)}`,
  'egress-host-all': () =>
    '"*/*" already imports every host from every namespace; the other hosts of this listener add nothing.' +
    istio('`*/*` host select all resources, no other hosts can be added'),
  'egress-proxy-mode': (a: { mode: string; defaulted: boolean }) =>
    'egressProxy takes unknown destinations, which exist only with mode ALLOW_ANY (this policy is ' +
    `${a.mode}${a.defaulted ? ', the default' : ''}).` +
    istio('sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode'),
  'egress-proxy-deprecated': () =>
    'egressProxy is deprecated, and istioctl reports that Istio ignores it: ' +
    'do not rely on it to send unknown destinations through a proxy; route them with a ServiceEntry and a ' +
    'VirtualService instead. (Istio, IST0002: "Deprecated: OutboundTrafficPolicy.EgressProxy ignored")',
  'egress-proxy-host': (a: { problem: string }) => `${capitalize(a.problem)}.`,
  'egress-proxy-port': () => `egressProxy needs a port.${istio('sidecar: egress_proxy port must be non-nil')}`,
});

type Messages = typeof MESSAGES;

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
 * - `egress-host-duplicate`, `egress-host-all` (warnings): a host already covered, or the host that
 *   imports everything from every namespace listed together with others;
 * - `ingress-*`: ingress listener ports, binds, default endpoints and TLS settings;
 * - `egress-proxy-*`: `outboundTrafficPolicy.egressProxy` needs mode ALLOW_ANY, a full host name and a port,
 *   and is deprecated and ignored anyway (`egress-proxy-deprecated`, a warning; istioctl's IST0002);
 * - `port-*`, `protocol-unsupported`, `target-port`, `bind-invalid`, `tls-*`, `connection-pool-*`,
 *   `subset-name-invalid` (a destination subset must be a DNS label).
 */
import type { Analyzer } from './analyzer';
import { ISTIO_NETWORKING } from '../parse/resource';
import { RuleHits, isRecord, listOf, replacementFix, text, type RuleState } from './rules/rule-hits';
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
} from './rules/istio-rules';
import { fqdnProblem, isHttpProtocol, isIpAddress, isTlsProtocol, isValidPort, parseProtocol, unixAddressProblem } from '../validation/istio-names';

export const sidecarInvalid: Analyzer<RuleState> = {
  code: 'sidecar-invalid',
  severity: 'error',
  appliesTo: ['Sidecar'],
  reads: [],
  *check(r) {
    if (r.group !== ISTIO_NETWORKING) return;
    const s = r.spec;
    const h = new RuleHits(r);
    checkMetadata(h, r);
    checkSelectorLabels(h, ['spec', 'workloadSelector'], s.workloadSelector, 'sidecar');
    const egress = listOf(s.egress);
    const ingress = listOf(s.ingress);
    if (egress.length === 0 && ingress.length === 0 && s.outboundTrafficPolicy == null && s.inboundConnectionPool == null) {
      h.error(
        ['metadata', 'name'],
        'empty-config',
        `This Sidecar configures nothing: set egress, ingress, outboundTrafficPolicy or inboundConnectionPool.${istio('sidecar: empty configuration provided')}`,
      );
    }
    checkIngress(h, ingress);
    checkConnectionPool(h, ['spec', 'inboundConnectionPool'], s.inboundConnectionPool);
    checkEgress(h, egress, r.namespace);
    checkOutboundPolicy(h, s.outboundTrafficPolicy);
    yield* h.hits;
  },
  message: (s) => s.text,
  ruleOf: (s) => s.rule,
  fix: replacementFix,
};

const DEFAULT_ENDPOINT_HOSTS = new Set(['', '127.0.0.1', '0.0.0.0', '::1', '::']);

function checkIngress(h: RuleHits, ingress: unknown[]): void {
  const ports = new Set<number>();
  ingress.forEach((listener, i) => {
    if (!isRecord(listener) || !isRecord(listener.port)) return;
    const path = ['spec', 'ingress', i];
    const port = listener.port;
    if (typeof port.targetPort === 'number' && port.targetPort > 0)
      h.error(
        [...path, 'port', 'targetPort'],
        'target-port',
        `targetPort has no effect on a Sidecar listener; remove it.${istio('targetPort has no impact on Sidecars')}`,
        'key',
      );
    if (text(port.name)) checkPortName(h, [...path, 'port', 'name'], port.name);
    checkProtocol(h, [...path, 'port', 'protocol'], port.protocol);
    if (!isValidPort(port.number ?? 0))
      h.error(
        [...path, 'port', 'number'],
        'port-number-invalid',
        `An ingress listener needs a port number in 1..65535.${istio(`port number ${port.number ?? 0} must be in the range 1..65535`)}`,
        port.number === undefined ? 'key' : 'value',
      );
    checkBind(h, [...path, 'bind'], listener.bind);
    if (typeof port.number === 'number') {
      if (ports.has(port.number))
        h.error(
          [...path, 'port', 'number'],
          'port-duplicate',
          `Port ${port.number} already has an ingress listener; ports must be unique.${istio('sidecar: ports on IP bound listeners must be unique')}`,
        );
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
        if (v === true || (Array.isArray(v) ? v.length > 0 : text(v)))
          h.error(
            [...tp, f],
            'ingress-tls-unsupported',
            `A Sidecar ingress listener cannot use ${f}; use serverCertificate, privateKey and caCertificates files.${istio(`sidecar: ${t}`)}`,
            'key',
          );
      }
      if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH')
        h.error(
          [...tp, 'mode'],
          'ingress-tls-mode',
          `A Sidecar ingress listener cannot use TLS mode ${tls.mode}.${istio(`configuration is invalid: cannot set mode to ${tls.mode} in sidecar ingress tls`)}`,
        );
      if (!isTlsProtocol(parseProtocol(port.protocol)))
        h.error(
          [...path, 'port', 'protocol'],
          'tls-on-non-tls',
          `A listener with tls settings needs protocol HTTPS or TLS.${istio('server cannot have TLS settings for non HTTPS/TLS ports')}`,
        );
      checkServerTls(h, tp, tls);
    }
    checkConnectionPool(h, [...path, 'connectionPool'], listener.connectionPool);
    if (isRecord(listener.connectionPool) && isRecord(listener.connectionPool.http) && !isHttpProtocol(parseProtocol(port.protocol))) {
      h.warning(
        [...path, 'connectionPool', 'http'],
        'connection-pool-http-non-http',
        `Port ${port.number} is not HTTP (${port.protocol ?? 'no protocol'}), so these HTTP connection pool settings do not apply; only tcp settings do.${istio(`sidecar: HTTP connection pool settings are configured for port ${port.number} ("${port.name ?? ''}") but its protocol is not HTTP (${port.protocol ?? ''}); only TCP settings will apply`)}`,
        'key',
      );
    }
  });
}

function checkDefaultEndpoint(h: RuleHits, path: (string | number)[], endpoint: unknown): void {
  if (typeof endpoint !== 'string' || endpoint === '') return;
  if (endpoint.startsWith('unix://')) {
    const p = unixAddressProblem(endpoint.slice('unix://'.length));
    if (p) h.error(path, 'ingress-default-endpoint', `${capitalize(p)}.`);
    return;
  }
  const m = /^(?:\[([^\]]*)\]|([^:]*)):([^:]*)$/.exec(endpoint);
  const host = m ? (m[1] ?? m[2]) : undefined;
  const port = m ? Number(m[3]) : NaN;
  if (host === undefined || !DEFAULT_ENDPOINT_HOSTS.has(host) || !isValidPort(port)) {
    h.error(
      path,
      'ingress-default-endpoint',
      `defaultEndpoint "${endpoint}" must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix://<path>.${istio('sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset')}`,
    );
  }
}

function checkBind(h: RuleHits, path: (string | number)[], bind: unknown): void {
  if (typeof bind === 'string' && bind !== '' && !isIpAddress(bind))
    h.error(path, 'bind-invalid', `bind "${bind}" is not an IP address.${istio(`${bind} is not a valid IP`)}`);
}

function checkEgress(h: RuleHits, egress: unknown[], namespace: string): void {
  const ports = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  egress.forEach((listener, i) => {
    if (!isRecord(listener)) return;
    const path = ['spec', 'egress', i];
    const port = isRecord(listener.port) ? listener.port : undefined;
    if (!port) {
      if (catchAll)
        h.error(
          path,
          'egress-port-catch-all',
          `Only one egress listener may omit the port.${istio('sidecar: egress can have only one listener with empty port')}`,
        );
      else if (i === egress.length - 1) catchAll = true;
      else
        h.error(
          path,
          'egress-port-catch-all',
          `The egress listener without a port catches everything, so it must be the last one in the list.${istio('sidecar: the egress listener with empty port should be the last listener in the list')}`,
        );
    } else {
      if (typeof port.targetPort === 'number' && port.targetPort > 0)
        h.error(
          [...path, 'port', 'targetPort'],
          'target-port',
          `targetPort has no effect on a Sidecar listener; remove it.${istio('targetPort has no impact on Sidecars')}`,
          'key',
        );
      if (text(port.name)) checkPortName(h, [...path, 'port', 'name'], port.name);
      checkProtocol(h, [...path, 'port', 'protocol'], port.protocol);
      const bind = typeof listener.bind === 'string' ? listener.bind : '';
      const number = typeof port.number === 'number' ? port.number : 0;
      if (number === 0) {
        if (!bind.startsWith('unix://'))
          h.error(
            [...path, 'port'],
            'egress-port-unix',
            `Port 0 is only for a listener bound to a unix socket (bind: unix://<path>); give a port number.${istio('sidecar: ports with 0 value must have a unix domain socket bind address')}`,
            'key',
          );
        else {
          const p = unixAddressProblem(bind.slice('unix://'.length));
          if (p) h.error([...path, 'bind'], 'bind-invalid', `${capitalize(p)}.`);
          if (sockets.has(bind))
            h.error(
              [...path, 'bind'],
              'egress-port-duplicate',
              `Socket ${bind} already has an egress listener; sockets must be unique.${istio('sidecar: unix domain socket values for listeners must be unique')}`,
            );
          sockets.add(bind);
        }
        const mode = listener.captureMode;
        if (mode !== undefined && mode !== 'DEFAULT' && mode !== 'NONE')
          h.error(
            [...path, 'captureMode'],
            'egress-capture-mode',
            `A unix socket listener needs captureMode DEFAULT or NONE.${istio('sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners')}`,
          );
      } else {
        if (!isValidPort(number))
          h.error(
            [...path, 'port', 'number'],
            'port-number-invalid',
            `Port number ${number} is outside 1..65535.${istio(`port number ${number} must be in the range 1..65535`)}`,
          );
        checkBind(h, [...path, 'bind'], listener.bind);
        if (ports.has(number))
          h.error(
            [...path, 'port', 'number'],
            'egress-port-duplicate',
            `Port ${number} already has an egress listener; ports must be unique.${istio('sidecar: ports on IP bound listeners must be unique')}`,
          );
        ports.add(number);
      }
    }
    checkEgressHosts(h, path, listener.hosts, namespace);
  });
}

function checkEgressHosts(h: RuleHits, path: (string | number)[], hosts: unknown, namespace: string): void {
  if (Array.isArray(hosts) && hosts.length === 0) {
    h.error(
      [...path, 'hosts'],
      'egress-no-hosts',
      `An egress listener needs at least one host, such as "./*" or "istio-system/*".${istio('sidecar: egress listener must contain at least one host')}`,
      'key',
    );
    return;
  }
  const byNamespace = new Map<string, Set<string>>();
  let allIndex = -1;
  listOf(hosts).forEach((host, j) => {
    if (typeof host !== 'string') return;
    const hp = [...path, 'hosts', j];
    const slash = host.indexOf('/');
    if (slash >= 0) {
      const ns = host.slice(0, slash) === '.' ? namespace : host.slice(0, slash);
      const svc = host.slice(slash + 1);
      let set = byNamespace.get(ns);
      if (!set) byNamespace.set(ns, (set = new Set()));
      if ((svc !== '*' && (set.has(svc) || set.has('*'))) || (svc === '*' && set.size > 0)) {
        h.warning(
          hp,
          'egress-host-duplicate',
          `"${host}" is already covered by another host of this listener; remove it.${istio(`duplicated egress host: ${host}`)}`,
        );
      }
      set.add(svc);
      if (ns === '*' && svc === '*') allIndex = j;
    }
    for (const p of namespaceHostProblems(host, false)) h.error(hp, p.rule, p.text, 'value', p.replacement);
  });
  if (allIndex >= 0 && byNamespace.size !== 1) {
    h.warning(
      [...path, 'hosts', allIndex],
      'egress-host-all',
      `"*/*" already imports every host from every namespace; the other hosts of this listener add nothing.${istio('`*/*` host select all resources, no other hosts can be added')}`,
    );
  }
}

function checkOutboundPolicy(h: RuleHits, policy: unknown): void {
  if (!isRecord(policy) || policy.egressProxy == null) return;
  const path = ['spec', 'outboundTrafficPolicy'];
  const mode = typeof policy.mode === 'string' ? policy.mode : 'REGISTRY_ONLY';
  if (mode !== 'ALLOW_ANY') {
    h.error(
      [...path, 'egressProxy'],
      'egress-proxy-mode',
      `egressProxy takes unknown destinations, which exist only with mode ALLOW_ANY (this policy is ${mode}${policy.mode === undefined ? ', the default' : ''}).${istio('sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode')}`,
      'key',
    );
    return;
  }
  const proxy = policy.egressProxy;
  if (!isRecord(proxy)) return;
  h.warning(
    [...path, 'egressProxy'],
    'egress-proxy-deprecated',
    'egressProxy is deprecated, and istioctl reports that Istio ignores it: do not rely on it to send unknown destinations through a proxy; route them with a ServiceEntry and a VirtualService instead. (Istio, IST0002: "Deprecated: OutboundTrafficPolicy.EgressProxy ignored")',
    'key',
  );
  if (typeof proxy.host === 'string') {
    const p = fqdnProblem(proxy.host);
    if (p) h.error([...path, 'egressProxy', 'host'], 'egress-proxy-host', `${capitalize(p)}.`);
  }
  if (proxy.port == null) {
    h.error([...path, 'egressProxy'], 'egress-proxy-port', `egressProxy needs a port.${istio('sidecar: egress_proxy port must be non-nil')}`, 'key');
    return;
  }
  checkDestination(h, [...path, 'egressProxy'], { ...proxy, host: undefined });
}

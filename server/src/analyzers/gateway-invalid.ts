/**
 * An Istio Gateway breaks one of Istio's own validation rules that the CRD schema does not express,
 * so Istio's admission webhook rejects it (errors), or admits it with a warning and the server does
 * not behave as written (warnings). `istioctl analyze` reports the same as IST0106 and IST0133.
 * Each finding's `rule` says which check failed (and, as for every kind, `dry-run-annotation` and
 * `internal-annotation`: annotations Istio rejects):
 *
 * - `name-invalid`: a Gateway name must be a DNS label (no dots);
 * - `no-servers`, `server-no-hosts`, `port-name-duplicate`, `port-name-empty`, `port-protocol-invalid`,
 *   `port-number-invalid`, `target-port` (targetPort has no effect on a Gateway), `bind-*`;
 * - `host-*`: server hosts are `namespace/host` or `host`, with a full host name (no short names,
 *   wildcards only as the whole first label);
 * - `tls-required`: an HTTPS or TLS server needs a `tls` block; `tls-on-plain-http`, `tls-on-non-tls`:
 *   TLS settings on a port that cannot use them (egress TLS origination and passthrough need protocol
 *   TLS or HTTPS on the gateway server);
 * - `tls-*`: certificate fields each TLS mode needs or forbids (ISTIO_MUTUAL takes none; SIMPLE and
 *   MUTUAL need a credentialName or certificate files), cipher suites and CRLs;
 * - `https-redirect-non-http` (warning): `tls.httpsRedirect` only works on an HTTP server;
 * - `port-protocol-conflict` (warning, our own check): two servers on one port with protocols that
 *   cannot share it (plain HTTP with TLS, or different TCP protocols); Istio keeps one and drops the other.
 *
 * Gateway API Gateways (`gateway.networking.k8s.io`) are a different kind and are not checked here.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { RuleHits, isRecord, listOf, text, ruleMessage, ruleMessages, type RuleState } from './rules/rule-hits';
import { checkServerTls, istio, namespaceHostProblems, checkMetadata, SHARED_RULE_MESSAGES } from './rules/istio-rules';
import { isDns1123Label, isHttpProtocol, isIpAddress, isTlsProtocol, isValidPort, parseProtocol, unixAddressProblem } from '../validation/istio-names';

export const gatewayInvalid: Analyzer<RuleState> = {
  code: 'gateway-invalid',
  severity: 'error',
  appliesTo: istioNetworking('Gateway'),
  reads: [],
  *check(r) {
    const h = new RuleHits<Messages>(r);
    checkMetadata(h, r);
    if (r.name !== '' && !isDns1123Label(r.name)) {
      h.error(['metadata', 'name'], 'name-invalid', { name: r.name });
    }
    const servers = listOf(r.spec.servers);
    if (servers.length === 0) h.error(['spec', 'servers'], 'no-servers', {}, 'key');
    const names = new Set<string>();
    const byPort = new Map<string, { index: number; protocol: string; kind: string }>();
    servers.forEach((server, i) => {
      if (!isRecord(server)) return;
      const path = ['spec', 'servers', i];
      const port = isRecord(server.port) ? server.port : undefined;
      const tls = isRecord(server.tls) ? server.tls : undefined;
      const protocol = port ? parseProtocol(port.protocol) : undefined;
      const bind = typeof server.bind === 'string' ? server.bind : '';

      if (Array.isArray(server.hosts) && server.hosts.length === 0) h.error([...path, 'hosts'], 'server-no-hosts', {}, 'key');
      listOf(server.hosts).forEach((host, j) => {
        if (typeof host !== 'string') return;
        for (const p of namespaceHostProblems(host, true)) h.problem('error', [...path, 'hosts', j], p);
      });

      if (port) {
        if (typeof port.name === 'string') {
          if (port.name === '') h.error([...path, 'port', 'name'], 'port-name-empty', {});
          else if (names.has(port.name)) h.error([...path, 'port', 'name'], 'port-name-duplicate', { name: port.name });
          names.add(port.name);
        }
        if (typeof port.protocol === 'string' && !protocol) {
          h.error([...path, 'port', 'protocol'], 'port-protocol-invalid', { protocol: port.protocol });
        }
        if (typeof port.number === 'number' && (port.number > 0 || !bind.startsWith('unix://')) && !isValidPort(port.number)) {
          h.error([...path, 'port', 'number'], 'port-number-invalid', { what: 'Port number', n: port.number });
        }
        if (typeof port.targetPort === 'number' && port.targetPort > 0) {
          h.error([...path, 'port', 'targetPort'], 'target-port', {}, 'key');
        }
      }

      if (bind.startsWith('unix://')) {
        const p = unixAddressProblem(bind.slice('unix://'.length));
        if (p) h.error([...path, 'bind'], 'bind-invalid', { variant: 'problem', problem: p });
        if (port && typeof port.number === 'number' && port.number !== 0) h.error([...path, 'port', 'number'], 'bind-unix-port', {});
      } else if (bind !== '' && !isIpAddress(bind)) {
        h.error([...path, 'bind'], 'bind-invalid', { variant: 'not-ip', bind });
      }

      checkServerTls(h, [...path, 'tls'], server.tls);

      const portValid =
        port &&
        protocol &&
        (typeof port.number !== 'number' || isValidPort(port.number) || bind.startsWith('unix://')) &&
        text(port.name) &&
        !(typeof port.targetPort === 'number' && port.targetPort > 0);
      if (portValid) {
        if (isTlsProtocol(protocol) && !tls) {
          h.error([...path, 'port', 'protocol'], 'tls-required', { protocol });
        } else if (!isTlsProtocol(protocol) && tls) {
          const mode = typeof tls.mode === 'string' ? tls.mode : 'PASSTHROUGH';
          if (isHttpProtocol(protocol)) {
            const passthrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
            if (!passthrough || text(tls.caCertificates) || text(tls.privateKey) || text(tls.serverCertificate)) {
              h.error([...path, 'tls'], 'tls-on-plain-http', { protocol }, 'key');
            }
          } else {
            h.error([...path, 'tls'], 'tls-on-non-tls', { protocol }, 'key');
          }
        }
      }
      if (tls?.httpsRedirect === true && protocol && !isHttpProtocol(protocol)) {
        h.warning([...path, 'tls', 'httpsRedirect'], 'https-redirect-non-http', { protocol }, 'key');
      }

      if (port && typeof port.number === 'number' && protocol) {
        const key = `${bind}|${port.number}`;
        const kind = isHttpProtocol(protocol) ? 'HTTP' : isTlsProtocol(protocol) && tls ? 'TLS' : protocol;
        const first = byPort.get(key);
        if (!first) byPort.set(key, { index: i, protocol, kind });
        else if (first.kind !== kind) {
          h.warning([...path, 'port', 'protocol'], 'port-protocol-conflict', {
            index: first.index,
            number: port.number,
            firstProtocol: first.protocol,
            protocol,
          });
        }
      }
    });
    yield* h.hits;
  },
  message: (s) => ruleMessage(MESSAGES, s),
  ruleOf: (s) => s.rule,
  get rules() {
    return Object.keys(MESSAGES);
  },
};

/** The message of each rule, rendered from the arguments its check recorded. */
const MESSAGES = ruleMessages(SHARED_RULE_MESSAGES, {
  'name-invalid': (a: { name: string }) =>
    `Gateway name "${a.name}" is not valid: a Gateway name is a DNS label (letters, digits and "-", no dots).${istio(`invalid gateway name: "${a.name}"`)}`,
  'no-servers': () => `A Gateway needs at least one server.${istio('gateway must have at least one server')}`,
  'server-no-hosts': () => `A server needs at least one host ("*" for any).${istio('server config must contain at least one host')}`,
  'port-name-empty': () => `A Gateway server port needs a name.${istio('port name must be set')}`,
  'port-name-duplicate': (a: { name: string }) =>
    `Port name "${a.name}" is already used by another server of this Gateway; port names must be unique.` +
    `${istio(`port names in servers must be unique: duplicate name ${a.name}`)}`,
  'port-protocol-invalid': (a: { protocol: string }) =>
    `Protocol "${a.protocol}" is not one a Gateway server supports: use HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, TCP, ` +
    `TLS, Mongo, Redis or MySQL.${istio(`invalid protocol "${a.protocol}", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`)}`,
  'target-port': () =>
    `targetPort has no effect on a Gateway server; the gateway listens on port.number. Remove it.${istio('targetPort has no impact on Gateways')}`,
  'bind-invalid': (a: { variant: 'problem'; problem: string } | { variant: 'not-ip'; bind: string }) => {
    switch (a.variant) {
      case 'problem':
        return `${a.problem.charAt(0).toUpperCase()}${a.problem.slice(1)}.`;
      case 'not-ip':
        return `bind "${a.bind}" is not an IP address (or unix:// socket).${istio(`${a.bind} is not a valid IP`)}`;
    }
  },
  'bind-unix-port': () => `A server bound to a unix socket must use port number 0.${istio('port number must be 0 for unix domain socket')}`,
  'tls-required': (a: { protocol: string }) =>
    `${a.protocol === 'HTTPS' ? 'An' : 'A'} ${a.protocol} server needs a tls block: ` +
    "mode PASSTHROUGH to forward the client's TLS, ISTIO_MUTUAL for mesh traffic, or SIMPLE/MUTUAL with a " +
    `credentialName.${istio('server must have TLS settings for HTTPS/TLS protocols')}`,
  'tls-on-plain-http': (a: { protocol: string }) =>
    `A plain ${a.protocol} server cannot terminate TLS (only tls.httpsRedirect is allowed here); ` +
    `use protocol HTTPS for TLS.${istio('server cannot have TLS settings for plain text HTTP ports')}`,
  'tls-on-non-tls': (a: { protocol: string }) =>
    `A ${a.protocol} server cannot have TLS settings; use protocol TLS (passthrough or origination) or HTTPS.` +
    istio('server cannot have TLS settings for non HTTPS/TLS ports'),
  'https-redirect-non-http': (a: { protocol: string }) =>
    `tls.httpsRedirect only works on an HTTP server; on this ${a.protocol} server it does nothing.` +
    istio('tls.httpsRedirect should only be used with http servers'),
  'port-protocol-conflict': (a: { index: number; number: number; firstProtocol: string; protocol: string }) =>
    `Server ${a.index + 1} of this Gateway already uses port ${a.number} with ${a.firstProtocol}; ` +
    `${a.protocol} cannot share the port with it, so Istio keeps one server and drops the other. ` +
    'Use a different port.',
});

type Messages = typeof MESSAGES;

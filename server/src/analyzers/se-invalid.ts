/**
 * A ServiceEntry breaks one of Istio's own validation rules that the CRD schema does not express, so
 * `kubectl apply` is rejected by Istio's admission webhook (errors), or admitted with a warning and
 * then behaves differently than written (warnings). `istioctl analyze` reports the same as IST0106
 * (errors) and IST0133 (warnings). Each finding's `rule` says which check failed:
 *
 * - `dry-run-annotation`, `internal-annotation`: annotations Istio rejects on every kind but
 *   AuthorizationPolicy;
 * - `host-invalid`: a host that is not a valid domain name (wildcards only as the first label);
 * - `host-partial-wildcard` (warning): `*example.com` instead of `*.example.com`;
 * - `address-invalid`: an address that is neither an IP nor a CIDR block;
 * - `port-name-invalid`, `port-name-duplicate`, `protocol-unsupported`, `port-number-invalid`;
 * - `multiple-hosts-non-http`: several hosts with a resolution other than NONE on a port that is not
 *   HTTP or TLS, where the proxy cannot tell the hosts apart;
 * - `endpoint-address-ip`, `endpoint-address-invalid`, `endpoint-address-network` (warning),
 *   `endpoint-port-undeclared`, `unix-single-port`, `labels-invalid`: endpoint rules per resolution;
 * - `addresses-multiple-hosts-tcp` (warning): addresses plus a TCP port shared by several hosts;
 * - `selector-with-none` (warning), `selector-empty` (warning), `selector-empty-key`, `selector-wildcard`;
 * - `dynamic-dns-*`: the DYNAMIC_DNS forward-proxy rules (wildcard hosts only, no addresses or
 *   endpoints, HTTP/TLS/GRPC/HTTP2 ports, no waypoint with MESH_INTERNAL);
 * - `exportto-*`: entries must be `.`, `*`, `~` or namespace names, without duplicates or mixing.
 *
 * Two related rules have their own codes: wildcard hosts with resolution DNS (`se-wildcard-dns`), and
 * the "addresses are required for TCP ports" warning (`se-addresses-required`).
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { RuleHits, isRecord, listOf, replacementFix, text, ruleMessage, ruleMessages, type RuleState } from './rules/rule-hits';
import {
  checkExportTo,
  checkLabels,
  checkPortName,
  checkPortNumber,
  checkProtocol,
  checkSelectorLabels,
  istio,
  capitalize,
  checkMetadata,
  SHARED_RULE_MESSAGES,
  wholeLabelWildcard,
} from './rules/istio-rules';
import {
  fqdnProblem,
  ipSubnetProblem,
  isHttpProtocol,
  isIpAddress,
  isPartialWildcard,
  isTcpProtocol,
  isTlsProtocol,
  parseProtocol,
  wildcardDomainProblem,
} from '../validation/istio-names';

export const seInvalid: Analyzer<RuleState> = {
  code: 'se-invalid',
  severity: 'error',
  appliesTo: istioNetworking('ServiceEntry'),
  reads: [],
  *check(r) {
    const s = r.spec;
    const h = new RuleHits<Messages>(r);
    checkMetadata(h, r);
    const resolution = typeof s.resolution === 'string' ? s.resolution : 'NONE';
    const hosts = listOf(s.hosts);
    const ports = listOf(s.ports);
    const endpoints = listOf(s.endpoints);
    const addresses = listOf(s.addresses);

    checkSelectorLabels(h, ['spec', 'workloadSelector'], s.workloadSelector, 'service entry');

    hosts.forEach((host, i) => {
      if (typeof host !== 'string' || host === '*') return; // `*` is the CRD's own check.
      const p = wildcardDomainProblem(host);
      if (p) h.error(['spec', 'hosts', i], 'host-invalid', { problem: p });
      else if (isPartialWildcard(host) && resolution !== 'DYNAMIC_DNS') {
        h.warning(['spec', 'hosts', i], 'host-partial-wildcard', { host }, 'value', wholeLabelWildcard(host));
      }
    });

    addresses.forEach((a, i) => {
      if (typeof a !== 'string') return;
      const p = ipSubnetProblem(a);
      if (p) h.error(['spec', 'addresses', i], 'address-invalid', { problem: p });
    });

    const portNames = new Set<string>();
    ports.forEach((port, i) => {
      if (!isRecord(port)) return;
      const path = ['spec', 'ports', i];
      if (typeof port.name === 'string') {
        if (portNames.has(port.name)) h.error([...path, 'name'], 'port-name-duplicate', { name: port.name });
        portNames.add(port.name);
      }
      checkPortName(h, [...path, 'name'], port.name);
      checkProtocol(h, [...path, 'protocol'], port.protocol);
      checkPortNumber(h, [...path, 'number'], port.number);
      if (typeof port.targetPort === 'number' && port.targetPort !== 0) checkPortNumber(h, [...path, 'targetPort'], port.targetPort, 'Target port');
    });

    switch (resolution) {
      case 'NONE':
        if (s.workloadSelector !== undefined && s.workloadSelector !== null) {
          h.warning(['spec', 'workloadSelector'], 'selector-with-none', {}, 'key');
        }
        break;
      case 'STATIC':
        endpoints.forEach((e, i) => checkEndpoint(h, i, e, portNames, false));
        break;
      case 'DNS':
      case 'DNS_ROUND_ROBIN':
        // Wildcard hosts without endpoints are se-wildcard-dns' finding.
        endpoints.forEach((e, i) => checkEndpoint(h, i, e, portNames, true));
        if (addresses.length > 0 && hosts.length > 1) {
          const i = ports.findIndex((p) => isRecord(p) && isTcpProtocol(parseProtocol(p.protocol)));
          if (i >= 0) {
            h.warning(['spec', 'ports', i, 'protocol'], 'addresses-multiple-hosts-tcp', { hostsCount: hosts.length });
          }
        }
        break;
      case 'DYNAMIC_DNS':
        hosts.forEach((host, i) => {
          if (typeof host === 'string' && !host.startsWith('*')) h.error(['spec', 'hosts', i], 'dynamic-dns-host', {});
        });
        if (addresses.length > 0) h.error(['spec', 'addresses'], 'dynamic-dns-addresses', {}, 'key');
        if (endpoints.length > 0) h.error(['spec', 'endpoints'], 'dynamic-dns-endpoints', {}, 'key');
        ports.forEach((port, i) => {
          if (!isRecord(port)) return;
          const p = parseProtocol(port.protocol);
          if (p !== 'HTTP' && p !== 'TLS' && p !== 'GRPC' && p !== 'HTTP2') {
            h.error(['spec', 'ports', i, 'protocol'], 'dynamic-dns-protocol', {});
          }
        });
        if (s.location === 'MESH_INTERNAL' && r.labels['istio.io/use-waypoint']) {
          h.error(['spec', 'location'], 'dynamic-dns-waypoint', {});
        }
        break;
    }

    if (resolution !== 'NONE' && hosts.length > 1) {
      const i = ports.findIndex((p) => isRecord(p) && !isHttpProtocol(parseProtocol(p.protocol)) && !isTlsProtocol(parseProtocol(p.protocol)));
      if (i >= 0) {
        const port = ports[i] as Record<string, any>;
        const shown = text(port.protocol) ?? 'no protocol';
        h.error(['spec', 'ports', i, port.protocol === undefined ? 'name' : 'protocol'], 'multiple-hosts-non-http', {
          hostsCount: hosts.length,
          resolution,
          port: String(port.number ?? port.name),
          shown,
        });
      }
    }

    checkExportTo(h, r.namespace, s.exportTo, true);
    yield* h.hits;
  },
  message: (s) => ruleMessage(MESSAGES, s),
  ruleOf: (s) => s.rule,
  get rules() {
    return Object.keys(MESSAGES);
  },
  fix: replacementFix,
};

/**
 * One `spec.endpoints[i]` of a STATIC or DNS ServiceEntry. Address presence, unix socket paths and
 * endpoint port names and numbers are the CRD's CEL checks.
 */
function checkEndpoint(h: RuleHits<Messages>, i: number, e: unknown, portNames: Set<string>, allowFqdn: boolean): void {
  if (!isRecord(e)) return;
  const path = ['spec', 'endpoints', i];
  const address = typeof e.address === 'string' ? e.address : '';
  if (address === '' && text(e.network)) {
    h.warning([...path, 'network'], 'endpoint-address-network', { network: String(e.network) }, 'key');
  } else if (address.startsWith('unix://')) {
    if (!allowFqdn && portNames.size !== 1) h.error([...path, 'address'], 'unix-single-port', { size: portNames.size });
  } else if (address !== '' && !isIpAddress(address)) {
    if (!allowFqdn) h.error([...path, 'address'], 'endpoint-address-ip', { address });
    else if (fqdnProblem(address)) h.error([...path, 'address'], 'endpoint-address-invalid', { address });
  }
  if (isRecord(e.ports)) {
    for (const [name, port] of Object.entries(e.ports)) {
      if (!portNames.has(name))
        h.error([...path, 'ports', name], 'endpoint-port-undeclared', { name, declared: [...portNames].join(', '), port: String(port) }, 'key');
    }
  }
  checkLabels(h, [...path, 'labels'], e.labels);
}

/** The message of each rule, rendered from the arguments its check recorded. */
const MESSAGES = ruleMessages(SHARED_RULE_MESSAGES, {
  'address-invalid': (a: { problem: string }) => `${capitalize(a.problem)}: addresses must be IPs or CIDR blocks, such as 10.0.0.1 or 10.0.0.0/24.`,
  'port-name-duplicate': (a: { name: string }) =>
    `Port name "${a.name}" is already used by another port of this ServiceEntry; port names must be unique.` +
    `${istio(`service entry port name "${a.name}" already defined`)}`,
  'selector-with-none': () =>
    'With resolution NONE the proxy forwards to the original destination IP, so workloadSelector has no effect; ' +
    'use resolution STATIC to send traffic to the selected workloads.' +
    istio('workloadSelector should not be set when resolution mode is NONE'),
  'addresses-multiple-hosts-tcp': (a: { hostsCount: number }) =>
    `A TCP port on fixed addresses cannot tell ${a.hostsCount} hosts apart; use one ServiceEntry per host.` +
    istio('service entry can not have more than one host specified simultaneously with address and tcp port'),
  'dynamic-dns-host': () =>
    'Resolution DYNAMIC_DNS forwards to whatever name the request carries, so every host must be a wildcard such ' +
    `as "*.example.com".${istio('host must be wildcarded for resolution mode DYNAMIC_DNS')}`,
  'dynamic-dns-addresses': () =>
    `Resolution DYNAMIC_DNS cannot have addresses; remove them.${istio('addresses cannot be set for resolution type DYNAMIC_DNS')}`,
  'dynamic-dns-endpoints': () =>
    `Resolution DYNAMIC_DNS cannot have endpoints; remove them.${istio('endpoints cannot be set for resolution type DYNAMIC_DNS')}`,
  'dynamic-dns-protocol': () =>
    'Resolution DYNAMIC_DNS supports only HTTP, TLS, GRPC and HTTP2 ports.' +
    istio('only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS'),
  'dynamic-dns-waypoint': () =>
    'Location MESH_INTERNAL with resolution DYNAMIC_DNS does not work through a waypoint (label ' +
    `istio.io/use-waypoint).${istio('location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints')}`,
  'multiple-hosts-non-http': (a: { hostsCount: number; resolution: string; port: string; shown: string }) =>
    `This ServiceEntry has ${a.hostsCount} hosts with resolution ${a.resolution}, and port ` +
    `${a.port} (${a.shown}) is neither HTTP nor TLS, so the proxy cannot tell the hosts apart on it; ` +
    'use one ServiceEntry per host, or resolution NONE.' +
    istio('multiple hosts provided with non-HTTP, non-TLS ports'),
  'endpoint-address-network': (a: { network: string }) =>
    `This endpoint has no address, only network "${a.network}": it is reached through that network's gateway.` +
    `${istio(`address is unset with network "${a.network}"`)}`,
  'unix-single-port': (a: { size: number }) =>
    `A unix socket endpoint needs the ServiceEntry to declare exactly one port (it has ${a.size}).` +
    istio('exactly 1 service port required for unix endpoints'),
  'endpoint-address-ip': (a: { address: string }) =>
    `With resolution STATIC, endpoint addresses must be IPs; "${a.address}" is a name (use resolution DNS to ` +
    `resolve names).${istio(`endpoint address "${a.address}" is not a valid IP address`)}`,
  'endpoint-address-invalid': (a: { address: string }) =>
    `Endpoint address "${a.address}" is neither an IP nor a valid host name.${istio(`endpoint address "${a.address}" is not a valid FQDN or an IP address`)}`,
  'endpoint-port-undeclared': (a: { name: string; declared: string; port: string }) =>
    `Endpoint port "${a.name}" is not a port name of this ServiceEntry (${a.declared || 'none declared'}).` +
    `${istio(`endpoint port ${a.port} is not defined by the service entry`)}`,
});

type Messages = typeof MESSAGES;

/**
 * Completion of names the workspace defines: gateway references, route subsets (from the
 * DestinationRules that apply), hosts (Sidecar egress entries as `namespace/host`), `credentialName`s
 * (from Secrets), destination ports and a DestinationRule's port-level ports (from the host's
 * ServiceEntry or Service), the port protocols Istio accepts, and the names, section names and
 * ports a Gateway API route gives its parents and backends, by their kind, a route's hostnames, a
 * VirtualService match's port (from the Gateway servers or the registry), a Gateway server's hosts and a
 * DestinationRule's `tls.sni`. Each candidate says where it comes from.
 * The schema's own completion (keys, enums) lives in schema/completion.ts.
 */
import { namespaceOrigin } from '../index/namespace-origin';
import type { ParsedFile } from '../parse/parse';
import { GATEWAY_API, ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { YamlPath } from '../parse/yaml-path';
import { cursorContext, LineReader, type CursorContext } from '../schema/cursor-context';
import { documentAt } from '../schema/document-schema';
import type { CompletionCandidate } from '../schema/completion';
import { resolveHost, serviceHost, hostsOf, isWildcard } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { credentialReader } from '../mesh/credentials';
import { registryLookup } from '../mesh/registry';
import { isVisibleIn } from '../mesh/export-defaults';
import { rootNamespace } from '../mesh/root-namespace';
import { effectiveDestinationRule, subsetsOf } from '../mesh/destination-rules';
import { gatewayServers, serverHostAdmits } from '../mesh/gateway-servers';
import { boundGateways, MESH_GATEWAY, resolveGatewayRefs } from '../mesh/gateways';
import { isRecord, listOf } from '../data';
import type { NavigationContext } from './references';
import { resourceTitle } from './symbols';
import { deployedGateway, deployedServiceHost, GATEWAY_API_ROUTES } from './gateway-api';

/** The port protocols Istio accepts that egress configuration uses, with what each means. */
const PROTOCOLS: [string, string][] = [
  ['HTTP', 'Plain HTTP/1.1: Istio reads requests, so `http` routes, retries and HTTP metrics apply.'],
  ['HTTPS', 'TLS carrying HTTP; Istio routes on SNI (`tls` routes) unless TLS is terminated or originated.'],
  ['GRPC', 'gRPC over HTTP/2.'],
  ['HTTP2', 'HTTP/2, in clear text (h2c) unless TLS is added.'],
  ['MONGO', 'MongoDB wire protocol.'],
  ['TCP', 'Opaque TCP: no HTTP or TLS inspection; routed on port (and address).'],
  ['TLS', 'TLS of any application protocol; routed on SNI (`tls` routes).'],
];

function valueAt(value: unknown, path: YamlPath): unknown {
  let v = value;
  for (const step of path) {
    if (typeof step === 'number') v = Array.isArray(v) ? v[step] : undefined;
    else v = isRecord(v) ? v[step] : undefined;
  }
  return v;
}

const fileName = (uri: string) => decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
const from = (r: Resource) => `From ${resourceTitle(r)} (${fileName(r.uri)}).`;

interface Request {
  cursor: CursorContext;
  resource: Resource;
  ctx: NavigationContext;
}

function candidate(req: Request, label: string, detail: string, documentation: string, sortText?: string): CompletionCandidate {
  const { cursor } = req;
  const needsSpace = cursor.type === 'value' && cursor.needsSpace;
  return {
    label,
    kind: 'value',
    detail,
    documentation,
    insertText: needsSpace ? ` ${label}` : label,
    insertTextFormat: 'plain',
    filterText: label,
    sortText: sortText ?? `0_${label}`,
    replace: cursor.replace,
  };
}

/** Whether `path` matches `pattern`, where `#` stands for any index and `*` for any key. */
function matches(path: YamlPath, pattern: (string | number)[]): boolean {
  return (
    path.length === pattern.length &&
    pattern.every((p, i) => (p === '#' ? typeof path[i] === 'number' : p === '*' ? typeof path[i] === 'string' : p === path[i]))
  );
}

function isDestination(path: YamlPath, last: string): boolean {
  const tail = path.slice(-2);
  return path[1] !== undefined && ['http', 'tls', 'tcp'].includes(String(path[1])) && (tail[0] === 'destination' || tail[0] === 'mirror') && tail[1] === last;
}

function gatewayCandidates(req: Request): CompletionCandidate[] {
  const vs = req.resource;
  const out = [
    candidate(req, 'mesh', 'the sidecars', 'The reserved name for the sidecars of the mesh: these rules apply to traffic leaving the workloads.', '1_mesh'),
  ];
  for (const gw of req.ctx.index.ofKind('Gateway', ISTIO_NETWORKING)) {
    const label = gw.namespace === vs.namespace ? gw.name : `${gw.namespace}/${gw.name}`;
    out.push(candidate(req, label, `Gateway ${gw.namespace}/${gw.name}`, from(gw)));
  }
  return dedupe(out);
}

function subsetCandidates(req: Request, host: string): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  // The subsets of the DestinationRule the namespace's sidecars use for the host (push_context.go destinationRule).
  for (const [name, { rule: dr }] of subsetsOf(effectiveDestinationRule(req.ctx.index, req.resource.namespace, host))) {
    out.push(
      candidate(
        req,
        name,
        `subset of DestinationRule ${dr.namespace}/${dr.name}`,
        `${from(dr)} It applies to host \`${host}\` for namespace \`${req.resource.namespace}\`${namespaceOrigin(req.resource)}.`,
        `0_${name}`,
      ),
    );
  }
  return dedupe(out);
}

/** A host the registry defines: a ServiceEntry's host as written, or a Service's FQDN. */
interface RegisteredHost {
  resource: Resource;
  host: string;
  service: boolean;
}

/**
 * The hosts of the ServiceEntries and Services that `namespace` sees (`isVisibleIn`), or of every one
 * with `everywhere`; ServiceEntries first, each kind in index order.
 */
function* registeredHosts(req: Request, namespace: string, everywhere = false): Generator<RegisteredHost> {
  const { index } = req.ctx;
  for (const se of index.ofKind('ServiceEntry', ISTIO_NETWORKING)) {
    if (!everywhere && !isVisibleIn(index, se, namespace)) continue;
    for (const host of hostsOf(se)) yield { resource: se, host, service: false };
  }
  for (const s of index.ofKind('Service', '')) {
    if (!s.name || (!everywhere && !isVisibleIn(index, s, namespace))) continue;
    yield { resource: s, host: serviceHost(s.name, s.namespace), service: true };
  }
}

const definedBy = ({ resource: r, service }: RegisteredHost) => `${service ? 'Service' : 'ServiceEntry'} ${r.namespace}/${r.name}`;

function hostCandidates(req: Request): CompletionCandidate[] {
  const ns = req.resource.namespace;
  const out: CompletionCandidate[] = [];
  for (const h of registeredHosts(req, ns)) {
    if (!h.service) out.push(candidate(req, h.host, definedBy(h), from(h.resource)));
    else {
      const label = h.resource.namespace === ns ? h.resource.name : h.host;
      out.push(candidate(req, label, definedBy(h), `${from(h.resource)} Host \`${h.host}\`.`, `1_${label}`));
    }
  }
  return dedupe(out);
}

function credentialCandidates(req: Request): CompletionCandidate[] {
  const { namespaces, reader } = credentialReader(req.resource, req.ctx.index, req.ctx.settings);
  const out: CompletionCandidate[] = [];
  for (const secret of req.ctx.index.ofKind('Secret', '')) {
    const readable = namespaces.includes(secret.namespace);
    const label = readable ? secret.name : `${secret.namespace}/${secret.name}`;
    const where = readable
      ? `It is in "${secret.namespace}"${namespaceOrigin(secret, req.resource.uri)}, where ${reader}.`
      : `It is in "${secret.namespace}"${namespaceOrigin(secret, req.resource.uri)}, not where ` +
        `${reader} (${namespaces.join(', ')}), so the namespace is written.`;
    out.push(candidate(req, label, `Secret ${secret.namespace}/${secret.name}`, `${from(secret)} ${where}`, `${readable ? 0 : 1}_${label}`));
  }
  return dedupe(out);
}

function portCandidates(req: Request, host: string): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  for (const e of registryLookup(req.ctx.index, host, req.resource.namespace, req.ctx.settings)) {
    if (e.kind === 'assumed') continue;
    const r = e.resource;
    for (const p of listOf(r.spec.ports)) {
      if (!isRecord(p)) continue;
      const number = e.kind === 'Service' ? p.port : p.number;
      if (typeof number !== 'number') continue;
      const what = [typeof p.name === 'string' ? p.name : '', typeof p.protocol === 'string' ? p.protocol : ''].filter(Boolean).join(', ');
      out.push(
        candidate(req, String(number), `port of ${e.kind} ${r.namespace}/${r.name}${what ? ` (${what})` : ''}`, `${from(r)} Declared for host \`${host}\`.`),
      );
    }
  }
  return dedupe(out);
}

/**
 * Entries for a Sidecar's `egress[].hosts`: `<namespace>/<host>` for each ServiceEntry host and Service
 * FQDN the Sidecar's namespace sees (`.` for its own namespace), as sidecar.go matches them: the
 * namespace part is where the service is declared, and a Service is named by its FQDN, never a short name.
 * The root namespace's Sidecar applies to every namespace, so it is offered every service.
 */
function sidecarHostCandidates(req: Request): CompletionCandidate[] {
  const sidecar = req.resource;
  const everywhere = sidecar.namespace === rootNamespace(req.ctx.index) && !isRecord(sidecar.spec.workloadSelector);
  const out: CompletionCandidate[] = [];
  for (const h of registeredHosts(req, sidecar.namespace, everywhere)) {
    const entry = `${h.resource.namespace === sidecar.namespace ? '.' : h.resource.namespace}/${h.host}`;
    out.push(candidate(req, entry, definedBy(h), `${from(h.resource)} Imports host \`${h.host}\`.`, h.service ? `1_${h.host}` : undefined));
  }
  return dedupe(out);
}

function protocolCandidates(req: Request): CompletionCandidate[] {
  return PROTOCOLS.map(([name, doc], i) => candidate(req, name, 'protocol Istio accepts', doc, `0_${i}`));
}

function dedupe(items: CompletionCandidate[]): CompletionCandidate[] {
  const seen = new Set<string>();
  return items.filter((c) => !seen.has(c.label) && (seen.add(c.label), true));
}

/** A Gateway API route reference's kind, group and namespace as Istio reads them (conversion.go: parentRefs default to a Gateway, backendRefs to a Service). */
function refOf(req: Request, entryPath: YamlPath, defaultGroup: string, defaultKind: string): { group: string; kind: string; namespace: string } {
  const entry = valueAt(req.resource.value, entryPath);
  const field = (key: string) => (isRecord(entry) && typeof entry[key] === 'string' ? entry[key] : undefined);
  return { group: field('group') ?? defaultGroup, kind: field('kind') ?? defaultKind, namespace: field('namespace') ?? req.resource.namespace };
}

const inNamespace = (namespace: string, r: Resource) => `In namespace \`${namespace}\`${namespaceOrigin(r)}.`;

/** Names for a route's `parentRefs[].name`: the Gateways, Services or ServiceEntries of the namespace the reference gives, by its kind. */
function parentCandidates(req: Request, entryPath: YamlPath): CompletionCandidate[] {
  const { group, kind, namespace } = refOf(req, entryPath, GATEWAY_API, 'Gateway');
  const { index } = req.ctx;
  const of = (k: string, g: string) => index.withTag(k, `ns:${namespace}`).filter((r) => r.group === g && r.name);
  if (group === GATEWAY_API && kind === 'Gateway')
    return dedupe(
      of('Gateway', GATEWAY_API).map((g) => candidate(req, g.name, `Gateway ${namespace}/${g.name} (Gateway API)`, `${from(g)} ${inNamespace(namespace, g)}`)),
    );
  if (group === '' && kind === 'Service')
    return dedupe(
      of('Service', '').map((s) => candidate(req, s.name, `Service ${namespace}/${s.name}`, `${from(s)} Host \`${serviceHost(s.name, namespace)}\`.`)),
    );
  if (group === ISTIO_NETWORKING && kind === 'ServiceEntry')
    return dedupe(
      of('ServiceEntry', ISTIO_NETWORKING).map((se) =>
        candidate(
          req,
          se.name,
          `ServiceEntry ${namespace}/${se.name}`,
          `${from(se)} Hosts: ${hostsOf(se)
            .map((h) => `\`${h}\``)
            .join(', ')}.`,
        ),
      ),
    );
  return [];
}

/**
 * Names for a route's `backendRefs[].name`: the Services of the namespace the reference gives (with
 * those Istio deploys for the Gateway API Gateways there), or, for an Istio `Hostname`, the hosts of
 * the ServiceEntries the route's namespace sees.
 */
function backendCandidates(req: Request, entryPath: YamlPath): CompletionCandidate[] {
  const { group, kind, namespace } = refOf(req, entryPath, '', 'Service');
  const { index } = req.ctx;
  if (group === ISTIO_NETWORKING && kind === 'Hostname') {
    const out: CompletionCandidate[] = [];
    for (const h of registeredHosts(req, req.resource.namespace)) if (!h.service) out.push(candidate(req, h.host, definedBy(h), from(h.resource)));
    return dedupe(out);
  }
  if (group !== '' || kind !== 'Service') return [];
  const out = index
    .withTag('Service', `ns:${namespace}`)
    .filter((s) => s.group === '' && s.name)
    .map((s) => candidate(req, s.name, `Service ${namespace}/${s.name}`, `${from(s)} Host \`${serviceHost(s.name, namespace)}\`.`));
  for (const gw of index.withTag('Gateway', `ns:${namespace}`)) {
    const host = gw.group === GATEWAY_API ? deployedServiceHost(gw) : undefined;
    if (!host) continue;
    const name = host.split('.')[0];
    out.push(
      candidate(
        req,
        name,
        `Service ${namespace}/${name}, deployed by Istio`,
        `Istio deploys it for the Gateway API Gateway ${namespace}/${gw.name} (\`<gateway>-<gatewayClassName>\`). ${from(gw)}`,
        `1_${name}`,
      ),
    );
  }
  return dedupe(out);
}

/** The name a route reference writes, trimmed; undefined when it writes none yet. */
function refName(req: Request, entryPath: YamlPath): string | undefined {
  const name = valueAt(req.resource.value, [...entryPath, 'name']);
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}

/** A port a Service or ServiceEntry declares, or a listener of a Gateway API Gateway: its name, number and protocol as written. */
interface DeclaredPort {
  name?: string;
  number: number;
  protocol?: string;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The ports a Service (`port`, `appProtocol` before `protocol`) or ServiceEntry (`number`) declares. */
function declaredPorts(r: Resource): DeclaredPort[] {
  const service = r.kind === 'Service';
  return listOf(r.spec.ports).flatMap((p) => {
    if (!isRecord(p)) return [];
    const number = service ? p.port : p.number;
    return typeof number === 'number' ? [{ name: str(p.name), number, protocol: service ? (str(p.appProtocol) ?? str(p.protocol)) : str(p.protocol) }] : [];
  });
}

/** The listeners of a Gateway API Gateway, as ports. */
function listenerPorts(gateway: Resource): DeclaredPort[] {
  return listOf(gateway.spec.listeners).flatMap((l) =>
    isRecord(l) && typeof l.port === 'number' ? [{ name: str(l.name), number: l.port, protocol: str(l.protocol) }] : [],
  );
}

/**
 * What a route's reference names, with the ports it declares: the Gateway API Gateway (its listeners),
 * the Service or the ServiceEntry the reference's kind and namespace give, every version of it.
 */
function referencedPorts(
  req: Request,
  entryPath: YamlPath,
  defaultGroup: string,
  defaultKind: string,
): { owner: Resource; what: string; ports: DeclaredPort[] }[] {
  const { group, kind, namespace } = refOf(req, entryPath, defaultGroup, defaultKind);
  const name = refName(req, entryPath);
  if (name === undefined) return [];
  const { index } = req.ctx;
  if (group === GATEWAY_API && kind === 'Gateway')
    return index
      .find(GATEWAY_API, 'Gateway', namespace, name)
      .map((g) => ({ owner: g, what: `listener of Gateway ${namespace}/${g.name}`, ports: listenerPorts(g) }));
  if (group === '' && kind === 'Service') {
    const services = index
      .find('', 'Service', namespace, name)
      .map((s) => ({ owner: s, what: `port of Service ${namespace}/${s.name}`, ports: declaredPorts(s) }));
    if (services.length > 0) return services;
    // The Service Istio deploys for a Gateway API Gateway has a port for each of its listeners.
    const gateway = deployedGateway(index, serviceHost(name, namespace));
    return gateway
      ? [
          {
            owner: gateway,
            what: `port of Service ${namespace}/${name}, deployed by Istio for Gateway ${namespace}/${gateway.name}`,
            ports: listenerPorts(gateway),
          },
        ]
      : [];
  }
  if (group === ISTIO_NETWORKING && kind === 'ServiceEntry')
    return index
      .find(ISTIO_NETWORKING, 'ServiceEntry', namespace, name)
      .map((se) => ({ owner: se, what: `port of ServiceEntry ${namespace}/${se.name}`, ports: declaredPorts(se) }));
  if (group === ISTIO_NETWORKING && kind === 'Hostname') {
    // An Istio Hostname backend is a host of the registry, as the route's namespace sees it.
    return registryLookup(index, name.toLowerCase(), req.resource.namespace, req.ctx.settings).flatMap((e) =>
      e.kind === 'assumed'
        ? []
        : [{ owner: e.resource, what: `port of ${e.kind} ${e.resource.namespace}/${e.resource.name}`, ports: declaredPorts(e.resource) }],
    );
  }
  return [];
}

/**
 * A route's `parentRefs[].sectionName`: the listener names of the Gateway it names, or, for a Service
 * or ServiceEntry parent (GAMMA), the names of its ports.
 */
function sectionCandidates(req: Request, entryPath: YamlPath): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  for (const { owner, what, ports } of referencedPorts(req, entryPath, GATEWAY_API, 'Gateway')) {
    for (const p of ports) {
      if (p.name === undefined) continue;
      out.push(candidate(req, p.name, `${what} (${[p.number, p.protocol].filter(Boolean).join(' ')})`, from(owner)));
    }
  }
  return dedupe(out);
}

/** A route's `parentRefs[].port` or `backendRefs[].port`: the ports of what the reference names. */
function refPortCandidates(req: Request, entryPath: YamlPath, defaultGroup: string, defaultKind: string): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  for (const { owner, what, ports } of referencedPorts(req, entryPath, defaultGroup, defaultKind)) {
    for (const p of ports) {
      const words = [p.name, p.protocol].filter(Boolean).join(', ');
      out.push(candidate(req, String(p.number), `${what}${words ? ` (${words})` : ''}`, from(owner)));
    }
  }
  return dedupe(out);
}

const strings = (v: unknown) => listOf(v).filter((x): x is string => typeof x === 'string');

/**
 * A VirtualService match's `port`. The match's own `gateways`, or else the VirtualService's, decide
 * where the rule runs (pilot/pkg/networking/core/route/route.go `sourceMatchHTTP` reads the match's
 * gateways first). On a Gateway, the ports of its servers whose `hosts` admit a host of the
 * VirtualService (networking/core/gateway.go `pickMatchingGatewayHosts`); on the mesh, the ports the
 * registry declares for the VirtualService's hosts.
 */
function matchPortCandidates(req: Request, matchPath: YamlPath): CompletionCandidate[] {
  const vs = req.resource;
  const written = strings(valueAt(vs.value, [...matchPath, 'gateways']));
  const refs = written.length > 0 ? written : boundGateways(vs);
  const hosts = hostsOf(vs);
  const out: CompletionCandidate[] = [];
  for (const { gateway: gw } of resolveGatewayRefs(req.ctx.index, vs, refs)) {
    for (const s of gatewayServers(gw)) {
      if (s.port === undefined) continue;
      const admitted = hosts.find((h) => s.hosts.some((e) => serverHostAdmits(e, h, vs.namespace, gw.namespace)));
      if (admitted === undefined) continue;
      out.push(
        candidate(
          req,
          String(s.port),
          `port of Gateway ${gw.namespace}/${gw.name}, server ${s.index + 1}${s.protocol ? ` (${s.protocol})` : ''}`,
          `${from(gw)} Its server admits host \`${admitted}\`.`,
        ),
      );
    }
  }
  if (refs.includes(MESH_GATEWAY)) for (const h of hosts) out.push(...portCandidates(req, h));
  return dedupe(out);
}

/**
 * Entries for a Gateway server's `hosts`: `namespace/host` for each host a VirtualService visible from
 * the Gateway's namespace declares (the entry admits that VirtualService), and the any-namespace entry (an asterisk, a slash, the host) for each
 * ServiceEntry host (admitting a VirtualService for it from any namespace), as `serverHostAdmits` and
 * gateway.go `pickMatchingGatewayHosts` read them.
 */
function serverHostCandidates(req: Request): CompletionCandidate[] {
  const { index } = req.ctx;
  const gw = req.resource;
  const out: CompletionCandidate[] = [];
  for (const vs of index.ofKind('VirtualService', ISTIO_NETWORKING)) {
    if (!isVisibleIn(index, vs, gw.namespace)) continue;
    for (const h of hostsOf(vs)) {
      if (h === '*') continue;
      out.push(candidate(req, `${vs.namespace}/${h}`, `VirtualService ${vs.namespace}/${vs.name}`, `${from(vs)} Admits its host \`${h}\`.`));
    }
  }
  for (const se of index.ofKind('ServiceEntry', ISTIO_NETWORKING)) {
    for (const h of hostsOf(se)) {
      out.push(
        candidate(
          req,
          `*/${h}`,
          `ServiceEntry ${se.namespace}/${se.name}`,
          `${from(se)} Admits the VirtualServices of any namespace for host \`${h}\`.`,
          `1_${h}`,
        ),
      );
    }
  }
  return dedupe(out);
}

/**
 * A Gateway API route's `hostnames`: the hosts of the ServiceEntries and the FQDNs of the Services the
 * route's namespace sees. A hostname is a name, never an IP address or a bare `*`.
 */
function routeHostnameCandidates(req: Request): CompletionCandidate[] {
  const out: CompletionCandidate[] = [];
  for (const h of registeredHosts(req, req.resource.namespace)) {
    if (h.service) out.push(candidate(req, h.host, definedBy(h), from(h.resource), `1_${h.host}`));
    else if (h.host !== '*' && !/^[\d.]+$/.test(h.host) && !h.host.includes(':')) out.push(candidate(req, h.host, definedBy(h), from(h.resource)));
  }
  return dedupe(out);
}

/**
 * A DestinationRule's `tls.sni`: the rule's host first, then the non-wildcard hosts of the
 * ServiceEntries that define it (for a wildcard rule, the hosts it covers).
 */
function sniCandidates(req: Request): CompletionCandidate[] {
  const dr = req.resource;
  if (typeof dr.spec.host !== 'string') return [];
  const host = resolveHost(dr.spec.host, dr.namespace);
  const out: CompletionCandidate[] = [];
  if (host !== '' && !isWildcard(host))
    out.push(candidate(req, host, `host of DestinationRule ${dr.namespace}/${dr.name}`, `${from(dr)} The server name its TLS origination sends.`, '0_'));
  for (const e of registryLookup(req.ctx.index, host, dr.namespace, req.ctx.settings)) {
    if (e.kind !== 'ServiceEntry') continue;
    for (const h of hostsOf(e.resource)) {
      if (!isWildcard(h) && hostSubsetOf(h, host))
        out.push(candidate(req, h, `host of ServiceEntry ${e.resource.namespace}/${e.resource.name}`, from(e.resource), `1_${h}`));
    }
  }
  return dedupe(out);
}

function candidatesFor(req: Request): CompletionCandidate[] {
  const { cursor, resource: r } = req;
  const path = cursor.path;
  const value = r.value;
  // A hostname being typed is a sequence item.
  if (r.group === GATEWAY_API && GATEWAY_API_ROUTES.includes(r.kind) && matches(path, ['spec', 'hostnames', '#'])) return routeHostnameCandidates(req);
  if (r.group === GATEWAY_API && GATEWAY_API_ROUTES.includes(r.kind) && cursor.type === 'value') {
    if (matches(path, ['spec', 'parentRefs', '#', 'name'])) return parentCandidates(req, path.slice(0, -1));
    if (matches(path, ['spec', 'rules', '#', 'backendRefs', '#', 'name'])) return backendCandidates(req, path.slice(0, -1));
    if (matches(path, ['spec', 'parentRefs', '#', 'sectionName'])) return sectionCandidates(req, path.slice(0, -1));
    if (matches(path, ['spec', 'parentRefs', '#', 'port'])) return refPortCandidates(req, path.slice(0, -1), GATEWAY_API, 'Gateway');
    if (matches(path, ['spec', 'rules', '#', 'backendRefs', '#', 'port'])) return refPortCandidates(req, path.slice(0, -1), '', 'Service');
    return [];
  }
  if (r.group !== ISTIO_NETWORKING) return [];
  if (r.kind === 'VirtualService') {
    if (cursor.type === 'key' && (matches(path, ['spec', 'gateways', '#']) || matches(path, ['spec', '*', '#', 'match', '#', 'gateways', '#'])))
      return gatewayCandidates(req);
    if (cursor.type === 'key' && matches(path, ['spec', 'hosts', '#'])) return hostCandidates(req);
    if (cursor.type !== 'value') return [];
    if (isDestination(path, 'host')) return hostCandidates(req);
    if (isDestination(path, 'subset')) {
      const host = valueAt(value, [...path.slice(0, -1), 'host']);
      return typeof host === 'string' ? subsetCandidates(req, resolveHost(host, r.namespace)) : [];
    }
    if (matches(path, ['spec', '*', '#', 'match', '#', 'port']) && ['http', 'tls', 'tcp'].includes(String(path[1])))
      return matchPortCandidates(req, path.slice(0, -1));
    if (path[path.length - 1] === 'number' && isDestination(path.slice(0, -1), 'port')) {
      const host = valueAt(value, [...path.slice(0, -2), 'host']);
      return typeof host === 'string' ? portCandidates(req, resolveHost(host, r.namespace)) : [];
    }
    return [];
  }
  // A Sidecar's egress hosts are `namespace/host` entries; an entry being typed is a sequence item.
  if (r.kind === 'Sidecar' && matches(path, ['spec', 'egress', '#', 'hosts', '#'])) return sidecarHostCandidates(req);
  if (r.kind === 'Gateway' && matches(path, ['spec', 'servers', '#', 'hosts', '#'])) return serverHostCandidates(req);
  if (cursor.type !== 'value') return [];
  const last = path[path.length - 1];
  if (r.kind === 'DestinationRule' && matches(path, ['spec', 'host'])) return hostCandidates(req);
  // A port-level traffic policy applies to a port of the rule's host.
  if (r.kind === 'DestinationRule' && last === 'number' && path[path.length - 2] === 'port' && path[path.length - 4] === 'portLevelSettings')
    return typeof r.spec.host === 'string' ? portCandidates(req, resolveHost(r.spec.host, r.namespace)) : [];
  if (r.kind === 'DestinationRule' && last === 'sni' && path[path.length - 2] === 'tls') return sniCandidates(req);
  if ((r.kind === 'DestinationRule' || r.kind === 'Gateway') && last === 'credentialName' && path[path.length - 2] === 'tls') return credentialCandidates(req);
  if (last === 'protocol' && (matches(path, ['spec', 'ports', '#', 'protocol']) || path[path.length - 2] === 'port')) return protocolCandidates(req);
  return [];
}

/** Workspace names to complete at `offset`; empty where none apply. Never throws. */
export function workspaceCompletions(file: ParsedFile, offset: number, ctx: NavigationContext): CompletionCandidate[] {
  try {
    const doc = documentAt(file, offset);
    const resource = doc?.resource;
    if (!doc || !resource) return [];
    const cursor = cursorContext(new LineReader(file.text), offset, doc.ast);
    if (!cursor || cursor.block) return [];
    return candidatesFor({ cursor, resource, ctx });
  } catch {
    return [];
  }
}

/**
 * The names in Istio YAML that point at other resources, and what they point at: gateway
 * references, route subsets, hosts (an ExternalName Service's `externalName` among them),
 * `credentialName`s and Sidecar egress hosts, with the Gateway, DestinationRule subset, ServiceEntry or Service, and Secret they resolve to. Every answer comes
 * from the rules in mesh/, so navigation and diagnostics agree. It knows nothing of LSP.
 */
import { inNamespace, namespaceOrigin } from '../index/namespace-origin';
import { isScalar } from 'yaml';
import type { Span, TextEdit } from '../model';
import type { Resource } from '../parse/resource';
import { GATEWAY_API, ISTIO_NETWORKING } from '../parse/resource';
import { nodeAtPath, type YamlPath } from '../parse/yaml-path';
import type { IndexReader } from '../index/workspace-index';
import { resolveHost, serviceHost, hostAsIstioNamesIt } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { hostsScope, importsService, namespaceSidecar } from '../mesh/sidecar-scope';
import { isVisibleIn } from '../mesh/export-defaults';
import { rootNamespace } from '../mesh/root-namespace';
import { credentialReferences, secretsForCredential } from '../mesh/credentials';
import { routeDestinations } from '../mesh/routes';
import { findGateway, gatewayReferences, gatewayRefNameSpan, MESH_GATEWAY, parseGatewayRef } from '../mesh/gateways';
import { registryLookup } from '../mesh/registry';
import { effectiveDestinationRule, subsetsOf, subsetNames } from '../mesh/destination-rules';
import type { Settings } from '../settings';
import { isRecord, listOf } from '../data';
import { deployedGateway, deployedServiceHost, GATEWAY_API_ROUTES } from './gateway-api';
import { externalNameOf } from './service-egress';

export interface NavigationContext {
  index: IndexReader;
  settings: Settings;
}

type SiteKind = 'gateway' | 'subset' | 'host' | 'credential' | 'sidecar-host' | 'api-gateway' | 'service-entry';

/** One place in a resource that names something another resource defines (or that is such a definition). */
export interface Site {
  kind: SiteKind;
  /** True where the name is defined (a Gateway's name, a subset's name, a ServiceEntry host, a Service or Secret name). */
  declaration: boolean;
  resource: Resource;
  path: YamlPath;
  /** The scalar's value as written. */
  written: string;
  /** The name's own text inside the scalar (without `ns/`, `.ns` or quotes): what a rename replaces. */
  span: Span;
  /** The text at `span`. */
  name: string;
  /** The whole scalar. */
  scalar: Span;
  /**
   * For a subset: the destination host (fully qualified) or the DestinationRule's host; for a Gateway
   * API route's Service or Hostname reference: the host it names.
   */
  host?: string;
  /** For a Gateway API route's reference to a Gateway or ServiceEntry by name: the namespace it names. */
  namespace?: string;
  /** For a credential reference: where the proxy reads it, and who reads it. */
  namespaces?: string[];
  reader?: string;
}

/** Where a site points: a resource and the span of the name that defines the target in it. */
export interface Target {
  resource: Resource;
  span: Span;
  /** The defining text at `span`: a Gateway, subset, Secret or Service name, or a ServiceEntry host as written. */
  name: string;
  /** What the target is, in words: `Gateway istio-system/egress`, `subset "cnn" of DestinationRule default/cnn`. */
  label: string;
}

/** The edits that write `newText` over each span, by file in document order; a span listed twice is edited once. */
export function editsAt(spans: Iterable<{ resource: Resource; span: Span }>, newText: string): Map<string, TextEdit[]> {
  const changes = new Map<string, TextEdit[]>();
  const seen = new Set<string>();
  for (const { resource, span } of spans) {
    const key = `${resource.uri}#${span.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = changes.get(resource.uri) ?? [];
    list.push({ start: span.start, end: span.end, newText });
    changes.set(resource.uri, list);
  }
  for (const list of changes.values()) list.sort((a, b) => a.start - b.start);
  return changes;
}

/** The scalar at `path` and the span of its text between quotes; undefined for non-scalars. */
export function scalarAt(r: Resource, path: YamlPath): { written: string; content: Span; scalar: Span } | undefined {
  const node = nodeAtPath(r.document.ast, path)?.value;
  if (!isScalar(node) || !node.range || typeof node.value !== 'string') return undefined;
  const [start, end] = node.range;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const written = node.value;
  const content = quoted ? { start: start + 1, end: end - 1 } : { start, end };
  // Escapes inside quotes would make offsets within the value unreliable; such names are not renamed.
  if (content.end - content.start !== written.length) return undefined;
  return { written, content, scalar: { start, end } };
}

function site(
  r: Resource,
  kind: SiteKind,
  path: YamlPath,
  declaration: boolean,
  part?: (written: string) => Span,
  extra: Partial<Site> = {},
): Site | undefined {
  const s = scalarAt(r, path);
  if (!s || s.written.trim() === '') return undefined;
  const p = part ? part(s.written) : { start: 0, end: s.written.length };
  const span = { start: s.content.start + p.start, end: s.content.start + p.end };
  return { kind, declaration, resource: r, path, written: s.written, span, name: s.written.slice(p.start, p.end), scalar: s.scalar, ...extra };
}

/** The part after `ns/` in `ns/host` entries. */
const afterSlash = (written: string): Span => ({ start: written.indexOf('/') + 1, end: written.length });

/** Every site of one resource (or only those of the kinds `only` names), in document order within each kind. */
function sitesOf(r: Resource, ctx: NavigationContext, only?: ReadonlySet<SiteKind>): Site[] {
  const out: (Site | undefined)[] = [];
  const spec = r.spec;
  if (r.group === ISTIO_NETWORKING) {
    switch (r.kind) {
      case 'VirtualService': {
        listOf(spec.hosts).forEach((_, i) => out.push(site(r, 'host', ['spec', 'hosts', i], false)));
        for (const { ref, path } of gatewayReferences(r)) if (ref.trim() !== MESH_GATEWAY) out.push(site(r, 'gateway', path, false, gatewayRefNameSpan));
        for (const d of routeDestinations(r)) {
          out.push(site(r, 'host', [...d.path, 'host'], false));
          if (d.subset !== undefined) out.push(site(r, 'subset', [...d.path, 'subset'], false, undefined, { host: d.host }));
        }
        break;
      }
      case 'DestinationRule': {
        const host = typeof spec.host === 'string' ? resolveHost(spec.host, r.namespace) : undefined;
        out.push(site(r, 'host', ['spec', 'host'], false));
        listOf(spec.subsets).forEach((_, i) => out.push(site(r, 'subset', ['spec', 'subsets', i, 'name'], true, undefined, { host })));
        break;
      }
      case 'Gateway': {
        out.push(site(r, 'gateway', ['metadata', 'name'], true));
        listOf(spec.servers).forEach((s, i) => {
          listOf(isRecord(s) ? s.hosts : undefined).forEach((_, j) => out.push(site(r, 'host', ['spec', 'servers', i, 'hosts', j], false, afterSlash)));
        });
        break;
      }
      case 'ServiceEntry': {
        listOf(spec.hosts).forEach((_, i) => out.push(site(r, 'host', ['spec', 'hosts', i], true)));
        break;
      }
      case 'Sidecar': {
        const egress: unknown[] = Array.isArray(spec.egress) ? spec.egress : [];
        egress.forEach((l, i) => {
          const hosts: unknown[] = isRecord(l) && Array.isArray(l.hosts) ? l.hosts : [];
          hosts.forEach((h, j) => {
            if (typeof h === 'string' && h.includes('/')) out.push(site(r, 'sidecar-host', ['spec', 'egress', i, 'hosts', j], false, afterSlash));
          });
        });
        break;
      }
    }
    // Where a credential is read may take a scan of the workloads: only when credentials are wanted.
    if ((r.kind === 'Gateway' || r.kind === 'DestinationRule') && (!only || only.has('credential'))) {
      for (const c of credentialReferences(r, ctx.index, ctx.settings)) {
        const slash = c.written.indexOf('/');
        out.push(
          site(
            r,
            'credential',
            c.path,
            false,
            (w) => ({ start: slash + 1 + (w.length - w.trimStart().length), end: slash + 1 + (w.length - w.trimStart().length) + c.name.length }),
            { namespaces: c.namespaces, reader: c.reader },
          ),
        );
      }
    }
  } else if (r.group === GATEWAY_API && r.kind === 'Gateway') {
    out.push(site(r, 'api-gateway', ['metadata', 'name'], true));
  } else if (r.group === GATEWAY_API && GATEWAY_API_ROUTES.includes(r.kind)) {
    out.push(...routeSites(r));
  } else if (r.group === '' && r.kind === 'Service') {
    out.push(site(r, 'host', ['metadata', 'name'], true));
    // An ExternalName Service names the host it stands for, as a route destination would.
    const target = externalNameOf(r);
    if (target !== undefined) out.push(site(r, 'host', ['spec', 'externalName'], false, undefined, { host: target }));
  } else if (r.group === '' && r.kind === 'Secret') {
    out.push(site(r, 'credential', ['metadata', 'name'], true));
  }
  return out.filter((s): s is Site => s !== undefined && (!only || only.has(s.kind)));
}

/**
 * The names a Gateway API route gives its parents and backends, by the kind each reference says
 * (pilot/pkg/config/kube/gateway/conversion.go: `parentRefs` default to a Gateway of the Gateway API,
 * `backendRefs` to a core Service; `namespace` defaults to the route's): a Gateway by name, a
 * ServiceEntry by name, a Service as its host, an Istio `Hostname` as that host.
 */
function routeSites(r: Resource): (Site | undefined)[] {
  const out: (Site | undefined)[] = [];
  const ref = (x: unknown, path: YamlPath, defaultGroup: string, defaultKind: string) => {
    if (!isRecord(x) || typeof x.name !== 'string') return;
    const group = typeof x.group === 'string' ? x.group : defaultGroup;
    const kind = typeof x.kind === 'string' ? x.kind : defaultKind;
    const namespace = typeof x.namespace === 'string' ? x.namespace : r.namespace;
    const at: YamlPath = [...path, 'name'];
    if (group === GATEWAY_API && kind === 'Gateway') out.push(site(r, 'api-gateway', at, false, undefined, { namespace }));
    else if (group === ISTIO_NETWORKING && kind === 'ServiceEntry') out.push(site(r, 'service-entry', at, false, undefined, { namespace }));
    else if (group === '' && kind === 'Service') out.push(site(r, 'host', at, false, undefined, { host: serviceHost(x.name, namespace) }));
    else if (group === ISTIO_NETWORKING && kind === 'Hostname') out.push(site(r, 'host', at, false, undefined, { host: x.name.trim().toLowerCase() }));
  };
  listOf(r.spec.parentRefs).forEach((p, i) => ref(p, ['spec', 'parentRefs', i], GATEWAY_API, 'Gateway'));
  listOf(r.spec.rules).forEach((rule, i) => {
    listOf(isRecord(rule) ? rule.backendRefs : undefined).forEach((b, j) => ref(b, ['spec', 'rules', i, 'backendRefs', j], '', 'Service'));
  });
  return out;
}

/** The site under `offset` in a resource's document, if any. */
function siteAt(r: Resource, offset: number, ctx: NavigationContext): Site | undefined {
  return sitesOf(r, ctx).find((s) => offset >= s.scalar.start && offset <= s.scalar.end);
}

/** The fully qualified host a host site names (a Service's FQDN for its name). */
export function hostOf(s: Site): string {
  if (s.kind === 'host' && s.host !== undefined) return s.host;
  if (s.declaration && s.resource.kind === 'Service') return serviceHost(s.resource.name, s.resource.namespace);
  const text =
    s.kind === 'host' && s.resource.kind === 'Gateway'
      ? s.written
          .slice(s.written.indexOf('/') + 1)
          .trim()
          .toLowerCase()
      : s.written;
  return s.resource.kind === 'Gateway' ? text : resolveHost(text, s.resource.namespace);
}

const nameSpan = (r: Resource): Span | undefined => {
  const s = scalarAt(r, ['metadata', 'name']);
  return s?.content;
};
const id = (r: Resource) => `${r.namespace}/${r.name}`;

function gatewayTargets(ctx: NavigationContext, s: Site): Target[] {
  const ref = s.declaration
    ? { namespace: s.resource.namespace, name: s.resource.name, qualified: true }
    : parseGatewayRef(s.written.trim(), s.resource.namespace);
  if (!ref) return [];
  return findGateway(ctx.index, ref)
    .filter((g) => g.group === ISTIO_NETWORKING)
    .flatMap((g) => {
      const span = nameSpan(g);
      return span ? [{ resource: g, span, name: g.name, label: `Gateway ${id(g)}` }] : [];
    });
}

/** The Gateway API Gateway or the ServiceEntry a route names (or, for a declaration, the Gateway itself and its other versions). */
function namedObjectTargets(ctx: NavigationContext, s: Site): Target[] {
  const api = s.kind === 'api-gateway';
  const namespace = s.declaration ? s.resource.namespace : (s.namespace ?? s.resource.namespace);
  const name = s.declaration ? s.resource.name : s.written.trim();
  return ctx.index.find(api ? GATEWAY_API : ISTIO_NETWORKING, api ? 'Gateway' : 'ServiceEntry', namespace, name).flatMap((r) => {
    const span = nameSpan(r);
    return span ? [{ resource: r, span, name: r.name, label: api ? `Gateway ${id(r)} (Gateway API)` : `ServiceEntry ${id(r)}` }] : [];
  });
}

function subsetTargets(ctx: NavigationContext, s: Site): Target[] {
  if (s.host === undefined) return [];
  const name = s.written.trim();
  // A subset's own definition stands for itself; alternative versions of the same rule are listed too.
  const rules = s.declaration
    ? ctx.index.find(ISTIO_NETWORKING, 'DestinationRule', s.resource.namespace, s.resource.name).filter((dr) => subsetNames(dr).includes(name))
    : [subsetsOf(effectiveDestinationRule(ctx.index, s.resource.namespace, s.host)).get(name)?.rule].filter((dr): dr is Resource => dr !== undefined);
  return rules.flatMap((dr) => {
    const i = listOf(dr.spec.subsets).findIndex((x) => isRecord(x) && x.name === name);
    const at = i >= 0 ? scalarAt(dr, ['spec', 'subsets', i, 'name']) : undefined;
    return at ? [{ resource: dr, span: at.content, name, label: `subset "${name}" of DestinationRule ${id(dr)}` }] : [];
  });
}

/** The entry of a ServiceEntry's hosts that defines `host` (equal, or else a wildcard matching it). */
function serviceEntryHost(se: Resource, host: string): { span: Span; name: string } | undefined {
  const hosts = listOf(se.spec.hosts);
  let fallback: { span: Span; name: string } | undefined;
  for (let i = 0; i < hosts.length; i++) {
    if (typeof hosts[i] !== 'string') continue;
    const h = resolveHost(hosts[i] as string, se.namespace);
    const at = scalarAt(se, ['spec', 'hosts', i]);
    if (!at) continue;
    if (h === host) return { span: at.content, name: at.written };
    if (!fallback && hostSubsetOf(host, h)) fallback = { span: at.content, name: at.written };
  }
  return fallback;
}

function registryTarget(r: Resource, host: string): Target | undefined {
  if (r.kind === 'Service') {
    const span = nameSpan(r);
    return span && { resource: r, span, name: r.name, label: `Service ${id(r)}` };
  }
  const at = serviceEntryHost(r, host);
  return at && { resource: r, ...at, label: `ServiceEntry ${id(r)}` };
}

function hostTargets(ctx: NavigationContext, s: Site): Target[] {
  const host = hostOf(s);
  const out: Target[] = [];
  for (const e of registryLookup(ctx.index, host, s.resource.namespace, ctx.settings)) {
    if (e.kind === 'assumed') continue;
    const t = registryTarget(e.resource, host);
    if (t) out.push(t);
  }
  // The Service Istio deploys for a Gateway API Gateway exists only in the cluster: the Gateway defines it.
  const gateway = out.length === 0 ? deployedGateway(ctx.index, host) : undefined;
  const span = gateway && nameSpan(gateway);
  if (gateway && span) out.push({ resource: gateway, span, name: gateway.name, label: `Gateway ${id(gateway)} (Gateway API), whose Service Istio deploys` });
  return out;
}

/**
 * What a Sidecar egress entry imports, as the sidecar scope decides it for the diagnostics
 * (mesh/sidecar-scope.ts, after sidecar.go `selectServices`): the ServiceEntries and Services exported
 * to the workloads' namespace that the entry matches (an exact entry only that host, never a wildcard
 * ServiceEntry over it) and that its listener imports. `.` is the namespace of the workloads, so the
 * root namespace's Sidecar reaches the services of every namespace that uses it.
 */
function sidecarTargets(ctx: NavigationContext, s: Site): Target[] {
  const { index } = ctx;
  const sidecar = s.resource;
  const entry = s.written.trim();
  const slash = entry.indexOf('/');
  const ns = entry.slice(0, slash);
  const dnsName = entry
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  const listener: unknown = Array.isArray(sidecar.spec.egress) ? sidecar.spec.egress[Number(s.path[2])] : undefined;
  const listenerHosts = isRecord(listener) && Array.isArray(listener.hosts) ? listener.hosts.filter((h): h is string => typeof h === 'string') : [];
  const rootWide = sidecar.namespace === rootNamespace(index) && !isRecord(sidecar.spec.workloadSelector);
  const inEffect = (namespace: string) => {
    const applied = namespaceSidecar(index, namespace);
    return applied !== undefined && applied.uri === sidecar.uri && applied.docIndex === sidecar.docIndex;
  };
  // The workloads that see a service of `namespace` through `.`: that namespace's, when this Sidecar applies there.
  const workloadNamespace = (namespace: string) => (namespace === sidecar.namespace || (rootWide && inEffect(namespace)) ? namespace : sidecar.namespace);
  const candidates: Resource[] = [];
  if (dnsName.startsWith('*')) {
    const everywhere = ns === '*' || (ns === '.' && rootWide);
    const namespace = ns === '.' ? sidecar.namespace : ns;
    for (const kind of ['ServiceEntry', 'Service']) candidates.push(...(everywhere ? index.ofKind(kind) : index.withTag(kind, `ns:${namespace}`)));
  } else {
    candidates.push(...index.matchingHost('ServiceEntry', dnsName), ...index.withHost('Service', dnsName));
  }
  const out: Target[] = [];
  for (const r of candidates) {
    if (r.kind === 'ServiceEntry' && r.group !== ISTIO_NETWORKING) continue;
    if (r.kind === 'Service' && r.group !== '') continue;
    const workloads = workloadNamespace(r.namespace);
    if (!isVisibleIn(index, r, workloads)) continue;
    const own = hostsScope(sidecar, [entry], workloads);
    const all = hostsScope(sidecar, listenerHosts, workloads);
    const imports = (host: string) => importsService(own, r.namespace, host) && importsService(all, r.namespace, host);
    if (r.kind === 'Service') {
      const t = imports(serviceHost(r.name, r.namespace)) ? registryTarget(r, serviceHost(r.name, r.namespace)) : undefined;
      if (t) out.push(t);
      continue;
    }
    const hosts: unknown[] = Array.isArray(r.spec.hosts) ? r.spec.hosts : [];
    const i = hosts.findIndex((h) => typeof h === 'string' && imports(hostAsIstioNamesIt(r.kind, h, r.namespace)));
    const at = i < 0 ? undefined : scalarAt(r, ['spec', 'hosts', i]);
    if (at) out.push({ resource: r, span: at.content, name: at.written, label: `ServiceEntry ${id(r)}` });
  }
  return out;
}

function credentialTargets(ctx: NavigationContext, s: Site): Target[] {
  const secrets = s.declaration
    ? ctx.index.find('', 'Secret', s.resource.namespace, s.resource.name)
    : secretsForCredential(ctx.index, { name: s.written.trim().slice(s.written.trim().indexOf('/') + 1), namespaces: s.namespaces ?? [] });
  return secrets.flatMap((r) => {
    const span = nameSpan(r);
    return span ? [{ resource: r, span, name: r.name, label: `Secret ${id(r)}` }] : [];
  });
}

/**
 * Where a site points. A definition points at itself and at the other definitions of the same
 * object (alternative versions in other files); several targets are all returned.
 */
export function targetsOf(s: Site, ctx: NavigationContext): Target[] {
  switch (s.kind) {
    case 'gateway':
      return gatewayTargets(ctx, s);
    case 'subset':
      return subsetTargets(ctx, s);
    case 'host':
      return hostTargets(ctx, s);
    case 'sidecar-host':
      return sidecarTargets(ctx, s);
    case 'credential':
      return credentialTargets(ctx, s);
    case 'api-gateway':
    case 'service-entry':
      return namedObjectTargets(ctx, s);
  }
}

/** Why a reference resolves to nothing, in words; undefined when it does resolve. */
export function whyUnresolved(s: Site, ctx: NavigationContext): string | undefined {
  if (targetsOf(s, ctx).length > 0) return undefined;
  const name = s.written.trim();
  switch (s.kind) {
    case 'gateway': {
      const ref = parseGatewayRef(name, s.resource.namespace);
      if (!ref) return undefined;
      if (ctx.index.find(GATEWAY_API, 'Gateway', ref.namespace, ref.name).length > 0)
        return `"${ref.namespace}/${ref.name}" is a Kubernetes Gateway API Gateway; a VirtualService binds only to Istio Gateways.`;
      return `No Istio Gateway "${ref.name}" in namespace "${ref.namespace}"${ref.qualified ? '' : namespaceOrigin(s.resource)} in the workspace.`;
    }
    case 'subset': {
      const rules = (s.host ? effectiveDestinationRule(ctx.index, s.resource.namespace, s.host)?.rules : undefined) ?? [];
      if (rules.length === 0) return `No DestinationRule for host "${s.host}" applies in ${inNamespace(s.resource)}.`;
      return (
        `Subset "${name}" is not defined for host "${s.host}": the DestinationRule in effect in ` +
        `"${s.resource.namespace}"${namespaceOrigin(s.resource)} (${rules.map(id).join(', ')}) defines ` +
        `${[...new Set(rules.flatMap(subsetNames))].map((n) => `"${n}"`).join(', ') || 'no subsets'}.`
      );
    }
    case 'host': {
      const host = hostOf(s);
      if (registryLookup(ctx.index, host, s.resource.namespace, ctx.settings).some((e) => e.kind === 'assumed')) {
        return (
          `"${host}" is not defined in the workspace; it is assumed to exist in the cluster (a built-in Service, ` + 'or the egress gateway from the settings).'
        );
      }
      return `No ServiceEntry or Service in the workspace defines "${host}" for ${inNamespace(s.resource)}.`;
    }
    case 'sidecar-host':
      return `No ServiceEntry or Service in the workspace is imported by "${name}".`;
    case 'api-gateway': {
      const namespace = s.namespace ?? s.resource.namespace;
      if (ctx.index.find(ISTIO_NETWORKING, 'Gateway', namespace, name).length > 0)
        return (
          `"${namespace}/${name}" is an Istio Gateway; a Gateway API route attaches only to Gateway API Gateways (or to ` +
          'a ServiceEntry or Service when its parentRef says so).'
        );
      return `No Gateway API Gateway "${name}" in namespace "${namespace}" in the workspace.`;
    }
    case 'service-entry':
      return `No ServiceEntry "${name}" in namespace "${s.namespace ?? s.resource.namespace}" in the workspace.`;
    case 'credential':
      return (
        `No Secret "${name.slice(name.indexOf('/') + 1)}" in ${(s.namespaces ?? []).map((n) => `"${n}"`).join(', ')}, ` +
        `where ${s.reader ?? 'the proxy reads it'}.`
      );
  }
}

/** The resources that may hold sites pointing at the same thing as `s`: narrow index lookups by kind. */
function candidatesFor(s: Site, ctx: NavigationContext): Resource[] {
  const { index } = ctx;
  const routes = () => GATEWAY_API_ROUTES.flatMap((k) => index.ofKind(k, GATEWAY_API));
  const hostCandidates = (host: string) => [
    ...index.withHost('ServiceEntry', host),
    ...index.withHost('Service', host),
    ...index.withHost('VirtualService', host),
    ...index.withTag('VirtualService', `dest:${host}`),
    ...index.withHost('DestinationRule', host),
    ...index.withTag('Gateway', `server-host:${host}`),
    ...index.ofKind('Sidecar', ISTIO_NETWORKING),
    ...routes(),
    // ExternalName Services are few, and nothing in the index files them by the host they stand for.
    ...index.ofKind('Service', '').filter((svc) => externalNameOf(svc) === host),
  ];
  switch (s.kind) {
    case 'gateway':
      return [...index.ofKind('VirtualService', ISTIO_NETWORKING), ...index.ofKind('Gateway', ISTIO_NETWORKING)];
    case 'subset':
      return s.host === undefined ? [] : [...index.withTag('VirtualService', `dest:${s.host}`), ...index.matchingHost('DestinationRule', s.host)];
    case 'api-gateway': {
      const hosts = deployedHosts(s, ctx);
      return [...routes(), ...index.ofKind('Gateway', GATEWAY_API), ...hosts.flatMap((h) => hostCandidates(h))];
    }
    case 'service-entry':
      return routes();
    case 'host':
    case 'sidecar-host':
      return hostCandidates(namedHost(s));
    case 'credential': {
      const name = s.declaration ? s.resource.name : s.written.trim().slice(s.written.trim().indexOf('/') + 1);
      return [
        ...index.ofKind('Secret', '').filter((r) => r.name === name || r.name === `${name}-cacert`),
        ...index.withTag('Gateway', `credential:${name}`),
        ...index.ofKind('DestinationRule', ISTIO_NETWORKING),
      ];
    }
  }
}

const spanKey = (r: Resource, span: Span) => `${r.uri}#${span.start}`;

/** The host a host site names: its own, or the host part of a Sidecar's `namespace/host` entry. */
function namedHost(s: Site): string {
  return s.kind === 'host'
    ? hostOf(s)
    : s.written
        .slice(s.written.indexOf('/') + 1)
        .trim()
        .toLowerCase();
}

/** The hosts of the Services Istio deploys for the Gateway API Gateways a site names. */
function deployedHosts(s: Site, ctx: NavigationContext): string[] {
  return s.kind === 'api-gateway' ? targetsOf(s, ctx).flatMap((t) => deployedServiceHost(t.resource) ?? []) : [];
}

/** What a site names, as keys that two sites share exactly when they point at the same thing. */
function identityKeys(s: Site, ctx: NavigationContext): string[] {
  // A Gateway API Gateway is named by routes, and by the host of the Service Istio deploys for it.
  if (s.kind === 'api-gateway' || s.kind === 'service-entry') {
    return [
      `${s.kind}|${s.declaration ? s.resource.namespace : (s.namespace ?? s.resource.namespace)}|${s.declaration ? s.resource.name : s.written.trim()}`,
      ...deployedHosts(s, ctx).map((h) => `host|${h}`),
    ];
  }
  if (s.kind === 'host' || s.kind === 'sidecar-host') {
    return [`host|${namedHost(s)}`];
  }
  // A gateway reference names exactly one (namespace, name), resolved or not: no lookup needed.
  if (s.kind === 'gateway') {
    const ref = s.declaration ? { namespace: s.resource.namespace, name: s.resource.name } : parseGatewayRef(s.written.trim(), s.resource.namespace);
    return ref ? [`gateway|${ref.namespace}|${ref.name}`] : [];
  }
  const targets = targetsOf(s, ctx);
  if (targets.length > 0) return targets.map((t) => spanKey(t.resource, t.span));
  // Unresolved references still find each other by what they mean to name.
  if (s.kind === 'subset') return [`subset|${s.host}|${s.resource.namespace}|${s.written.trim()}`];
  return [`secret|${(s.namespaces ?? []).join(',')}|${s.written.trim()}`];
}

/** Every site in the workspace that points at the same thing as `s` (definitions included), `s` among them. */
export function referencesOf(s: Site, ctx: NavigationContext): Site[] {
  const keys = new Set(identityKeys(s, ctx));
  const kinds = new Set<SiteKind>(
    s.kind === 'host' || s.kind === 'sidecar-host' ? ['host', 'sidecar-host'] : s.kind === 'api-gateway' ? ['api-gateway', 'host'] : [s.kind],
  );
  const seen = new Set<Resource>();
  const out: Site[] = [];
  for (const r of candidatesFor(s, ctx)) {
    if (seen.has(r)) continue;
    seen.add(r);
    for (const o of sitesOf(r, ctx, kinds)) {
      if (identityKeys(o, ctx).some((k) => keys.has(k))) out.push(o);
    }
  }
  return out;
}

/** The site under `offset` in a file: in the resource of the document that holds the offset. */
export function siteAtOffset(file: { resources: Resource[] }, offset: number, ctx: NavigationContext): Site | undefined {
  const r = file.resources.find((x) => offset >= x.document.start && offset <= x.document.end);
  return r && siteAt(r, offset, ctx);
}

/**
 * Gateways as Istio finds them: how a VirtualService's gateway reference names a Gateway, where a
 * Gateway's proxies run (the namespace whose view of the mesh they use), and which Services are
 * egress gateways, whether from the settings or declared in the workspace.
 * It does not decide what a gateway sees; visibility.ts does, from the namespaces answered here.
 */
import type { IndexReader } from '../index/workspace-index';
import { ISTIO_NETWORKING, type Resource, GATEWAY_API } from '../parse/resource';
import type { Settings } from '../settings';
import { isRecord } from '../data';
import { labelsMatch, podLabels, workloadsMatching, isGatewayWorkload, workloads } from './workloads';
import { DEFAULT_ROOT_NAMESPACE } from './root-namespace';
import type { YamlPath } from '../parse/yaml-path';

/** Istio's root namespace, where the default egress gateway runs. */

/**
 * A gateway reference as Istio resolves it for a VirtualService in `namespace`: `ns/name` as
 * written, `./name` and a short `name` in the VirtualService's namespace, and the legacy dotted
 * forms `name.ns` and `name.ns.svc.cluster.local`, whose second label is the namespace.
 * Follows pilot/pkg/model/config.go resolveGatewayName; `mesh` is the caller's to handle.
 */
export function resolveGatewayName(ref: string, namespace: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const ns = ref.slice(0, slash);
    return { namespace: ns === '.' ? namespace : ns, name: ref.slice(slash + 1) };
  }
  const dot = ref.indexOf('.');
  if (dot < 0) return { namespace, name: ref };
  const rest = ref.slice(dot + 1);
  const next = rest.indexOf('.');
  return { namespace: next < 0 ? rest : rest.slice(0, next), name: ref.slice(0, dot) };
}

/**
 * The namespace of a Kubernetes Service host: `<name>.<namespace>`, `<name>.<namespace>.svc` or
 * `<name>.<namespace>.svc.<cluster domain>`; Istio's root namespace for any other host.
 * The generator and the analyzers both place the egress gateway with it, so they agree.
 */
export function serviceHostNamespace(host: string): string {
  const parts = host.trim().toLowerCase().split('.');
  if (parts.length >= 2 && parts[0] !== '' && parts[1] !== '' && (parts.length === 2 || parts[2] === 'svc')) return parts[1];
  return DEFAULT_ROOT_NAMESPACE;
}

/** The namespace the egress gateway from the settings runs in: the namespace of its Service host (istio-system by default). */
export function egressGatewayNamespace(settings: Settings): string {
  return serviceHostNamespace(settings.egressGateway.host);
}

/** A Gateway's selector as labels; empty when it has none. */
export function gatewaySelector(gw: Resource): Record<string, string> {
  return isRecord(gw.spec.selector) ? Object.fromEntries(Object.entries(gw.spec.selector).map(([k, v]) => [k, String(v)])) : {};
}

/** Where a Gateway's proxies run. `known` is false when the namespaces are Istio's usual places, not facts of the workspace. */
export interface GatewayPlacement {
  namespaces: string[];
  known: boolean;
}

/**
 * The namespaces of the proxies a Gateway configures: those of the workloads its selector picks,
 * else the egress gateway's of the settings when it selects that gateway (known only when the Gateway
 * is in that namespace too), else (the pods live
 * outside the workspace) Istio's root namespace and the Gateway's own, where gateways usually run.
 * A gateway proxy reads its configuration as its own namespace sees it (pilot/pkg/model/context.go
 * `ConfigNamespace`), so this is the namespace whose view its rules use. Workloads whose files write
 * no namespace make the answer assumed, not known.
 */
export function gatewayPlacement(index: IndexReader, settings: Settings, gw: Resource): GatewayPlacement {
  const selector = gatewaySelector(gw);
  if (Object.keys(selector).length > 0) {
    const workloads = workloadsMatching(index, selector);
    // A workload whose file writes no namespace goes wherever kubectl -n or a kustomization puts it.
    if (workloads.length > 0) return { namespaces: [...new Set(workloads.map((w) => w.namespace))].sort(), known: workloads.every((w) => w.namespaceExplicit) };
    // The settings' namespace is a default, not a fact: Helm installs the same labels in any namespace
    // (`helm install istio-egressgateway istio/gateway -n istio-egress`). It is known only for a Gateway in that namespace.
    if (labelsMatch(selector, settings.egressGateway.selector)) {
      const namespace = egressGatewayNamespace(settings);
      return { namespaces: [namespace], known: gw.namespace === namespace };
    }
  }
  return { namespaces: [...new Set([DEFAULT_ROOT_NAMESPACE, gw.namespace])], known: false };
}

/** An egress gateway: its Service host, the namespace its proxies run in and the labels its pods carry. */
export interface EgressGateway {
  host: string;
  namespace: string;
  selector: Record<string, string>;
  /** `settings` for `istioEgress.egressGateway`; `workspace` for a Service whose pods an Istio Gateway selects. */
  origin: 'settings' | 'workspace';
  service?: Resource;
  /** The Istio Gateways that select its pods (workspace gateways only). */
  gateways: Resource[];
}

/** The egress gateway of each settings' `egressGateway`, worked out once: routes ask for it per destination. Frozen, as callers share it. */
const settingsEgressGateways = new WeakMap<Settings['egressGateway'], EgressGateway>();

/** The egress gateway of the settings. */
function settingsEgressGateway(settings: Settings): EgressGateway {
  let gateway = settingsEgressGateways.get(settings.egressGateway);
  if (!gateway) {
    gateway = Object.freeze({
      host: settings.egressGateway.host.toLowerCase(),
      namespace: egressGatewayNamespace(settings),
      selector: settings.egressGateway.selector,
      origin: 'settings' as const,
      gateways: Object.freeze([]) as unknown as Resource[],
    });
    settingsEgressGateways.set(settings.egressGateway, gateway);
  }
  return gateway;
}

/**
 * The gateway proxy behind a Service host, when it is one: the settings' egress gateway, or a
 * Service of the workspace whose pods (those of its selector, or the declared workloads it
 * selects) an Istio Gateway selects. When mesh rules send traffic to such a host, it is an egress
 * gateway and gets every check the default one gets. Undefined for any other host.
 */
export function gatewayBehindHost(index: IndexReader, settings: Settings, host: string): EgressGateway | undefined {
  if (host === settings.egressGateway.host.toLowerCase()) return settingsEgressGateway(settings);
  if (!host.endsWith('.svc.cluster.local')) return undefined;
  for (const service of index.withHost('Service', host)) {
    if (service.group !== '' || !isRecord(service.spec.selector)) continue;
    const selector = Object.fromEntries(Object.entries(service.spec.selector).map(([k, v]) => [k, String(v)]));
    if (Object.keys(selector).length === 0) continue;
    const pods = workloadsMatching(index, selector)
      .filter((w) => w.namespace === service.namespace)
      .map(podLabels);
    const labelSets = pods.length > 0 ? pods : [selector];
    const gateways = new Map<string, Resource>();
    for (const labels of labelSets) {
      for (const [k, v] of Object.entries(labels)) {
        for (const gw of index.withTag('Gateway', `selector:${k}=${v}`)) {
          const gs = gatewaySelector(gw);
          if (gw.group === ISTIO_NETWORKING && Object.keys(gs).length > 0 && labelsMatch(gs, labels)) gateways.set(`${gw.namespace}/${gw.name}`, gw);
        }
      }
    }
    if (gateways.size === 0) continue;
    return { host, namespace: service.namespace, selector: labelSets[0], origin: 'workspace', service, gateways: [...gateways.values()] };
  }
  return undefined;
}

/**
 * The workspace egress gateways whose pods an Istio Gateway selects: Services of the namespaces of the
 * workloads it selects (or, with no such workload, Services whose own selector carries its selector)
 * that `gatewayBehindHost` finds behind it, and to which some mesh rule sends traffic (the `mesh-dest:`
 * tag), so an ingress gateway is not one. It reads per namespace, per label and per host, never every Gateway.
 */
export function workspaceEgressGatewaysSelectedBy(index: IndexReader, settings: Settings, gw: Resource): EgressGateway[] {
  const selector = gatewaySelector(gw);
  const [first] = Object.entries(selector);
  if (!first || gw.group !== ISTIO_NETWORKING) return [];
  const namespaces = new Set(workloadsMatching(index, selector).map((w) => w.namespace));
  const services =
    namespaces.size > 0 ? [...namespaces].flatMap((ns) => index.withTag('Service', `ns:${ns}`)) : index.withTag('Service', `selector:${first[0]}=${first[1]}`);
  const out: EgressGateway[] = [];
  for (const service of services) {
    if (service.group !== '') continue;
    const host = `${service.name}.${service.namespace}.svc.cluster.local`;
    const egress = gatewayBehindHost(index, settings, host);
    if (egress?.origin !== 'workspace' || !egress.gateways.some((g) => g.namespace === gw.namespace && g.name === gw.name)) continue;
    if (index.someWithTag('VirtualService', `mesh-dest:${host}`).length > 0) out.push(egress);
  }
  return out;
}

/** Whether an Istio Gateway selects the pods of the settings' egress gateway or of a workspace egress gateway (`workspaceEgressGatewaysSelectedBy`). */
export function selectsAnyEgressGateway(index: IndexReader, settings: Settings, gw: Resource): boolean {
  return gatewaySelects(gw, settings.egressGateway) || workspaceEgressGatewaysSelectedBy(index, settings, gw).length > 0;
}

/** Whether an Istio Gateway selects the pods of an egress gateway (an empty selector does not count). */
export function gatewaySelects(gw: Resource, egress: Pick<EgressGateway, 'selector'>): boolean {
  const selector = gatewaySelector(gw);
  return Object.keys(selector).length > 0 && labelsMatch(selector, egress.selector);
}

/** The reserved gateway name for the sidecars of the mesh. */
export const MESH_GATEWAY = 'mesh';

export interface GatewayRef {
  namespace: string;
  name: string;
  /** True when the reference named its namespace (`ns/name`). */
  qualified: boolean;
  /** True when the namespace is the referring resource's and its file does not write it (kubectl -n or a kustomization decides). */
  namespaceAssumed?: boolean;
}

/**
 * A gateway reference as written in a VirtualService in `namespace`; undefined for `mesh`.
 * Follows Istio's resolveGatewayName: `ns/name`, `./name` (the VirtualService's namespace), a short
 * `name` (same namespace), and the legacy dotted forms `name.ns` and `name.ns.svc.cluster.local`,
 * whose second label is the namespace. `namespaceWritten` is false when the VirtualService's namespace
 * was not written in its file, so a short reference's namespace is assumed, not known.
 */
export function parseGatewayRef(ref: string, namespace: string, namespaceWritten = true): GatewayRef | undefined {
  if (ref === MESH_GATEWAY) return undefined;
  const { namespace: ns, name } = resolveGatewayName(ref, namespace);
  const qualified = ref.includes('/') || ref.includes('.');
  // Built as literals, not spread: every VirtualService's references are parsed by a dozen analyzers.
  return qualified || namespaceWritten ? { namespace: ns, name, qualified } : { namespace: ns, name, qualified, namespaceAssumed: true };
}

/** Where the Gateway's name sits in a reference as written: the text a rename replaces. */
export function gatewayRefNameSpan(ref: string): { start: number; end: number } {
  const slash = ref.indexOf('/');
  if (slash >= 0) return { start: slash + 1, end: ref.length };
  const dot = ref.indexOf('.');
  return { start: 0, end: dot < 0 ? ref.length : dot };
}

/** Every gateway reference of a VirtualService (`spec.gateways` and each match's `gateways`), with its YAML path. */
export function* gatewayReferences(vs: Resource): Generator<{ ref: string; path: YamlPath }> {
  const top = vs.spec.gateways;
  if (Array.isArray(top)) for (let i = 0; i < top.length; i++) if (typeof top[i] === 'string') yield { ref: top[i], path: ['spec', 'gateways', i] };
  for (const protocol of ['http', 'tls', 'tcp']) {
    const rules = vs.spec[protocol];
    if (!Array.isArray(rules)) continue;
    for (let i = 0; i < rules.length; i++) {
      const matches = isRecord(rules[i]) && Array.isArray(rules[i].match) ? rules[i].match : [];
      for (let j = 0; j < matches.length; j++) {
        const gateways = isRecord(matches[j]) && Array.isArray(matches[j].gateways) ? matches[j].gateways : [];
        for (let k = 0; k < gateways.length; k++) {
          if (typeof gateways[k] === 'string') yield { ref: gateways[k], path: ['spec', protocol, i, 'match', j, 'gateways', k] };
        }
      }
    }
  }
}

export function findGateway(index: IndexReader, ref: GatewayRef): Resource[] {
  return index.find(ISTIO_NETWORKING, 'Gateway', ref.namespace, ref.name);
}

/** The gateways a VirtualService applies to: `spec.gateways`, or the mesh when none is listed. */
export function boundGateways(vs: Resource): string[] {
  const g = vs.spec.gateways;
  return Array.isArray(g) && g.length > 0 ? g.filter((x): x is string => typeof x === 'string') : [MESH_GATEWAY];
}

/**
 * Whether `host` is an egress gateway's Service: the settings' egress gateway, or, given the index,
 * a Service of the workspace whose pods an Istio Gateway selects (`gatewayBehindHost`).
 */
export function isEgressGatewayHost(host: string, settings: Settings, index?: IndexReader): boolean {
  return host === settings.egressGateway.host.toLowerCase() || (index !== undefined && gatewayBehindHost(index, settings, host) !== undefined);
}

/** A gateway reference of a VirtualService resolved to the Istio Gateway the workspace defines for it. */
export interface ResolvedGateway {
  /** The reference as written. */
  ref: string;
  gateway: Resource;
}

/** The Istio Gateways that gateway references (as written in `vs`) name, skipping `mesh` and references the workspace cannot resolve. */
export function resolveGatewayRefs(index: IndexReader, vs: Resource, refs: readonly string[]): ResolvedGateway[] {
  const out: ResolvedGateway[] = [];
  for (const ref of refs) {
    const parsed = parseGatewayRef(ref, vs.namespace, vs.namespaceExplicit);
    if (!parsed) continue;
    const gateway = findGateway(index, parsed).find((g) => g.group === ISTIO_NETWORKING);
    if (gateway) out.push({ ref, gateway });
  }
  return out;
}

/**
 * The Gateways a VirtualService's gateway-side rules run on, for a mesh route that sends traffic to
 * the egress gateway at `host` (the settings' when omitted): the bound Istio Gateways that select
 * that gateway's pods, or every bound Istio Gateway when none of them does.
 */
export function egressGatewaysOf(index: IndexReader, vs: Resource, settings: Settings, host?: string): ResolvedGateway[] {
  const bound = resolveGatewayRefs(index, vs, boundGateways(vs));
  const gateway = host === undefined ? undefined : gatewayBehindHost(index, settings, host);
  const selects = (gw: Resource) => gatewaySelects(gw, gateway ?? settings.egressGateway);
  const egress = bound.filter((b) => selects(b.gateway));
  return egress.length > 0 ? egress : bound;
}

/**
 * Namespaces where gateway proxies run: the egress gateway's, those of Kubernetes Gateways (Istio
 * deploys their proxies beside them) and those of the gateway workloads the workspace declares.
 * It scans workloads, so call it for few resources.
 */
export function gatewayNamespaces(index: IndexReader, settings: Settings): Set<string> {
  const out = new Set([egressGatewayNamespace(settings)]);
  for (const gw of index.ofKind('Gateway', GATEWAY_API)) out.add(gw.namespace);
  for (const w of workloads(index)) if (isGatewayWorkload(w)) out.add(w.namespace);
  return out;
}

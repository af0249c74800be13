/**
 * The traffic map as a graph: client namespaces → their sidecars → egress gateways (or Gateway API
 * routes) → external hosts, built only from the egress paths of egress-path.ts, so that the code
 * lenses, the map and the diagnostics give the same answers. It does not lay the graph out
 * (map-layout.ts) nor draw it (map-formats.ts, the client's map view).
 */
import type { Resource } from '../parse/resource';
import { ISTIO_NETWORKING } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { outboundPolicy } from '../mesh/sidecar-scope';
import { DEFAULT_ROOT_NAMESPACE } from '../mesh/root-namespace';
import type { MapNodeKind, TrafficMapParams } from '../protocol';
import { serviceEntryPaths, virtualServicePaths, type EgressPath, type PathStep } from './egress-path';
import type { NavigationContext } from './references';

/** A place in a file, as an offset: the features layer turns it into a position. */
export interface MapAnchor {
  uri: string;
  offset: number;
}

interface MapNodeModel {
  id: string;
  kind: MapNodeKind;
  label: string;
  caption: string;
  broken: boolean;
  at?: MapAnchor;
}

interface MapEdgeModel {
  id: string;
  from: string;
  to: string;
  labels: string[];
  broken: string[];
  notes: string[];
  /** A link the map cannot follow (after a broken link or into a Gateway API route): drawn dashed. */
  dashed: boolean;
}

export interface TrafficMapModel {
  nodes: MapNodeModel[];
  edges: MapEdgeModel[];
  policy: { mode: string; origin: string; overrides: { namespace: string; mode: string }[] };
  hosts: string[];
  namespaces: string[];
  brokenPaths: number;
}

/** A resource's name, where the map opens it (its document's start may be a `---` line). */
const anchorOf = (r: Resource | undefined): MapAnchor | undefined =>
  r ? { uri: r.uri, offset: spanAtPath(r.document.ast, ['metadata', 'name'])?.start ?? r.document.start } : undefined;

/** How a link reads on the map: port, protocol and TLS mode, e.g. `80 HTTP · ISTIO_MUTUAL`. */
function linkLabel(step: PathStep): string {
  const parts = [[step.port, step.protocol].filter((p) => p !== undefined && p !== '').join(' '), step.tls].filter((p) => p);
  return parts.length > 0 ? parts.join(' · ') : (step.note ?? '');
}

/**
 * Every egress path of the workspace, once per client namespace, host and port: those of the
 * ServiceEntries, then those of the VirtualServices whose hosts a ServiceEntry declares or whose
 * traffic goes through an egress gateway (a VirtualService for an in-mesh Service is not egress).
 */
export function workspacePaths(ctx: NavigationContext): { path: EgressPath; source: Resource }[] {
  const out: { path: EgressPath; source: Resource }[] = [];
  const seen = new Set<string>();
  const add = (path: EgressPath, source: Resource) => {
    const key = `${path.namespace}|${path.host}|${path.port}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, source });
  };
  for (const se of ctx.index.ofKind('ServiceEntry', ISTIO_NETWORKING)) for (const p of serviceEntryPaths(se, ctx)) add(p, se);
  for (const vs of ctx.index.ofKind('VirtualService', ISTIO_NETWORKING)) {
    for (const p of virtualServicePaths(vs, ctx)) {
      if (p.definer.kind === 'ServiceEntry' || p.steps.some((s) => s.kind === 'egress-gateway')) add(p, vs);
    }
  }
  return out;
}

function nodeId(step: PathStep, namespace: string): string {
  switch (step.kind) {
    case 'sidecar':
      return `sidecar:${step.name}`;
    case 'egress-gateway':
      return `gateway:${step.name}`;
    case 'route':
      return `route:${namespace}/${step.name}`;
    case 'host':
      return `host:${step.name}`;
  }
}

/** Keeps the paths of one namespace, or to hosts containing a text; a host equal to the text keeps only that host. */
function filtered(paths: { path: EgressPath; source: Resource }[], filter: TrafficMapParams): { path: EgressPath; source: Resource }[] {
  if (filter.summaryOnly) return [];
  let out = filter.namespace ? paths.filter((p) => p.path.namespace === filter.namespace) : paths;
  const text = filter.host?.trim().toLowerCase();
  if (text) {
    const exact = out.filter((p) => p.path.host === text);
    out = exact.length > 0 ? exact : out.filter((p) => p.path.host.includes(text));
  }
  return out;
}

/**
 * The traffic map of the workspace, or of the part the filter keeps; lists and counts are of the
 * whole workspace. `all` lets a caller reuse the paths of an unchanged workspace.
 */
export function trafficMap(ctx: NavigationContext, filter: TrafficMapParams = {}, all = workspacePaths(ctx)): TrafficMapModel {
  const nodes = new Map<string, MapNodeModel>();
  const edges = new Map<string, MapEdgeModel>();
  const addNode = (node: MapNodeModel) => {
    const known = nodes.get(node.id);
    if (!known) nodes.set(node.id, node);
    else {
      known.broken ||= node.broken;
      known.at ??= node.at;
    }
  };
  const addEdge = (from: string, to: string, label: string, broken: string | undefined, note: string | undefined, dashed = false) => {
    const id = `${from}->${to}`;
    const edge = edges.get(id) ?? { id, from, to, labels: [], broken: [], notes: [], dashed };
    edge.dashed &&= dashed;
    edges.set(id, edge);
    if (label && !edge.labels.includes(label)) edge.labels.push(label);
    if (broken && !edge.broken.includes(broken)) edge.broken.push(broken);
    if (note && !edge.notes.includes(note)) edge.notes.push(note);
  };
  // A path ends at its host, or at what an ExternalName Service on the way stands for (then captioned by that Service).
  const hostNode = (path: EgressPath, broken: boolean, step?: PathStep): MapNodeModel => {
    const definer = step && step.name !== path.host && step.resource ? step.resource : path.definer;
    const name = step?.name ?? path.host;
    return { id: `host:${name}`, kind: 'host', label: name, caption: `${definer.kind} ${definer.name}`, broken, at: anchorOf(definer) };
  };
  for (const { path, source } of filtered(all, filter)) {
    const ns = `namespace:${path.namespace}`;
    addNode({ id: ns, kind: 'namespace', label: path.namespace, caption: 'namespace', broken: false, at: anchorOf(source) });
    let previous = ns;
    for (const step of path.steps) {
      const id = nodeId(step, path.namespace);
      if (step.kind === 'sidecar') {
        const sidecar = ctx.index.withTag('Sidecar', `ns:${path.namespace}`).find((s) => s.group === ISTIO_NETWORKING);
        addNode({ id, kind: 'sidecar', label: 'sidecar', caption: path.namespace, broken: false, at: anchorOf(sidecar) });
      } else if (step.kind === 'egress-gateway') {
        addNode({
          id,
          kind: 'egress-gateway',
          label: step.name.split('.')[0],
          caption: 'egress gateway',
          broken: !!step.broken,
          at: anchorOf(step.resource),
        });
      } else if (step.kind === 'route') {
        addNode({ id, kind: 'route', label: step.name, caption: step.note ?? 'not followed', broken: false, at: anchorOf(step.resource) });
      } else {
        addNode(hostNode(path, !!step.broken, step));
      }
      addEdge(previous, id, linkLabel(step), step.broken, step.note);
      previous = id;
    }
    // Every path ends at its host, even one that stops short: the rest of its way is drawn dashed.
    if (path.steps[path.steps.length - 1].kind !== 'host') {
      addNode(hostNode(path, false));
      addEdge(previous, `host:${path.host}`, '', undefined, path.broken ? 'not reached: a link before is broken' : 'not followed', true);
    }
  }
  const meshPolicy = outboundPolicy(ctx.index, ctx.settings, DEFAULT_ROOT_NAMESPACE);
  const namespaces = [...new Set(all.map((p) => p.path.namespace))].sort();
  const overrides = namespaces
    .map((namespace) => ({ namespace, mode: outboundPolicy(ctx.index, ctx.settings, namespace).mode }))
    .filter((o) => o.mode !== meshPolicy.mode);
  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    policy: { mode: meshPolicy.mode, origin: meshPolicy.origin, overrides },
    hosts: [...new Set(all.map((p) => p.path.host))].sort(),
    namespaces,
    brokenPaths: all.filter((p) => p.path.broken).length,
  };
}

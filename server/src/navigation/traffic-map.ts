/**
 * The traffic map as a graph: client namespaces → their sidecars → egress gateways (or Gateway API
 * routes) → external hosts, built only from the egress paths of egress-path.ts, so that the code
 * lenses, the map and the diagnostics give the same answers. It does not lay the graph out
 * (map-layout.ts) nor draw it (map-formats.ts, the client's map view).
 */
import type { Resource } from '../parse/resource';
import { ISTIO_NETWORKING } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { slotOf } from '../index/workspace-index';
import { outboundPolicy } from '../mesh/sidecar-scope';
import { DEFAULT_ROOT_NAMESPACE } from '../mesh/root-namespace';
import type { MapNodeKind, TrafficMapParams } from '../protocol';
import { serviceEntryPaths, servicePaths, virtualServicePaths, type EgressPath, type PathStep } from './egress-path';
import type { NavigationContext } from './references';
import type { WorkspaceIndex } from '../index/workspace-index';

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
  /** How the map names each mesh when `istioEgress.clusters` splits the workspace (`shared` for shared files), for the mesh filter; else absent. */
  meshes?: string[];
}

/** A resource's name, where the map opens it (its document's start may be a `---` line). */
const anchorOf = (r: Resource | undefined): MapAnchor | undefined =>
  r ? { uri: r.uri, offset: spanAtPath(r.document.ast, ['metadata', 'name'])?.start ?? r.document.start } : undefined;

/** How a link reads on the map: port, protocol, TLS mode and the weight of a split, e.g. `80 HTTP · ISTIO_MUTUAL · weight 80`. */
function linkLabel(step: PathStep): string {
  const weight = step.weight !== undefined ? `weight ${step.weight}` : undefined;
  const parts = [[step.port, step.protocol].filter((p) => p !== undefined && p !== '').join(' '), step.tls, weight].filter((p) => p);
  return parts.length > 0 ? parts.join(' · ') : (step.note ?? '');
}

/** An egress path of the workspace, the resource it comes from, and the mesh of that resource (undefined: one mesh, or a shared file). */
export interface WorkspacePath {
  path: EgressPath;
  source: Resource;
  mesh?: string;
}

/**
 * The mesh a resource belongs to when `istioEgress.clusters` splits the workspace, if the index can say
 * (the server's and the CLI's can); a repository with one version per mesh draws each on its own.
 */
function meshOf(ctx: NavigationContext, r: Resource): string | undefined {
  const index = ctx.index as Partial<Pick<WorkspaceIndex, 'meshOfUri'>>;
  return typeof index.meshOfUri === 'function' ? index.meshOfUri(r.uri) : undefined;
}

/** What `workspacePaths` keeps one path per: the mesh, client namespace, host, port and, when a route splits the traffic, destination. */
export const pathKey = (mesh: string | undefined, path: EgressPath): string =>
  `${mesh ?? ''}|${path.namespace}|${path.host}|${path.port}${path.via !== undefined ? `|${path.via}` : ''}`;

/**
 * Every egress path of the workspace, once per mesh, client namespace, host and port: those of the
 * ServiceEntries, then those of the Kubernetes Services that stand for external hosts (ExternalName,
 * or without a selector and with Endpoints), then those of the VirtualServices whose hosts a ServiceEntry declares or whose
 * traffic goes through an egress gateway (a VirtualService for an in-mesh Service is not egress).
 */
export function workspacePaths(ctx: NavigationContext): WorkspacePath[] {
  const out: WorkspacePath[] = [];
  const seen = new Set<string>();
  const add = (path: EgressPath, source: Resource) => {
    const mesh = meshOf(ctx, source);
    const key = pathKey(mesh, path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, source, ...(mesh !== undefined ? { mesh } : {}) });
  };
  for (const se of ctx.index.ofKind('ServiceEntry', ISTIO_NETWORKING)) for (const p of serviceEntryPaths(se, ctx)) add(p, se);
  for (const service of ctx.index.ofKind('Service', '')) for (const p of servicePaths(service, ctx)) add(p, service);
  for (const vs of ctx.index.ofKind('VirtualService', ISTIO_NETWORKING)) {
    for (const p of virtualServicePaths(vs, ctx)) {
      if (p.definer.kind === 'ServiceEntry' || p.steps.some((s) => s.kind === 'egress-gateway')) add(p, vs);
    }
  }
  return out;
}

/** The index as a resource sees it (its mesh only), when the index can say. */
function seenBy(ctx: NavigationContext, viewer: Resource): NavigationContext['index'] {
  const index = ctx.index as Partial<Pick<WorkspaceIndex, 'tracked'>>;
  return typeof index.tracked === 'function' ? index.tracked(new Set(), viewer) : ctx.index;
}

/**
 * How each mesh is named on the map: its folder (or file) after the part all meshes share, so
 * `file:///repo/clusters/prod` and `file:///repo/clusters/staging` read `prod` and `staging`.
 */
function meshLabels(meshes: string[]): Map<string, string> {
  const split = meshes.map((m) => decodeURIComponent(m).split('/'));
  let common = 0;
  while (split.every((s) => s.length > common + 1 && s[common] === split[0][common])) common++;
  return new Map(meshes.map((m, i) => [m, split[i].slice(common).join('/')]));
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

/** What the map calls the mesh of paths from shared files, when there are several meshes. */
const SHARED_MESH = 'shared';

/**
 * Keeps the paths of one mesh (by the name the map gives it), of one namespace, or to hosts containing a text;
 * a host equal to the text keeps only that host.
 */
function filtered(paths: WorkspacePath[], filter: TrafficMapParams, meshLabel: (p: WorkspacePath) => string | undefined): WorkspacePath[] {
  if (filter.summaryOnly) return [];
  let out = filter.mesh ? paths.filter((p) => meshLabel(p) === filter.mesh) : paths;
  if (filter.namespace) out = out.filter((p) => p.path.namespace === filter.namespace);
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
  // Paths kept from before a change (navigation/path-summary.ts) may name a document that has since moved in its file: anchor the current one.
  const anchor = (r: Resource | undefined) =>
    anchorOf(r && (ctx.index.find(r.group, r.kind, r.namespace, r.name).find((c) => c.uri === r.uri && slotOf(c) === slotOf(r)) ?? r));
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
  // With several meshes (istioEgress.clusters), each mesh's nodes are its own, and say which mesh they are in.
  const meshes = [...new Set(all.map((p) => p.mesh ?? ''))];
  const labels = meshes.length > 1 ? meshLabels(meshes.filter((m) => m !== '')) : new Map<string, string>();
  const meshLabel = (p: WorkspacePath) => (meshes.length > 1 ? (p.mesh !== undefined ? labels.get(p.mesh) : SHARED_MESH) : undefined);
  for (const kept of filtered(all, filter, meshLabel)) {
    const { path, source, mesh } = kept;
    const inMesh = (id: string) => (mesh !== undefined ? `${id}@${mesh}` : id);
    const label = meshLabel(kept);
    const tag = label !== undefined ? ` · ${label}` : '';
    const add = (node: MapNodeModel) => addNode({ ...node, id: inMesh(node.id), caption: `${node.caption}${tag}` });
    // A path ends at its host, or at what an ExternalName Service on the way stands for (then captioned by that Service).
    const hostNode = (broken: boolean, step?: PathStep): MapNodeModel => {
      const definer = step && step.name !== path.host && step.resource ? step.resource : path.definer;
      const name = step?.name ?? path.host;
      return { id: `host:${name}`, kind: 'host', label: name, caption: `${definer.kind} ${definer.name}`, broken, at: anchor(definer) };
    };
    const ns = `namespace:${path.namespace}`;
    add({ id: ns, kind: 'namespace', label: path.namespace, caption: 'namespace', broken: false, at: anchor(source) });
    let previous = inMesh(ns);
    for (const step of path.steps) {
      const id = nodeId(step, path.namespace);
      if (step.kind === 'sidecar') {
        const sidecar = seenBy(ctx, source)
          .withTag('Sidecar', `ns:${path.namespace}`)
          .find((s) => s.group === ISTIO_NETWORKING);
        add({ id, kind: 'sidecar', label: 'sidecar', caption: path.namespace, broken: false, at: anchor(sidecar) });
      } else if (step.kind === 'egress-gateway') {
        add({
          id,
          kind: 'egress-gateway',
          label: step.name.split('.')[0],
          caption: 'egress gateway',
          broken: !!step.broken,
          at: anchor(step.resource),
        });
      } else if (step.kind === 'route') {
        add({ id, kind: 'route', label: step.name, caption: step.note ?? 'not followed', broken: false, at: anchor(step.resource) });
      } else {
        add(hostNode(!!step.broken, step));
      }
      addEdge(previous, inMesh(id), linkLabel(step), step.broken, step.note);
      previous = inMesh(id);
    }
    // Every path ends at its host, even one that stops short: the rest of its way is drawn dashed.
    if (path.steps[path.steps.length - 1].kind !== 'host') {
      add(hostNode(false));
      addEdge(previous, inMesh(`host:${path.host}`), '', undefined, path.broken ? 'not reached: a link before is broken' : 'not followed', true);
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
    ...(meshes.length > 1 ? { meshes: [...new Set(all.map(meshLabel))].filter((m): m is string => m !== undefined).sort() } : {}),
  };
}

/**
 * Lays the traffic map out left to right with dagre (a layered graph layout), so that the map view
 * and `istio-egress map --format svg` draw the same picture. It sizes boxes and labels from an
 * estimate of the text's width; drawing is left to map-formats.ts and the client's map view.
 */
import type * as Dagre from '@dagrejs/dagre' with { 'resolution-mode': 'import' };
import type { MapEdge, MapNode, TrafficMap } from '../protocol';
import type { MapAnchor, TrafficMapModel } from './traffic-map';
import { edgeLines, GLYPH_WIDTH, TEXT } from './map-svg';

// dagre ships as an ES module with a CommonJS build; this CommonJS project takes the latter, typed as the former.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dagre = require('@dagrejs/dagre') as typeof Dagre;

/** The map with every node and edge placed; node anchors are still offsets (the caller turns them into positions). */
export interface LaidOutMap extends Omit<TrafficMap, 'nodes'> {
  nodes: (Omit<MapNode, 'at'> & { at?: MapAnchor })[];
}

/** A generous average glyph width, so that text fits its box in any sans-serif font (map-svg.ts sizes label plates the same way). */
const charWidth = (size: number) => size * GLYPH_WIDTH;
const textWidth = (text: string, size: number) => Math.ceil(text.length * charWidth(size));

const NODE_HEIGHT = 44;
const NODE_PADDING = 24;

export function layoutMap(model: TrafficMapModel): LaidOutMap {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 72, edgesep: 16, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of model.nodes) {
    const width = Math.max(textWidth(n.label, TEXT.label), textWidth(n.caption, TEXT.caption)) + NODE_PADDING;
    g.setNode(n.id, { width, height: NODE_HEIGHT });
  }
  for (const e of model.edges) {
    const lines = edgeLines(e);
    const width = lines.length > 0 ? Math.max(...lines.map((l) => textWidth(l, TEXT.edge))) + 8 : 0;
    g.setEdge(e.from, e.to, { width, height: lines.length * TEXT.lineHeight + (lines.length > 0 ? 4 : 0), labelpos: 'c' });
  }
  dagre.layout(g);
  const graph = g.graph();
  const nodes = model.nodes.map((n) => {
    const placed = g.node(n.id);
    return { ...n, x: placed.x, y: placed.y, width: placed.width, height: placed.height };
  });
  const edges = model.edges.map((e): MapEdge => {
    const placed = g.edge(e.from, e.to);
    return { ...e, points: placed.points ?? [], labelX: placed.x ?? 0, labelY: placed.y ?? 0 };
  });
  return {
    nodes,
    edges,
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    policy: model.policy,
    hosts: model.hosts,
    namespaces: model.namespaces,
    brokenPaths: model.brokenPaths,
  };
}

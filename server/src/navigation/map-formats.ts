/**
 * The traffic map as text for documentation and pull requests: SVG (laid out as the map view draws
 * it), Mermaid and Graphviz DOT (laid out by whoever renders them). The same nodes and edges in each.
 */
import type { TrafficMapModel } from './traffic-map';
import { layoutMap } from './map-layout';
import { edgeLines, edgeText, NODE_COLOURS, SVG_STYLE, svgMarkup, svgTree } from './map-svg';

export const MAP_FORMATS = ['svg', 'mermaid', 'dot'] as const;
export type MapFormat = (typeof MAP_FORMATS)[number];

/** `where` names a node's definition (e.g. `file.yaml:12`) for its tooltip in the SVG and a comment in the others. */
export function formatMap(model: TrafficMapModel, format: MapFormat, where: (nodeId: string) => string | undefined = () => undefined): string {
  if (format === 'svg') return svgMarkup(svgTree(layoutMap(model), where), SVG_STYLE);
  if (format === 'mermaid') return mermaid(model, where);
  return dot(model, where);
}

/** A Mermaid class name is a word: `egress-gateway` becomes `egress_gateway`. */
const mermaidClass = (kind: string) => kind.replace(/-/g, '_');

/** Mermaid labels are quoted; a quote inside is written as an entity, and lines are joined with `<br/>`. */
const mermaidText = (lines: string[]) => `"${lines.map((l) => l.replace(/"/g, '#quot;')).join('<br/>')}"`;

function mermaid(model: TrafficMapModel, where: (nodeId: string) => string | undefined): string {
  const ids = new Map(model.nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ['flowchart LR'];
  for (const n of model.nodes) {
    const at = where(n.id);
    if (at) out.push(`  %% ${n.kind} ${n.label}: ${at}`);
    out.push(`  ${ids.get(n.id)}[${mermaidText([n.label, n.caption])}]:::${mermaidClass(n.kind)}`);
  }
  const red: number[] = [];
  model.edges.forEach((e, i) => {
    const lines = edgeLines(e);
    // A label wrapped or cut short keeps its whole text in a comment (Mermaid has no tooltip for links).
    if (lines.length > edgeText(e).length) out.push(`  %% ${ids.get(e.from)} → ${ids.get(e.to)}: ${edgeText(e).join(' | ')}`);
    const arrow = e.dashed ? '-.->' : '-->';
    out.push(`  ${ids.get(e.from)} ${arrow}${lines.length > 0 ? `|${mermaidText(lines)}|` : ''} ${ids.get(e.to)}`);
    if (e.broken.length > 0) red.push(i);
  });
  for (const [kind, c] of Object.entries(NODE_COLOURS)) out.push(`  classDef ${mermaidClass(kind)} fill:${c.fill},stroke:${c.stroke}`);
  const brokenNodes = model.nodes.filter((n) => n.broken).map((n) => ids.get(n.id));
  for (const id of brokenNodes) out.push(`  style ${id} stroke:#d32f2f,stroke-width:2px`);
  if (red.length > 0) out.push(`  linkStyle ${red.join(',')} stroke:#d32f2f,stroke-width:2px,color:#d32f2f`);
  return `${out.join('\n')}\n`;
}

const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

function dot(model: TrafficMapModel, where: (nodeId: string) => string | undefined): string {
  const out = [
    'digraph egress {',
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fontname="sans-serif"];',
    '  edge [fontname="sans-serif", fontsize=10];',
  ];
  for (const n of model.nodes) {
    const attrs = [`label=${dotString(`${n.label}\n${n.caption}`)}`, `fillcolor=${dotString(NODE_COLOURS[n.kind].fill)}`];
    if (n.broken) attrs.push('color="#d32f2f"', 'penwidth=2');
    const at = where(n.id);
    if (at) attrs.push(`tooltip=${dotString(at)}`);
    out.push(`  ${dotString(n.id)} [${attrs.join(', ')}];`);
  }
  for (const e of model.edges) {
    const lines = edgeLines(e);
    const attrs = lines.length > 0 ? [`label=${dotString(lines.join('\n'))}`] : [];
    // A label wrapped or cut short keeps its whole text in the tooltip.
    if (lines.length > edgeText(e).length) attrs.push(`tooltip=${dotString(edgeText(e).join('\n'))}`);
    if (e.broken.length > 0) attrs.push('color="#d32f2f"', 'fontcolor="#d32f2f"', 'penwidth=2');
    if (e.dashed) attrs.push('style=dashed');
    out.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/**
 * Draws a laid-out traffic map as an SVG element tree: boxes for nodes, polylines with arrows for
 * edges, each edge's port, protocol and TLS lines on a plate, broken edges and nodes marked by class.
 * Colours are left to a stylesheet (the CLI's `SVG_STYLE`, the map view's theme variables), so one
 * drawing serves both. It imports nothing, so the map view's bundle can take it without server code.
 */

/** An SVG element as data: the CLI serialises it, the map view turns it into DOM nodes. */
export interface SvgElement {
  tag: string;
  attrs: Record<string, string | number>;
  children: (SvgElement | string)[];
}

interface DrawnNode {
  id: string;
  kind: string;
  label: string;
  caption: string;
  broken: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface DrawnEdge {
  id: string;
  labels: string[];
  broken: string[];
  notes: string[];
  dashed: boolean;
  points: { x: number; y: number }[];
  labelX: number;
  labelY: number;
}

export interface DrawableMap {
  nodes: DrawnNode[];
  edges: DrawnEdge[];
  width: number;
  height: number;
}

/** Font sizes and line height of the drawing; the layout sizes boxes and label plates for them. */
export const TEXT = { label: 13, caption: 11, edge: 11, lineHeight: 14 } as const;

/** The width of a glyph as a share of the font size: the layout reserves room with it, the drawing sizes label plates with it. */
export const GLYPH_WIDTH = 0.62;

/** At most this many characters on a line of an edge's label, and this many lines for one label or message, so a long message keeps its edge narrow. */
export const EDGE_LINE = { chars: 40, lines: 3 } as const;

/**
 * A text broken into lines of at most `EDGE_LINE.chars` characters, between words, or inside a long
 * host name after a dot or dash; past `EDGE_LINE.lines` lines the rest is cut and the last line ends with `…`.
 */
export function wrapLine(text: string): string[] {
  // Each piece with what separates it from the one before: a space between words, nothing inside a long word.
  const pieces: { sep: string; text: string }[] = [];
  text.split(' ').forEach((word, i) => {
    let sep = i === 0 ? '' : ' ';
    let rest = word;
    while (rest.length > EDGE_LINE.chars) {
      const head = rest.slice(0, EDGE_LINE.chars);
      const cut = Math.max(head.lastIndexOf('.'), head.lastIndexOf('-')) + 1 || EDGE_LINE.chars;
      pieces.push({ sep, text: rest.slice(0, cut) });
      sep = '';
      rest = rest.slice(cut);
    }
    pieces.push({ sep, text: rest });
  });
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    if (line !== '' && line.length + piece.sep.length + piece.text.length > EDGE_LINE.chars) {
      lines.push(line);
      line = piece.text;
    } else line += line === '' ? piece.text : piece.sep + piece.text;
  }
  lines.push(line);
  if (lines.length <= EDGE_LINE.lines) return lines;
  const kept = lines.slice(0, EDGE_LINE.lines);
  kept[EDGE_LINE.lines - 1] = `${kept[EDGE_LINE.lines - 1].slice(0, EDGE_LINE.chars - 1)}…`;
  return kept;
}

/** The lines written on an edge: its labels, then what is broken, each wrapped (`wrapLine`). */
export function edgeLines(edge: { labels: string[]; broken: string[] }): string[] {
  return edgeText(edge).flatMap(wrapLine);
}

/** The same lines whole, for a tooltip. */
export function edgeText(edge: { labels: string[]; broken: string[] }): string[] {
  return [...edge.labels, ...edge.broken.map((b) => `✗ ${b}`)];
}

const el = (tag: string, attrs: Record<string, string | number>, ...children: (SvgElement | string)[]): SvgElement => ({ tag, attrs, children });
const round = (n: number) => Math.round(n * 10) / 10;

function arrowMarker(id: string, cls: string): SvgElement {
  return el(
    'marker',
    { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: cls }),
  );
}

/** The drawing; `tooltip` adds a `<title>` to a node (its file and line, for example). */
export function svgTree(map: DrawableMap, tooltip: (nodeId: string) => string | undefined = () => undefined): SvgElement {
  const defs = el('defs', {}, arrowMarker('arrow', 'arrow'), arrowMarker('arrow-broken', 'arrow broken'));
  const edges = map.edges.map((e) => {
    const cls = ['edge', e.broken.length > 0 ? 'broken' : '', e.dashed ? 'dashed' : ''].filter((c) => c).join(' ');
    const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${round(p.x)} ${round(p.y)}`).join(' ');
    const lines = edgeLines(e);
    const labelLines = e.labels.flatMap(wrapLine).length;
    const children: SvgElement[] = [el('path', { class: 'edge-line', d, 'marker-end': `url(#${e.broken.length > 0 ? 'arrow-broken' : 'arrow'})` })];
    const title = [...edgeText(e), ...e.notes].join('\n');
    if (title) children.unshift(el('title', {}, title));
    if (lines.length > 0) {
      const width = Math.max(...lines.map((l) => l.length)) * TEXT.edge * GLYPH_WIDTH + 8;
      const height = lines.length * TEXT.lineHeight + 4;
      children.push(el('rect', { class: 'edge-plate', x: round(e.labelX - width / 2), y: round(e.labelY - height / 2), width: round(width), height, rx: 3 }));
      lines.forEach((line, i) => {
        const y = e.labelY - height / 2 + 2 + TEXT.lineHeight * (i + 0.75);
        const isBroken = i >= labelLines;
        children.push(el('text', { class: isBroken ? 'edge-text broken-text' : 'edge-text', x: round(e.labelX), y: round(y), 'text-anchor': 'middle' }, line));
      });
    }
    return el('g', { class: cls, 'data-edge': e.id }, ...children);
  });
  const nodes = map.nodes.map((n) => {
    const tip = tooltip(n.id);
    return el(
      'g',
      {
        class: `node node-${n.kind}${n.broken ? ' broken' : ''}`,
        'data-node': n.id,
        transform: `translate(${round(n.x - n.width / 2)} ${round(n.y - n.height / 2)})`,
      },
      ...(tip ? [el('title', {}, tip)] : []),
      el('rect', { class: 'node-box', width: round(n.width), height: round(n.height), rx: 6 }),
      el('text', { class: 'node-label', x: round(n.width / 2), y: 18, 'text-anchor': 'middle' }, n.label),
      el('text', { class: 'node-caption', x: round(n.width / 2), y: 34, 'text-anchor': 'middle' }, n.caption),
    );
  });
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', class: 'egress-map', width: map.width, height: map.height, viewBox: `0 0 ${map.width} ${map.height}` },
    defs,
    el('g', { class: 'edges' }, ...edges),
    el('g', { class: 'nodes' }, ...nodes),
  );
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The element tree as SVG markup, with `style` as a `<style>` element first inside the root. */
export function svgMarkup(tree: SvgElement, style?: string): string {
  const write = (node: SvgElement | string, depth: number): string => {
    if (typeof node === 'string') return escapeXml(node);
    const attrs = Object.entries(node.attrs)
      .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
      .join('');
    const pad = '  '.repeat(depth);
    if (node.children.length === 0) return `${pad}<${node.tag}${attrs}/>`;
    if (node.children.every((c) => typeof c === 'string')) return `${pad}<${node.tag}${attrs}>${node.children.map((c) => write(c, 0)).join('')}</${node.tag}>`;
    const inner = node.children.map((c) => (typeof c === 'string' ? `${pad}  ${escapeXml(c)}` : write(c, depth + 1)));
    if (style && depth === 0) inner.unshift(`  <style>${escapeXml(style)}</style>`);
    return `${pad}<${node.tag}${attrs}>\n${inner.join('\n')}\n${pad}</${node.tag}>`;
  };
  return `${write(tree, 0)}\n`;
}

/** The light colours of each kind of node in a standalone picture: the SVG's stylesheet, Mermaid's classes and DOT's fills. */
export const NODE_COLOURS: Record<string, { fill: string; stroke: string }> = {
  namespace: { fill: '#e8f0fe', stroke: '#1a73e8' },
  sidecar: { fill: '#f1f8e9', stroke: '#558b2f' },
  'egress-gateway': { fill: '#fff3e0', stroke: '#ef6c00' },
  route: { fill: '#f3e5f5', stroke: '#8e24aa' },
  host: { fill: '#ffffff', stroke: '#424242' },
};

/** Colours for a standalone SVG (documentation, pull requests): light, and dark where the viewer prefers it. */
export const SVG_STYLE = `
svg.egress-map { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #ffffff; }
.node-box { fill: #f3f3f3; stroke: #6b6b6b; stroke-width: 1.2; }
${Object.entries(NODE_COLOURS)
  .map(([kind, c]) => `.node-${kind} .node-box { fill: ${c.fill}; stroke: ${c.stroke}; }\n`)
  .join('')}.node.broken .node-box { stroke: #d32f2f; stroke-width: 2; }
.node-label { font-size: ${TEXT.label}px; font-weight: 600; fill: #1f1f1f; }
.node-caption { font-size: ${TEXT.caption}px; fill: #5f5f5f; }
.edge-line { fill: none; stroke: #616161; stroke-width: 1.4; }
.edge.dashed .edge-line { stroke-dasharray: 5 4; }
.edge.broken .edge-line { stroke: #d32f2f; stroke-width: 2; }
.arrow { fill: #616161; }
.arrow.broken { fill: #d32f2f; }
.edge-plate { fill: #ffffff; fill-opacity: 0.9; }
.edge-text { font-size: ${TEXT.edge}px; fill: #333333; }
.edge-text.broken-text { fill: #d32f2f; }
@media (prefers-color-scheme: dark) {
  svg.egress-map { background: #1e1e1e; }
  .node-box, .node-host .node-box { fill: #252526; stroke: #9e9e9e; }
  .node-namespace .node-box { fill: #1c2b3f; stroke: #64a0f0; }
  .node-sidecar .node-box { fill: #22301c; stroke: #8bc34a; }
  .node-egress-gateway .node-box { fill: #3a2a16; stroke: #ffa040; }
  .node-route .node-box { fill: #32203a; stroke: #ce93d8; }
  .node.broken .node-box { stroke: #f14c4c; }
  .node-label { fill: #e0e0e0; }
  .node-caption { fill: #a0a0a0; }
  .edge-line { stroke: #a0a0a0; }
  .arrow { fill: #a0a0a0; }
  .edge.broken .edge-line { stroke: #f14c4c; }
  .arrow.broken, .edge-text.broken-text { fill: #f14c4c; }
  .edge-plate { fill: #1e1e1e; }
  .edge-text { fill: #cccccc; }
}
`;

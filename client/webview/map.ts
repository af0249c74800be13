/**
 * The traffic map view, running inside a webview: draws the map the extension sends (laid out by the
 * language server) with the same drawing as `istio-egress map --format svg`, offers the mesh (when
 * `istioEgress.clusters` makes several), namespace and host filters, and asks the extension to open a node's YAML when it is clicked. It loads nothing
 * from the network and sets no inline styles, so the view's Content-Security-Policy can forbid both.
 */
import { svgTree, type SvgElement } from '../../server/src/navigation/map-svg';
import type { MapLocation, MapViewRequest, MapViewUpdate, TrafficMap, TrafficMapParams } from '../../server/src/protocol';

declare function acquireVsCodeApi(): { postMessage(message: MapViewRequest): void };

const vscode = acquireVsCodeApi();
const SVG_NS = 'http://www.w3.org/2000/svg';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const meshFilter = byId<HTMLLabelElement>('mesh-filter');
const meshSelect = byId<HTMLSelectElement>('mesh');
const namespaceSelect = byId<HTMLSelectElement>('namespace');
const hostInput = byId<HTMLInputElement>('host');
const hostList = byId<HTMLDataListElement>('hosts');
const clearButton = byId<HTMLButtonElement>('clear');
const zoomButton = byId<HTMLButtonElement>('zoom');
const summary = byId<HTMLElement>('summary');
const canvas = byId<HTMLElement>('canvas');

function toDom(node: SvgElement | string): Node {
  if (typeof node === 'string') return document.createTextNode(node);
  const element = document.createElementNS(SVG_NS, node.tag);
  for (const [name, value] of Object.entries(node.attrs)) if (name !== 'xmlns') element.setAttribute(name, String(value));
  for (const child of node.children) element.appendChild(toDom(child));
  return element;
}

function replaceOptions(select: HTMLSelectElement | HTMLDataListElement, values: string[], first?: string): void {
  select.replaceChildren(...(first === undefined ? [] : [new Option(first, '')]), ...values.map((v) => new Option(v, v)));
}

function describe(map: TrafficMap, filter: TrafficMapParams): string {
  const overrides = map.policy.overrides.map((o) => `${o.namespace}: ${o.mode}`).join(', ');
  const parts = [
    `Outbound policy ${map.policy.mode} (${map.policy.origin === 'setting' ? 'assumed from the settings' : `from the ${map.policy.origin}`})` +
      `${overrides ? `; ${overrides}` : ''}`,
    `${map.hosts.length} external host${map.hosts.length === 1 ? '' : 's'}`,
    `${map.brokenPaths} broken path${map.brokenPaths === 1 ? '' : 's'}`,
  ];
  const shown = [filter.mesh && `mesh ${filter.mesh}`, filter.namespace && `namespace ${filter.namespace}`, filter.host && `hosts matching "${filter.host}"`];
  if (shown.some(Boolean)) parts.push(`showing ${shown.filter(Boolean).join(' and ')}`);
  return parts.join(' · ');
}

function draw(map: TrafficMap, filter: TrafficMapParams): void {
  // The mesh filter shows only when istioEgress.clusters splits the workspace into several meshes.
  meshFilter.hidden = !map.meshes;
  replaceOptions(meshSelect, map.meshes ?? [], 'All meshes');
  meshSelect.value = filter.mesh ?? '';
  replaceOptions(namespaceSelect, map.namespaces, 'All namespaces');
  namespaceSelect.value = filter.namespace ?? '';
  replaceOptions(hostList, map.hosts);
  if (document.activeElement !== hostInput) hostInput.value = filter.host ?? '';
  clearButton.disabled = !filter.mesh && !filter.namespace && !filter.host;
  summary.textContent = describe(map, filter);
  if (map.nodes.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = map.hosts.length === 0 ? 'No external hosts in this workspace: add a ServiceEntry to see its path.' : 'No path matches the filter.';
    canvas.replaceChildren(empty);
    return;
  }
  const targets = new Map<string, MapLocation>();
  for (const n of map.nodes) if (n.at) targets.set(n.id, n.at);
  const svg = toDom(svgTree(map)) as SVGSVGElement;
  for (const g of svg.querySelectorAll<SVGGElement>('g[data-node]')) {
    const at = targets.get(g.dataset.node ?? '');
    if (!at) continue;
    g.classList.add('link');
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'link');
    const open = () => vscode.postMessage({ type: 'open', at });
    g.addEventListener('click', open);
    g.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') open();
    });
  }
  canvas.replaceChildren(svg);
}

let current: TrafficMapParams = {};
const send = (filter: TrafficMapParams) => {
  current = filter;
  vscode.postMessage({ type: 'filter', filter });
};

meshSelect.addEventListener('change', () => send({ ...current, mesh: meshSelect.value || undefined }));
namespaceSelect.addEventListener('change', () => send({ ...current, namespace: namespaceSelect.value || undefined }));
hostInput.addEventListener('change', () => send({ ...current, host: hostInput.value.trim() || undefined }));
clearButton.addEventListener('click', () => send({}));
// The picture fits the view's width by default; at actual size it scrolls.
canvas.classList.add('fit');
zoomButton.addEventListener('click', () => {
  const fit = canvas.classList.toggle('fit');
  zoomButton.textContent = fit ? 'Actual size' : 'Fit to width';
  zoomButton.setAttribute('aria-pressed', String(!fit));
});

window.addEventListener('message', (event: MessageEvent<MapViewUpdate>) => {
  const message = event.data;
  if (message.type === 'map') {
    current = message.filter;
    draw(message.map, message.filter);
  } else {
    summary.textContent = message.message;
  }
});

vscode.postMessage({ type: 'ready' });

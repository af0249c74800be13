/**
 * `istio-egress map`: the traffic map of a folder as SVG, Mermaid and DOT, each well-formed and
 * holding the same nodes and edges, a broken link in red, filters, and usage errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: istio-egressgateway
  namespace: istio-system
spec:
  selector:
    istio: egressgateway
  servers:
  - port: { number: 80, name: http, protocol: HTTP }
    hosts: [edition.cnn.com, api.example.com]
`;

/** Two hosts through the egress gateway; the second names a subset that no DestinationRule defines. */
const ROUTES = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cnn
  namespace: shop
spec:
  hosts: [edition.cnn.com, api.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-cnn
  namespace: shop
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: cnn
  namespace: shop
spec:
  hosts: [edition.cnn.com]
  gateways: [istio-system/istio-egressgateway, mesh]
  http:
  - match: [{ gateways: [mesh], port: 80 }]
    route: [{ destination: { host: istio-egressgateway.istio-system.svc.cluster.local, subset: cnn, port: { number: 80 } } }]
  - match: [{ gateways: [istio-system/istio-egressgateway], port: 80 }]
    route: [{ destination: { host: edition.cnn.com, port: { number: 80 } } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api.example.com]
  gateways: [istio-system/istio-egressgateway, mesh]
  http:
  - match: [{ gateways: [mesh], port: 80 }]
    route: [{ destination: { host: istio-egressgateway.istio-system.svc.cluster.local, subset: api, port: { number: 80 } } }]
  - match: [{ gateways: [istio-system/istio-egressgateway], port: 80 }]
    route: [{ destination: { host: api.example.com, port: { number: 80 } } }]
`;

let dir: string;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-map-cli-'));
  fs.mkdirSync(path.join(dir, 'mesh'));
  fs.writeFileSync(path.join(dir, 'mesh', 'gateway.yaml'), GATEWAY);
  fs.writeFileSync(path.join(dir, 'mesh', 'routes.yaml'), ROUTES);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]);

/** Checks that `xml` is well-formed (one root, tags nested and closed, attributes quoted, only XML's entities) and returns its elements. */
function parseXml(xml: string): { tag: string; attrs: Record<string, string>; text: string }[] {
  const elements: { tag: string; attrs: Record<string, string>; text: string }[] = [];
  const open: { tag: string; attrs: Record<string, string>; text: string }[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let roots = 0;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < xml.length && (m = token.exec(xml))) {
    at = token.lastIndex;
    const [, closing, tag, rawAttrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (open.length === 0) assert.match(text, /^\s*$/, 'text outside the root element');
      assert.doesNotMatch(text.replace(/&(amp|lt|gt|quot|apos);/g, ''), /&/, 'an unknown entity');
      if (open.length > 0) open[open.length - 1].text += decode(text);
      continue;
    }
    if (closing) {
      assert.equal(open.pop()?.tag, tag, `</${tag}> closes another element`);
      continue;
    }
    const attrs = Object.fromEntries([...rawAttrs.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], decode(a[2])]));
    const element = { tag, attrs, text: '' };
    elements.push(element);
    if (open.length === 0) roots++;
    if (!selfClosing) open.push(element);
  }
  assert.equal(at, xml.length, `not XML at ${xml.slice(at, at + 40)}`);
  assert.equal(open.length, 0, 'unclosed elements');
  assert.equal(roots, 1);
  return elements;
}

test('svg: a well-formed picture with every node and edge, the broken edge red, and where each node is defined', () => {
  const r = run(['map', 'mesh', '--format', 'svg']);
  assert.equal(r.code, 0, r.stderr);
  const elements = parseXml(r.stdout);
  assert.equal(elements[0].tag, 'svg');
  assert.equal(elements[0].attrs.xmlns, 'http://www.w3.org/2000/svg');
  const nodes = elements.filter((e) => e.attrs['data-node']).map((e) => e.attrs['data-node']);
  assert.deepEqual(nodes.sort(), [
    'gateway:istio-egressgateway.istio-system.svc.cluster.local',
    'host:api.example.com',
    'host:edition.cnn.com',
    'namespace:shop',
    'sidecar:shop',
  ]);
  const edges = elements.filter((e) => e.attrs['data-edge']);
  assert.deepEqual(edges.map((e) => e.attrs['data-edge']).sort(), [
    'gateway:istio-egressgateway.istio-system.svc.cluster.local->host:api.example.com',
    'gateway:istio-egressgateway.istio-system.svc.cluster.local->host:edition.cnn.com',
    'namespace:shop->sidecar:shop',
    'sidecar:shop->gateway:istio-egressgateway.istio-system.svc.cluster.local',
  ]);
  const broken = edges.filter((e) => e.attrs.class.split(' ').includes('broken')).map((e) => e.attrs['data-edge']);
  assert.deepEqual(broken, ['sidecar:shop->gateway:istio-egressgateway.istio-system.svc.cluster.local']);
  const texts = elements.filter((e) => e.tag === 'text').map((e) => e.text);
  // The broken link's message is wrapped so the edge stays narrow, and its tooltip holds it whole.
  const message = '✗ subset "api" is not defined for istio-egressgateway.istio-system.svc.cluster.local';
  const brokenEdge = edges.find((e) => e.attrs.class.split(' ').includes('broken'))!;
  const start = elements.indexOf(brokenEdge);
  const next = elements.findIndex((e, i) => i > start && (e.attrs['data-edge'] !== undefined || e.attrs['data-node'] !== undefined));
  const inEdge = elements.slice(start + 1, next === -1 ? undefined : next);
  assert.deepEqual(
    inEdge.filter((e) => e.tag === 'text').map((e) => e.text),
    ['80 HTTP', '✗ subset "api" is not defined for', 'istio-egressgateway.istio-system.svc.', 'cluster.local'],
  );
  assert.ok(inEdge.find((e) => e.tag === 'title')?.text.startsWith(`80 HTTP\n${message}`), texts.join('\n'));
  for (const t of texts) assert.ok(t.length <= 40, t);
  assert.ok(texts.includes('edition.cnn.com') && texts.includes('80 HTTP'));
  const titles = elements.filter((e) => e.tag === 'title').map((e) => e.text);
  assert.ok(titles.includes('mesh/routes.yaml:4'), titles.join('\n'));
});

test('mermaid: a flowchart whose every line is a node, an edge or a style, with the broken edge styled red', () => {
  const r = run(['map', 'mesh', '--format', 'mermaid']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'flowchart LR');
  const grammar = [
    /^ {2}%% .*$/,
    /^ {2}n\d+\["[^"]*"\]:::\w+$/,
    /^ {2}n\d+ (-->|-\.->)(\|"[^"]*"\|)? n\d+$/,
    /^ {2}classDef \w+ [\w:#,.-]+$/,
    /^ {2}(style n\d+|linkStyle [\d,]+) [\w:#,.-]+$/,
  ];
  for (const line of lines.slice(1))
    assert.ok(
      grammar.some((g) => g.test(line)),
      `not Mermaid: ${line}`,
    );
  const ids = new Map(lines.flatMap((l) => [...l.matchAll(/^ {2}(n\d+)\["([^<"]*)/g)].map((m) => [m[2], m[1]])));
  assert.deepEqual([...ids.keys()].sort(), ['api.example.com', 'edition.cnn.com', 'istio-egressgateway', 'shop', 'sidecar']);
  const edgeLines = lines.filter((l) => / (-->|-\.->)/.test(l));
  assert.equal(edgeLines.length, 4);
  const brokenIndex = edgeLines.findIndex((l) => l.includes('✗ subset #quot;api#quot; is not defined'));
  const broken = edgeLines[brokenIndex];
  assert.ok(broken.startsWith(`  ${ids.get('sidecar')} -->|"80 HTTP<br/>✗`) && broken.endsWith(`| ${ids.get('istio-egressgateway')}`), broken);
  assert.ok(edgeLines.includes(`  ${ids.get('istio-egressgateway')} -.-> ${ids.get('api.example.com')}`), r.stdout);
  // Mermaid has no tooltip on a link: the wrapped message is written whole in a comment.
  assert.ok(
    lines.includes(
      `  %% ${ids.get('sidecar')} → ${ids.get('istio-egressgateway')}: 80 HTTP | ✗ subset "api" is not defined for ` +
        'istio-egressgateway.istio-system.svc.cluster.local',
    ),
    r.stdout,
  );
  assert.ok(lines.includes(`  linkStyle ${brokenIndex} stroke:#d32f2f,stroke-width:2px,color:#d32f2f`), r.stdout);
});

test('dot: a digraph whose every statement is a node or an edge, the broken edge red', () => {
  const r = run(['map', 'mesh', '--format', 'dot']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'digraph egress {');
  assert.equal(lines[lines.length - 1], '}');
  const str = '"(?:[^"\\\\]|\\\\.)*"';
  const attrs = `(?: \\[\\w+=(?:${str}|[\\w.]+)(?:, \\w+=(?:${str}|[\\w.]+))*\\])?`;
  const statement = new RegExp(`^ {2}(?:${str}${attrs}|${str} -> ${str}${attrs}|rankdir=LR|(?:node|edge) \\[[^\\]]*\\]);$`);
  for (const line of lines.slice(1, -1)) assert.match(line, statement);
  assert.ok(lines.includes('  "namespace:shop" -> "sidecar:shop" [label="80 HTTP"];'), r.stdout);
  const broken = lines.find((l) => l.startsWith('  "sidecar:shop" -> "gateway:'))!;
  const label = String.raw`label="80 HTTP\n✗ subset \"api\" is not defined for\nistio-egressgateway.istio-system.svc.\ncluster.local"`;
  const tooltip = String.raw`tooltip="80 HTTP\n✗ subset \"api\" is not defined for istio-egressgateway.istio-system.svc.cluster.local"`;
  assert.ok(broken.includes(`${label}, ${tooltip}, color="#d32f2f"`), broken);
  assert.match(r.stdout, /"host:edition\.cnn\.com" \[label="edition\.cnn\.com\\nServiceEntry cnn", fillcolor="#ffffff", tooltip="mesh\/routes\.yaml:4"\];/);
});

test('map filters by host and namespace; a wrong format is a usage error', () => {
  const api = run(['map', 'mesh', '--format', 'dot', '--host', 'api.example.com']);
  assert.doesNotMatch(api.stdout, /edition\.cnn\.com/);
  assert.match(api.stdout, /"host:api\.example\.com"/);
  const none = run(['map', 'mesh', '--format', 'mermaid', '--namespace', 'other']);
  assert.doesNotMatch(none.stdout, /-->/);
  const bad = run(['map', 'mesh', '--format', 'png']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be svg, mermaid or dot, got "png"/);
});

test('map --mesh keeps one mesh of --clusters, named as the map captions it; an unknown mesh is a usage error', () => {
  const meshes = path.join(dir, 'meshes');
  for (const [mesh, host] of [
    ['prod', 'api.example.com'],
    ['staging', 'staging.example.com'],
  ]) {
    fs.mkdirSync(path.join(meshes, mesh), { recursive: true });
    fs.writeFileSync(path.join(meshes, mesh, 'gateway.yaml'), GATEWAY.replace('api.example.com', host));
    fs.writeFileSync(path.join(meshes, mesh, 'routes.yaml'), ROUTES.replace(/api\.example\.com/g, host));
  }
  const prod = run(['map', 'meshes', '--clusters', '*', '--format', 'dot', '--mesh', 'prod']);
  assert.equal(prod.code, 0, prod.stderr);
  assert.match(prod.stdout, /"host:api\.example\.com@[^"]*prod"/);
  assert.match(prod.stdout, /namespace · prod/);
  assert.doesNotMatch(prod.stdout, /staging/);
  const unknown = run(['map', 'meshes', '--clusters', '*', '--mesh', 'qa']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--mesh must be one of prod, staging, got "qa"/);
  const unsplit = run(['map', 'meshes', '--mesh', 'prod']);
  assert.equal(unsplit.code, 2);
  assert.match(unsplit.stderr, /--mesh needs --clusters/);
});

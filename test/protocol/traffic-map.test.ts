/**
 * The traffic map request over stdio: the map of a workspace as the server lays it out (nodes with
 * their definitions, edges with port, protocol and TLS), filters, and a broken link after an edit,
 * announced by the workspace-changed notification; the status bar's summary, answered at once with
 * the last figures (stale after a change) and followed by the refreshed ones.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startClient, fileUri, waitUntil, type TestClient } from './lsp-client';
import { MapSummaryNotification, TrafficMapRequest, WorkspaceChangedNotification, type TrafficMap } from '../../server/src/protocol';

// The egress gateway of Istio's HTTP egress task, in istio-system, shared with other tests.
const GATEWAY = fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/cnn-egress-gateway.yaml'), 'utf8');

const ROUTES = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cnn
  namespace: shop
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 80
    name: http
    protocol: HTTP
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
  name: direct-cnn-through-egress-gateway
  namespace: shop
spec:
  hosts:
  - edition.cnn.com
  gateways:
  - istio-system/istio-egressgateway
  - mesh
  http:
  - match:
    - gateways:
      - mesh
      port: 80
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: cnn
        port:
          number: 80
  - match:
    - gateways:
      - istio-system/istio-egressgateway
      port: 80
    route:
    - destination:
        host: edition.cnn.com
        port:
          number: 80
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: google
  namespace: web
spec:
  hosts:
  - www.google.com
  ports:
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
`;

let workspace: string;
let client: TestClient;
let routesUri: string;
let changes = 0;
/** The summaries the server sent after answering with stale figures. */
const refreshed: TrafficMap[] = [];

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-map-'));
  fs.writeFileSync(path.join(workspace, 'gateway.yaml'), GATEWAY);
  fs.writeFileSync(path.join(workspace, 'routes.yaml'), ROUTES);
  routesUri = fileUri(path.join(workspace, 'routes.yaml'));
  client = await startClient(workspace);
  client.connection.onNotification(WorkspaceChangedNotification, () => {
    changes++;
  });
  client.connection.onNotification(MapSummaryNotification, (summary) => {
    refreshed.push(summary);
  });
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

const edges = (map: TrafficMap) => map.edges.map((e) => `${e.from} -> ${e.to}: ${[...e.labels, ...e.broken.map((b) => `✗ ${b}`)].join(' | ')}`).sort();

test('the map holds every client namespace, sidecar, egress gateway and host, with each link labelled and each node placed', async () => {
  const map = await client.connection.sendRequest(TrafficMapRequest, {});
  assert.deepEqual(edges(map), [
    'gateway:istio-egressgateway.istio-system.svc.cluster.local -> host:edition.cnn.com: 80 HTTP',
    'namespace:shop -> sidecar:shop: 80 HTTP',
    'namespace:web -> sidecar:web: 443 HTTPS',
    'sidecar:shop -> gateway:istio-egressgateway.istio-system.svc.cluster.local: 80 HTTP',
    'sidecar:web -> host:www.google.com: 443 HTTPS',
  ]);
  assert.deepEqual(map.hosts, ['edition.cnn.com', 'www.google.com']);
  assert.deepEqual(map.namespaces, ['shop', 'web']);
  assert.deepEqual(map.policy, { mode: 'ALLOW_ANY', origin: 'setting', overrides: [] });
  // A host opens its ServiceEntry; the egress gateway opens the Gateway that serves the host.
  const node = (id: string) => map.nodes.find((n) => n.id === id)!;
  const googleLine = ROUTES.split('\n').indexOf('  name: google');
  assert.deepEqual(node('host:www.google.com').at, { uri: routesUri, line: googleLine, character: 8 });
  assert.deepEqual(node('gateway:istio-egressgateway.istio-system.svc.cluster.local').at, {
    uri: fileUri(path.join(workspace, 'gateway.yaml')),
    line: 3,
    character: 8,
  });
  // Laid out left to right inside the picture, boxes apart.
  for (const n of map.nodes) assert.ok(n.x - n.width / 2 >= 0 && n.x + n.width / 2 <= map.width && n.y + n.height / 2 <= map.height, n.id);
  assert.ok(node('namespace:shop').x < node('sidecar:shop').x && node('sidecar:shop').x < node('host:edition.cnn.com').x);
  for (const e of map.edges) assert.ok(e.points.length >= 2, e.id);
});

test('the map filters by namespace and by host, and keeps the whole lists for the filter', async () => {
  const web = await client.connection.sendRequest(TrafficMapRequest, { namespace: 'web' });
  assert.deepEqual(edges(web), ['namespace:web -> sidecar:web: 443 HTTPS', 'sidecar:web -> host:www.google.com: 443 HTTPS']);
  assert.deepEqual(web.hosts, ['edition.cnn.com', 'www.google.com']);
  const cnn = await client.connection.sendRequest(TrafficMapRequest, { host: 'cnn' });
  assert.deepEqual(
    cnn.nodes.map((n) => n.id),
    ['namespace:shop', 'sidecar:shop', 'gateway:istio-egressgateway.istio-system.svc.cluster.local', 'host:edition.cnn.com'],
  );
  const none = await client.connection.sendRequest(TrafficMapRequest, { host: 'nowhere.example' });
  assert.deepEqual([none.nodes.length, none.edges.length], [0, 0]);
  // Parameters of the wrong type are ignored, not trusted.
  const odd = await client.connection.sendRequest(TrafficMapRequest, { namespace: 42 } as never);
  assert.equal(odd.nodes.length, 7);
});

test('an edit that breaks a link turns its edge red with the reason, after a workspace-changed notification', async () => {
  const before = changes;
  client.open(routesUri, ROUTES, 1);
  client.change(routesUri, ROUTES.replace('subset: cnn', 'subset: cnnn'), 2);
  await waitUntil(() => changes > before, 'the workspace-changed notification');
  const map = await client.connection.sendRequest(TrafficMapRequest, {});
  const broken = map.edges.filter((e) => e.broken.length > 0);
  assert.deepEqual(
    broken.map((e) => `${e.from} -> ${e.to}: ${e.broken.join('; ')}`),
    [
      'sidecar:shop -> gateway:istio-egressgateway.istio-system.svc.cluster.local: ' +
        'subset "cnnn" is not defined for istio-egressgateway.istio-system.svc.cluster.local',
    ],
  );
  assert.equal(map.brokenPaths, 1);
  // The host is still drawn, reached by a dashed link that the map cannot follow past the break.
  const dashed = map.edges.find((e) => e.to === 'host:edition.cnn.com');
  assert.equal(dashed?.dashed, true);
  client.change(routesUri, ROUTES, 3);
  client.close(routesUri);
});

/** The summary as the status bar ends up showing it: the answer, or the refreshed figures that follow a stale answer. */
async function currentSummary(): Promise<TrafficMap> {
  const before = refreshed.length;
  const answer = await client.connection.sendRequest(TrafficMapRequest, { summaryOnly: true });
  if (!answer.stale) return answer;
  await waitUntil(() => refreshed.slice(before).some((s) => !s.stale), 'the refreshed summary');
  return refreshed.slice(before).find((s) => !s.stale)!;
}

test('the status bar’s summary has the policy, lists and counts of the map, no nodes, and follows an edit', async () => {
  const summaryOf = (map: TrafficMap) => ({ policy: map.policy, hosts: map.hosts, namespaces: map.namespaces, brokenPaths: map.brokenPaths });
  // The previous test closed the file: the index goes back to the disk's text once it is read.
  let full = await client.connection.sendRequest(TrafficMapRequest, {});
  for (let i = 0; i < 100 && full.brokenPaths > 0; i++) full = await client.connection.sendRequest(TrafficMapRequest, {});
  const summary = await currentSummary();
  assert.deepEqual([summary.nodes.length, summary.edges.length, summary.width, summary.height], [0, 0, 0, 0]);
  assert.deepEqual(summaryOf(summary), summaryOf(full));
  assert.equal(summary.brokenPaths, 0);
  const before = changes;
  client.open(routesUri, ROUTES, 1);
  client.change(routesUri, ROUTES.replace('subset: cnn', 'subset: cnnn').replace('www.google.com', 'www.google.de'), 2);
  await waitUntil(() => changes > before, 'the workspace-changed notification');
  const after = await currentSummary();
  assert.deepEqual(after.hosts, ['edition.cnn.com', 'www.google.de']);
  assert.equal(after.brokenPaths, 1);
  assert.deepEqual(summaryOf(after), summaryOf(await client.connection.sendRequest(TrafficMapRequest, {})));
  client.change(routesUri, ROUTES, 3);
  client.close(routesUri);
});

test('a summary request after a change is answered at once with the last figures, marked stale, and the refreshed figures follow', async () => {
  client.open(routesUri, ROUTES, 1);
  const settled = await currentSummary();
  assert.deepEqual(settled.hosts, ['edition.cnn.com', 'www.google.com']);
  // Nothing changed since: the same figures, not stale, and no pass to wait for.
  const again = await client.connection.sendRequest(TrafficMapRequest, { summaryOnly: true });
  assert.equal(again.stale, undefined);
  assert.deepEqual(again.hosts, settled.hosts);
  // The request comes right behind an edit, before its re-check: it does not wait for the new paths.
  const before = refreshed.length;
  client.change(routesUri, ROUTES.replace('www.google.com', 'www.google.de'), 2);
  const answer = await client.connection.sendRequest(TrafficMapRequest, { summaryOnly: true });
  assert.equal(answer.stale, true);
  assert.deepEqual(answer.hosts, ['edition.cnn.com', 'www.google.com']);
  assert.deepEqual(answer.policy, settled.policy);
  await waitUntil(() => refreshed.slice(before).some((s) => !s.stale), 'the refreshed summary');
  const fresh = refreshed.slice(before).find((s) => !s.stale)!;
  assert.deepEqual(fresh.hosts, ['edition.cnn.com', 'www.google.de']);
  assert.deepEqual([fresh.nodes.length, fresh.edges.length], [0, 0]);
  // Now current: asked again, the refreshed figures, not stale.
  assert.deepEqual(await client.connection.sendRequest(TrafficMapRequest, { summaryOnly: true }), fresh);
  client.change(routesUri, ROUTES, 3);
  client.close(routesUri);
});

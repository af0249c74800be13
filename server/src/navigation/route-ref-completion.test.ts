/**
 * Completion of a Gateway API route's `parentRefs[].sectionName`, `parentRefs[].port` and
 * `backendRefs[].port` from what the reference names, by the kind Istio reads it as
 * (pilot/pkg/config/kube/gateway/conversion.go: a parentRef is a Gateway, whose sectionName is a
 * listener name, unless it names a Service or ServiceEntry (GAMMA), whose sectionName is a port name;
 * a backendRef is a Service, or an Istio `Hostname`), on the Gateway API scenario of Istio's egress
 * gateway task (../shared/corpus/istio-docs/egress-gateway/http-gateway-api).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsShared, sharedPath } from '../shared-corpus';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { workspaceCompletions } from './completion';

const SCENARIO = sharedPath('corpus', 'istio-docs', 'egress-gateway', 'http-gateway-api');
const NEEDS_CORPUS = needsShared('corpus', 'istio-docs', 'egress-gateway', 'http-gateway-api');

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  ports:
  - name: http
    port: 8080
    appProtocol: http
  - name: grpc-web
    port: 9090
`;

/** The completions at `|` in a new file of the scenario's workspace (with a Service in shop), as `label — detail (documentation)`. */
function completeIn(text: string): string[] {
  const index = new WorkspaceIndex();
  for (const f of fs.readdirSync(SCENARIO).filter((x) => x.endsWith('.yaml')))
    index.setFile(parseFile(`file:///ws/${f}`, fs.readFileSync(path.join(SCENARIO, f), 'utf8')));
  index.setFile(parseFile('file:///ws/shop.yaml', SERVICE));
  const file = parseFile('file:///ws/new.yaml', text.replace('|', ''));
  index.setFile(file);
  return workspaceCompletions(file, text.indexOf('|'), { index, settings: DEFAULT_SETTINGS }).map((c) => `${c.label} — ${c.detail} (${c.documentation})`);
}

const ROUTE_HEAD = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: new\nspec:\n';

test('a parentRef to a Gateway completes its listener names as sectionName and its listener ports as port', NEEDS_CORPUS, () => {
  assert.deepEqual(completeIn(`${ROUTE_HEAD}  parentRefs:\n  - name: cnn-egress-gateway\n    sectionName: |\n`), [
    'http — listener of Gateway default/cnn-egress-gateway (80 HTTP) (From Gateway default/cnn-egress-gateway (02-k8s-gateway-cnn-egress-gateway.yaml).)',
  ]);
  assert.deepEqual(completeIn(`${ROUTE_HEAD}  parentRefs:\n  - name: cnn-egress-gateway\n    port: |\n`), [
    '80 — listener of Gateway default/cnn-egress-gateway (http, HTTP) (From Gateway default/cnn-egress-gateway (02-k8s-gateway-cnn-egress-gateway.yaml).)',
  ]);
  // The name is read as the kind and namespace written: no such Gateway in shop, and nothing before a name is written.
  assert.deepEqual(completeIn(`${ROUTE_HEAD}  parentRefs:\n  - name: cnn-egress-gateway\n    namespace: shop\n    sectionName: |\n`), []);
  assert.deepEqual(completeIn(`${ROUTE_HEAD}  parentRefs:\n  - sectionName: |\n`), []);
});

test('a GAMMA parentRef to a ServiceEntry or a Service completes its port names as sectionName and its ports as port', NEEDS_CORPUS, () => {
  const se = `${ROUTE_HEAD}  parentRefs:\n  - kind: ServiceEntry\n    group: networking.istio.io\n    name: cnn\n`;
  assert.deepEqual(completeIn(`${se}    sectionName: |\n`), [
    'http-port — port of ServiceEntry default/cnn (80 HTTP) (From ServiceEntry default/cnn (01-serviceentry-cnn.yaml).)',
    'https — port of ServiceEntry default/cnn (443 HTTPS) (From ServiceEntry default/cnn (01-serviceentry-cnn.yaml).)',
  ]);
  assert.deepEqual(completeIn(`${se}    port: |\n`), [
    '80 — port of ServiceEntry default/cnn (http-port, HTTP) (From ServiceEntry default/cnn (01-serviceentry-cnn.yaml).)',
    '443 — port of ServiceEntry default/cnn (https, HTTPS) (From ServiceEntry default/cnn (01-serviceentry-cnn.yaml).)',
  ]);
  const svc = `${ROUTE_HEAD}  parentRefs:\n  - group: ""\n    kind: Service\n    namespace: shop\n    name: api\n`;
  // A Service port's protocol is its appProtocol when written.
  assert.deepEqual(completeIn(`${svc}    sectionName: |\n`), [
    'http — port of Service shop/api (8080 http) (From Service shop/api (shop.yaml).)',
    'grpc-web — port of Service shop/api (9090) (From Service shop/api (shop.yaml).)',
  ]);
  assert.deepEqual(
    completeIn(`${svc}    port: |\n`).map((c) => c.split(' (From')[0]),
    ['8080 — port of Service shop/api (http, http)', '9090 — port of Service shop/api (grpc-web)'],
  );
});

test('a backendRef completes the ports of its Service, of the Service Istio deploys for a Gateway, or of a Hostname', NEEDS_CORPUS, () => {
  const backend = (ref: string) => completeIn(`${ROUTE_HEAD}  rules:\n  - backendRefs:\n    - ${ref}\n      port: |\n`).map((c) => c.split(' (From')[0]);
  assert.deepEqual(backend('name: api\n      namespace: shop'), ['8080 — port of Service shop/api (http, http)', '9090 — port of Service shop/api (grpc-web)']);
  assert.deepEqual(backend('name: cnn-egress-gateway-istio'), [
    '80 — port of Service default/cnn-egress-gateway-istio, deployed by Istio for Gateway default/cnn-egress-gateway (http, HTTP)',
  ]);
  assert.deepEqual(backend('kind: Hostname\n      group: networking.istio.io\n      name: edition.cnn.com'), [
    '80 — port of ServiceEntry default/cnn (http-port, HTTP)',
    '443 — port of ServiceEntry default/cnn (https, HTTPS)',
  ]);
  assert.deepEqual(backend('name: api'), [], 'no Service api in the route’s own namespace');
});

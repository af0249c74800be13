/**
 * Checker-level tests of cross-file behaviour: findings in one file follow edits to the files it
 * reads, and only those; dependency tracking is per lookup, not per kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { loadSchemaStore } from '../node/schemas';
import { Checker } from '../check/checker';

const VS_URI = 'file:///ws/direct-cnn-through-egress-gateway.yaml';
const GATEWAY_URI = 'file:///ws/istio-egressgateway.yaml';
const CNN_URI = 'file:///ws/cnn.yaml';
const HTTPBIN_URI = 'file:///ws/httpbin.yaml';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: direct-cnn-through-egress-gateway
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
kind: DestinationRule
metadata:
  name: egressgateway-for-cnn
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
`;

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: istio-egressgateway
  namespace: istio-system
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - "*/edition.cnn.com"
`;

const serviceEntry = (name: string, host: string, port: number) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ${name}
spec:
  hosts:
  - ${host}
  ports:
  - number: ${port}
    name: http
    protocol: HTTP
  resolution: DNS
`;

function workspace() {
  const index = new WorkspaceIndex();
  index.setFile(parseFile(VS_URI, VS));
  index.setFile(parseFile(GATEWAY_URI, GATEWAY));
  index.setFile(parseFile(CNN_URI, serviceEntry('cnn', 'edition.cnn.com', 80)));
  index.setFile(parseFile(HTTPBIN_URI, serviceEntry('httpbin', 'httpbin.org', 80)));
  return { index, checker: new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS) };
}

const codes = (checker: Checker, uri: string) => checker.findings(uri).map((f) => f.code);

test('removing and re-adding the Gateway file re-checks the VirtualService, which reports and then clears vs-unknown-gateway', () => {
  const { index, checker } = workspace();
  assert.deepEqual(
    checker.findings(VS_URI).filter((f) => f.severity === 'error' || f.severity === 'warning'),
    [],
    'the egress layout is clean to begin with',
  );

  const removed = index.removeFile(GATEWAY_URI);
  assert.ok(checker.affectedBy(removed).includes(VS_URI));
  assert.deepEqual(
    codes(checker, VS_URI).filter((c) => c === 'vs-unknown-gateway'),
    ['vs-unknown-gateway', 'vs-unknown-gateway'],
    'spec.gateways and the match gateways both name the missing Gateway',
  );

  const added = index.setFile(parseFile(GATEWAY_URI, GATEWAY));
  assert.ok(checker.affectedBy(added).includes(VS_URI));
  assert.ok(!codes(checker, VS_URI).includes('vs-unknown-gateway'));
});

test('an edit to a ServiceEntry for another host does not touch the VirtualService; one for its own host does', () => {
  const { index, checker } = workspace();
  const before = checker.findings(VS_URI);
  const checked = checker.checkedDocuments;

  const unrelated = index.setFile(parseFile(HTTPBIN_URI, serviceEntry('httpbin', 'postman-echo.com', 8080)));
  assert.deepEqual(checker.affectedBy(unrelated), [HTTPBIN_URI]);
  const third = index.setFile(parseFile('file:///ws/google.yaml', serviceEntry('google', 'www.google.com', 443)));
  assert.ok(!checker.affectedBy(third).includes(VS_URI));
  assert.deepEqual(checker.findings(VS_URI), before);
  assert.equal(checker.checkedDocuments, checked, 'the cached findings are reused');

  const related = index.setFile(parseFile(CNN_URI, serviceEntry('cnn', 'edition.cnn.com', 8080)));
  assert.ok(checker.affectedBy(related).includes(VS_URI));
  assert.ok(codes(checker, VS_URI).includes('vs-destination-port'), 'port 80 is no longer declared');
});

test('where a gateway runs follows its Deployment: moving the pods to the VirtualService namespace clears vs-hidden-where-it-runs', () => {
  const deployment = (namespace: string, app: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${namespace}
spec:
  template:
    metadata:
      labels:
        app: ${app}
        istio: ${app}
`;
  const gateway = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egress-gateway
  namespace: egress
spec:
  selector:
    istio: egress-gateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`;
  const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: payments
  namespace: team-b
spec:
  hosts: [pay.example.com]
  exportTo: ["."]
  gateways: [egress/egress-gateway]
  http:
  - route:
    - destination: {host: pay.example.com}
`;
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///ws/deployment.yaml', deployment('egress', 'egress-gateway')));
  index.setFile(parseFile('file:///ws/other.yaml', deployment('shop', 'shop')));
  index.setFile(parseFile('file:///ws/gateway.yaml', gateway));
  index.setFile(parseFile('file:///ws/payments.yaml', vs));
  index.setFile(parseFile('file:///ws/pay-se.yaml', serviceEntry('pay', 'pay.example.com', 80)));
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const uri = 'file:///ws/payments.yaml';
  assert.ok(codes(checker, uri).includes('vs-hidden-where-it-runs'), 'the gateway runs in egress, which the VirtualService is not exported to');

  const unrelated = index.setFile(parseFile('file:///ws/other.yaml', deployment('shop', 'shop-v2')));
  assert.ok(!checker.affectedBy(unrelated).includes(uri), 'a Deployment the Gateway does not select is not read');

  const moved = index.setFile(parseFile('file:///ws/deployment.yaml', deployment('team-b', 'egress-gateway')));
  assert.ok(checker.affectedBy(moved).includes(uri));
  assert.ok(!codes(checker, uri).includes('vs-hidden-where-it-runs'), 'the gateway now runs in team-b and sees the VirtualService');
});

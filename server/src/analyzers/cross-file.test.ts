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

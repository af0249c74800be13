/**
 * Cross-file analysis over stdio: deleting a Gateway in one file turns the VirtualService in
 * another file red, restoring it clears the error, and unrelated files are not re-published.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri, type TestClient } from './lsp-client';

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: istio-egressgateway
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - edition.cnn.com
`;

const ROUTES = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cnn
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
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: direct-cnn-through-egress-gateway
spec:
  hosts:
  - edition.cnn.com
  gateways:
  - istio-egressgateway
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
      - istio-egressgateway
      port: 80
    route:
    - destination:
        host: edition.cnn.com
        port:
          number: 80
`;

let workspace: string;
let client: TestClient;
let gatewayPath: string;
let routesUri: string;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-xfile-'));
  gatewayPath = path.join(workspace, 'gateway.yaml');
  fs.writeFileSync(gatewayPath, GATEWAY);
  fs.writeFileSync(path.join(workspace, 'routes.yaml'), ROUTES);
  routesUri = fileUri(path.join(workspace, 'routes.yaml'));
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

const unknownGateway = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'vs-unknown-gateway');

test('deleting a Gateway turns the VirtualService in another file red; restoring it clears the error', async () => {
  // An open Istio file always gets its list, so opening the routes shows they start clean.
  assert.equal(client.diagnostics.get(routesUri), undefined, 'a clean file that is not open gets no list');
  client.open(routesUri, ROUTES, 1);
  assert.deepEqual(await client.waitForDiagnostics(routesUri, () => true), [], 'the routes start with no finding');

  fs.rmSync(gatewayPath);
  client.fileChanged(fileUri(gatewayPath), FileChangeType.Deleted);
  const red = await client.waitForDiagnostics(routesUri, (d) => unknownGateway(d).length > 0);
  const lines = unknownGateway(red)
    .map((d) => d.range.start.line)
    .sort((a, b) => a - b);
  assert.deepEqual(lines, [30, 45], 'on spec.gateways and on the match gateways');
  assert.equal(unknownGateway(red)[0].severity, 1);

  fs.writeFileSync(gatewayPath, GATEWAY);
  client.fileChanged(fileUri(gatewayPath), FileChangeType.Created);
  await client.waitForDiagnostics(routesUri, (d) => unknownGateway(d).length === 0);
  client.close(routesUri);
});

test('an unsaved edit of the Gateway in the editor updates the other file too', async () => {
  const uri = fileUri(gatewayPath);
  client.open(uri, GATEWAY, 1);
  client.change(uri, GATEWAY.replace('name: istio-egressgateway', 'name: renamed-gateway'), 2);
  await client.waitForDiagnostics(routesUri, (d) => unknownGateway(d).length > 0);
  client.change(uri, GATEWAY, 3);
  await client.waitForDiagnostics(routesUri, (d) => unknownGateway(d).length === 0);
  client.close(uri);
});

/**
 * Kustomizations over stdio: a kustomization file that appears, changes or goes away moves the
 * namespace of the resources it lists, and the files that refer to them are published again.
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
  name: edge
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`;

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: shop
spec:
  hosts: ["*"]
  gateways:
  - istio-system/edge
  http:
  - route:
    - destination:
        host: web
`;

let workspace: string;
let client: TestClient;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-kustomize-'));
  fs.mkdirSync(path.join(workspace, 'gateway'));
  fs.mkdirSync(path.join(workspace, 'apps'));
  fs.writeFileSync(path.join(workspace, 'gateway', 'gateway.yaml'), GATEWAY);
  fs.writeFileSync(path.join(workspace, 'apps', 'vs.yaml'), VS);
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

const unknownGateway = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'vs-unknown-gateway');
const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

test('a Kustomization file that appears, changes and goes away moves the Gateway it lists, and the VirtualService naming it follows', async () => {
  const vsUri = fileUri(path.join(workspace, 'apps', 'vs.yaml'));
  const kustomization = path.join(workspace, 'gateway', 'Kustomization');
  client.open(vsUri, VS, 1);
  const red = await client.waitForDiagnostics(vsUri, (d) => unknownGateway(d).length === 1);
  assert.match(text(unknownGateway(red)[0]), /it exists in "default" as far as its file says/);

  fs.writeFileSync(kustomization, 'namespace: istio-system\nresources:\n- gateway.yaml\n');
  client.fileChanged(fileUri(kustomization), FileChangeType.Created);
  await client.waitForDiagnostics(vsUri, (d) => unknownGateway(d).length === 0);

  fs.writeFileSync(kustomization, 'namespace: edge-system\nresources:\n- gateway.yaml\n');
  client.fileChanged(fileUri(kustomization), FileChangeType.Changed);
  const moved = await client.waitForDiagnostics(vsUri, (d) => unknownGateway(d).length === 1);
  assert.match(text(unknownGateway(moved)[0]), /it exists in "edge-system" \(from \.\.\/gateway\/Kustomization\)/);

  fs.rmSync(kustomization);
  client.fileChanged(fileUri(kustomization), FileChangeType.Deleted);
  await client.waitForDiagnostics(vsUri, (d) => unknownGateway(d).some((x) => /it exists in "default"/.test(text(x))));
  assert.equal(client.diagnostics.get(fileUri(kustomization)), undefined, 'the kustomization file gets no diagnostics');
  client.close(vsUri);
});

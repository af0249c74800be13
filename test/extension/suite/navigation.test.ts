/**
 * Navigation in the editor: go to definition from a VirtualService's gateway reference and subset
 * into the files that define them, then rename the Gateway from its reference, which edits both
 * files in one step and leaves the routes without a cross-file error.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ourDiagnosticsWithCode, waitForCheck, workspaceUri } from './workspace';

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: nav-egress-gateway
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
    - nav.example.com
`;

const ROUTES = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: nav
  namespace: nav
spec:
  hosts:
  - nav.example.com
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-nav
  namespace: nav
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: nav
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: nav-through-egress-gateway
  namespace: nav
spec:
  hosts:
  - nav.example.com
  gateways:
  - mesh
  - istio-system/nav-egress-gateway
  http:
  - match:
    - gateways:
      - mesh
      port: 80
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: nav
        port:
          number: 80
  - match:
    - gateways:
      - nav-egress-gateway.istio-system
      port: 80
    route:
    - destination:
        host: nav.example.com
        port:
          number: 80
`;

/** The position of the last character of the first `needle` in the document. */
function positionOf(doc: vscode.TextDocument, needle: string): vscode.Position {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `no "${needle}" in ${doc.uri.path}`);
  return doc.positionAt(i + needle.length - 1);
}

type Definition = vscode.Location | vscode.LocationLink;
const targetUri = (d: Definition) => ('targetUri' in d ? d.targetUri : d.uri);
const targetRange = (d: Definition) => ('targetUri' in d ? (d.targetSelectionRange ?? d.targetRange) : d.range);

/** Asks for definitions until the server answers with some (it may still be indexing the new files), or the deadline passes. */
async function definitionsAt(doc: vscode.TextDocument, position: vscode.Position, timeoutMs = 30_000): Promise<Definition[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await vscode.commands.executeCommand<Definition[] | undefined>('vscode.executeDefinitionProvider', doc.uri, position)) ?? [];
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

suite('navigation', () => {
  test('go to definition crosses files; rename from a reference edits the Gateway and every reference', async () => {
    const gatewayUri = workspaceUri('navigation/gateway.yaml');
    const routesUri = workspaceUri('navigation/routes.yaml');
    await vscode.workspace.fs.writeFile(gatewayUri, Buffer.from(GATEWAY));
    await vscode.workspace.fs.writeFile(routesUri, Buffer.from(ROUTES));
    const gateway = await vscode.workspace.openTextDocument(gatewayUri);
    const routes = await vscode.workspace.openTextDocument(routesUri);
    await vscode.window.showTextDocument(routes);

    const toGateway = await definitionsAt(routes, positionOf(routes, '- istio-system/nav-egress-gateway'));
    assert.deepEqual(
      toGateway.map((d) => `${targetUri(d).toString()}:${targetRange(d).start.line}`),
      [`${gatewayUri.toString()}:${positionOf(gateway, 'name: nav-egress-gateway').line}`],
    );
    assert.equal(gateway.getText(targetRange(toGateway[0])), 'nav-egress-gateway');

    const toSubset = await definitionsAt(routes, positionOf(routes, 'subset: nav'));
    const subsetLine = positionOf(routes, '- name: nav').line;
    assert.deepEqual(
      toSubset.map((d) => `${targetUri(d).toString()}:${targetRange(d).start.line}`),
      [`${routesUri.toString()}:${subsetLine}`],
    );

    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      routes.uri,
      positionOf(routes, '- nav-egress-gateway.istio-system'),
      'nav-gateway',
    );
    assert.ok(edit, 'no rename edit');
    assert.deepEqual(
      edit
        .entries()
        .map(([uri, edits]) => `${uri.toString()} ${edits.length}`)
        .sort(),
      [`${gatewayUri.toString()} 1`, `${routesUri.toString()} 2`].sort(),
    );
    assert.ok(await vscode.workspace.applyEdit(edit), 'the rename was not applied');
    assert.match(gateway.getText(), /^ {2}name: nav-gateway$/m);
    assert.match(routes.getText(), /^ {2}- istio-system\/nav-gateway$/m);
    assert.match(routes.getText(), /^ {6}- nav-gateway\.istio-system$/m);

    await waitForCheck(routes);
    assert.deepEqual(ourDiagnosticsWithCode(routes.uri, 'vs-unknown-gateway'), []);
    const renamed = await definitionsAt(routes, positionOf(routes, '- nav-gateway.istio-system'));
    assert.deepEqual(
      renamed.map((d) => targetUri(d).toString()),
      [gatewayUri.toString()],
    );
  });
});

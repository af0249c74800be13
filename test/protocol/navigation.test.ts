/**
 * Navigation over stdio: go to definition and find references across files, rename with
 * prepareRename (a multi-file edit that leaves the workspace clean, and refusals with a reason),
 * document and workspace symbols, workspace-aware completion and hover on a reference.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  WorkspaceSymbolRequest,
  type CodeLens,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
  type SymbolInformation,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { at, startClient, fileUri, waitUntil, type TestClient } from './lsp-client';
import { COMMANDS } from '../../server/src/protocol';

// The egress gateway of Istio's HTTP egress task, in istio-system, shared with other tests.
const GATEWAY = fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/cnn-egress-gateway.yaml'), 'utf8');

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
      - istio-egressgateway.istio-system
      port: 80
    route:
    - destination:
        host: edition.cnn.com
        port:
          number: 80
`;

let workspace: string;
let client: TestClient;
let gatewayUri: string;
let routesUri: string;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-navigation-'));
  fs.writeFileSync(path.join(workspace, 'gateway.yaml'), GATEWAY);
  fs.writeFileSync(path.join(workspace, 'routes.yaml'), ROUTES);
  gatewayUri = fileUri(path.join(workspace, 'gateway.yaml'));
  routesUri = fileUri(path.join(workspace, 'routes.yaml'));
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

const brief = (l: Location) => `${path.basename(l.uri)}:${l.range.start.line}:${l.range.start.character}-${l.range.end.character}`;

test('the server offers definition, references, rename with prepare, and symbols', () => {
  const caps = client.initializeResult.capabilities;
  assert.equal(caps.definitionProvider, true);
  assert.equal(caps.referencesProvider, true);
  assert.deepEqual(caps.renameProvider, { prepareProvider: true });
  assert.equal(caps.documentSymbolProvider, true);
  assert.equal(caps.workspaceSymbolProvider, true);
});

test('go to definition follows a gateway reference, a subset and a host into their files', async () => {
  const definition = async (needle: string) =>
    ((await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: routesUri }, position: at(ROUTES, needle) })) as Location[]).map(
      brief,
    );
  assert.deepEqual(await definition('- istio-system/istio-egressgateway'), ['gateway.yaml:3:8-27']);
  assert.deepEqual(await definition('- istio-egressgateway.istio-system'), ['gateway.yaml:3:8-27']);
  assert.deepEqual(await definition('subset: cnn'), ['routes.yaml:20:10-13']);
  assert.deepEqual(await definition('host: edition.cnn.com'), ['routes.yaml:6:4-19']);
});

test('find references lists the Gateway and each reference to it', async () => {
  const refs = (await client.connection.sendRequest(ReferencesRequest.type, {
    textDocument: { uri: gatewayUri },
    position: at(GATEWAY, 'name: istio-egressgateway'),
    context: { includeDeclaration: true },
  })) as Location[];
  assert.deepEqual(refs.map(brief).sort(), ['gateway.yaml:3:8-27', 'routes.yaml:30:17-36', 'routes.yaml:45:8-27']);
});

test('rename changes the Gateway and every reference in one edit; the workspace stays clean', async () => {
  const position = at(ROUTES, '- istio-system/istio-egressgateway');
  const prepared = (await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: routesUri }, position })) as { placeholder: string };
  assert.equal(prepared.placeholder, 'istio-egressgateway');
  const edit = (await client.connection.sendRequest(RenameRequest.type, {
    textDocument: { uri: routesUri },
    position,
    newName: 'cnn-egress',
  })) as WorkspaceEdit;
  assert.deepEqual(Object.keys(edit.changes ?? {}).sort(), [gatewayUri, routesUri].sort());
  const apply = (uri: string, text: string) => TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), edit.changes![uri]);
  const routes = apply(routesUri, ROUTES);
  assert.match(routes, /- istio-system\/cnn-egress\n/);
  assert.match(routes, /- cnn-egress\.istio-system\n/);

  const unknownGateway = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'vs-unknown-gateway');
  // Half the edit (the Gateway only) breaks the routes; the whole edit leaves them clean.
  client.open(gatewayUri, GATEWAY, 1);
  client.open(routesUri, ROUTES, 1);
  client.change(gatewayUri, apply(gatewayUri, GATEWAY), 2);
  await client.waitForDiagnostics(routesUri, (d) => unknownGateway(d).length === 2);
  client.change(routesUri, routes, 2);
  const clean = await client.waitForDiagnostics(routesUri, (d) => unknownGateway(d).length === 0);
  assert.deepEqual(
    clean.filter((d) => d.severity === 1),
    [],
  );
  client.change(gatewayUri, GATEWAY, 3);
  client.change(routesUri, ROUTES, 3);
  // Symbols read every file, so the reverted texts are in the index before the closes re-read the disk.
  const reverted = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'Gateway istio-system' })) as SymbolInformation[];
  assert.deepEqual(
    reverted.map((s) => s.name),
    ['Gateway istio-system/istio-egressgateway'],
  );
  client.close(gatewayUri);
  client.close(routesUri);
});

test('rename refuses a name the API server would reject, and a host the workspace does not define', async () => {
  const position = at(GATEWAY, 'name: istio-egressgateway');
  await assert.rejects(
    client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: gatewayUri }, position, newName: 'Egress_GW' }),
    /not a valid Gateway name/,
  );
  await assert.rejects(
    client.connection.sendRequest(PrepareRenameRequest.type, {
      textDocument: { uri: routesUri },
      position: at(ROUTES, 'host: istio-egressgateway.istio-system.svc.cluster.local'),
    }),
    /not defined in the workspace/,
  );
});

test('the outline lists each resource with its children; workspace symbols find resources in every file', async () => {
  const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: routesUri } })) as DocumentSymbol[];
  assert.deepEqual(
    symbols.map((s) => `${s.name} [${(s.children ?? []).map((c) => c.name).join(', ')}]`),
    [
      'ServiceEntry default/cnn [port 80 http]',
      'DestinationRule default/egressgateway-for-cnn [subset cnn]',
      'VirtualService default/direct-cnn-through-egress-gateway [http[0], http[1]]',
    ],
  );
  assert.equal(symbols[2].range.start.line, 21);
  // The query matches fuzzily, as the editor's symbol search does: "egress-gateway" matches too.
  const found = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'egressgateway' })) as SymbolInformation[];
  assert.deepEqual(found.map((s) => `${s.name} ${path.basename(s.location.uri)}`).sort(), [
    'DestinationRule default/egressgateway-for-cnn routes.yaml',
    'Gateway istio-system/istio-egressgateway gateway.yaml',
    'VirtualService default/direct-cnn-through-egress-gateway routes.yaml',
  ]);
  const gateways = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'Gateway istio-system' })) as SymbolInformation[];
  assert.deepEqual(
    gateways.map((s) => `${s.name} ${path.basename(s.location.uri)}:${s.location.range.start.line}`),
    ['Gateway istio-system/istio-egressgateway gateway.yaml:3'],
  );
});

test('completion offers the subsets and ports the workspace defines, with where they come from', async () => {
  const uri = fileUri(path.join(workspace, 'new.yaml'));
  const text = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: x
spec:
  http:
  - route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: 
`;
  client.open(uri, text, 1);
  const position = { line: 9, character: 16 };
  const items = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionItem[];
  const cnn = items.find((i) => i.label === 'cnn');
  assert.ok(cnn, JSON.stringify(items.map((i) => i.label)));
  assert.equal(cnn.detail, 'subset of DestinationRule default/egressgateway-for-cnn');
  assert.match((cnn.documentation as MarkupContent).value, /routes\.yaml/);
  client.close(uri);
});

test('hover on a reference shows what it resolves to, with the file and line', async () => {
  const hover = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: routesUri },
    position: at(ROUTES, '- istio-system/istio-egressgateway'),
  });
  const value = (hover?.contents as MarkupContent).value;
  assert.match(value, /^Gateway `istio-system\/istio-egressgateway` resolves to:/);
  assert.match(value, /\*\*Gateway istio-system\/istio-egressgateway\*\* — \[gateway\.yaml, line 4\]/);
});

test('code lenses show the egress path above each ServiceEntry and VirtualService', async () => {
  const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: routesUri } })) as CodeLens[];
  assert.deepEqual(
    lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`),
    [
      '0: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80',
      '21: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80',
    ],
  );
  // Clicking a lens opens the traffic map on its host.
  for (const l of lenses) assert.deepEqual([l.command?.command, l.command?.arguments], [COMMANDS.showTrafficMap, [{ host: 'edition.cnn.com' }]]);
});

test('a change in another file changes the lenses, and the server asks the editor to refresh them', async () => {
  const lensTitles = async () =>
    ((await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: routesUri } })) as CodeLens[]).map((l) => l.command?.title);
  const before = client.codeLensRefreshes();
  client.open(gatewayUri, GATEWAY, 1);
  // The Gateway no longer selects the egress gateway's pods: nothing forwards edition.cnn.com there.
  client.change(gatewayUri, GATEWAY.replace('istio: egressgateway', 'istio: ingressgateway'), 2);
  await waitUntil(() => client.codeLensRefreshes() > before, 'a workspace/codeLens/refresh request');
  assert.deepEqual(await lensTitles(), [
    'edition.cnn.com:80: default → sidecar → istio-egressgateway:80 ✗ no route at the egress gateway for edition.cnn.com:80',
    'edition.cnn.com:80: default → sidecar → istio-egressgateway:80 ✗ no route at the egress gateway for edition.cnn.com:80',
  ]);
  client.change(gatewayUri, GATEWAY, 3);
  client.close(gatewayUri);
});

test('a lens on a broken link names the diagnostic that explains it', async () => {
  client.open(routesUri, ROUTES, 1);
  client.change(routesUri, ROUTES.replace('subset: cnn', 'subset: cnnn'), 2);
  await client.waitForDiagnostics(routesUri, (d) => d.some((x) => x.code === 'vs-unknown-subset'));
  const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: routesUri } })) as CodeLens[];
  assert.equal(
    lenses[0].command?.title,
    'edition.cnn.com:80: default → sidecar → istio-egressgateway:80 ✗ subset "cnnn" is not defined for ' +
      'istio-egressgateway.istio-system.svc.cluster.local [vs-unknown-subset]',
  );
  client.change(routesUri, ROUTES, 3);
  client.close(routesUri);
});

test('a code lens shows the path above a Kubernetes Service for egress (an ExternalName alias), and opens the map on the host it names', async () => {
  const uri = fileUri(path.join(workspace, 'alias.yaml'));
  const alias = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cnn\nspec:\n  type: ExternalName\n  externalName: edition.cnn.com\n';
  client.open(uri, alias, 1);
  // The alias takes edition.cnn.com's path, on the ports edition.cnn.com's ServiceEntry declares (once the tests before have put routes.yaml back).
  const expected = ['0: cnn.default.svc.cluster.local:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80 (ExternalName Service cnn)'];
  let lenses: CodeLens[] = [];
  const titles = () => lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`);
  for (let tries = 0; tries < 50 && JSON.stringify(titles()) !== JSON.stringify(expected); tries++) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
  }
  assert.deepEqual(titles(), expected);
  assert.deepEqual(lenses[0].command?.arguments, [{ host: 'cnn.default.svc.cluster.local' }]);
  client.close(uri);
});

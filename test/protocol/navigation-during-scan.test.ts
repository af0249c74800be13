/**
 * While the start-up scan has not read the file that defines the egress Gateway, a hover on a route's
 * reference to it says it resolves to nothing, and adds that the workspace is still being indexed; a rename
 * is refused, as it could miss references in files not read yet. Once every file is indexed, both work.
 * Go to definition, find references and a bundle asked for meanwhile are answered once every file is indexed:
 * the Gateway is found, and the bundle's names collide with none.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DefinitionRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  type Hover,
  type Location,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { GenerateBundleRequest } from '../../server/src/protocol';
import { at, fileUri, repoRoot } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';

let workspace: string;
let client: InProcessClient | undefined;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-navigation-scan-'));
  fs.cpSync(path.join(repoRoot, 'examples', 'egress-gateway'), workspace, { recursive: true });
  // The name a bundle for edition.cnn.com gives its Gateway, taken in the file the scan reads late.
  fs.appendFileSync(
    path.join(workspace, '02-gateway.yaml'),
    `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: edition-cnn-com-egress-gateway
  namespace: istio-system
spec:
  selector:
    istio: egressgateway
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [edition.cnn.com]
    tls: {mode: PASSTHROUGH}
`,
  );
});

// Stopped after the test is reported: the in-process server ends the process when its connection closes.
after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('during the start-up scan, a hover says what it may not have read yet and a rename is refused; after it, both work', { timeout: 60_000 }, async () => {
  const gateway = path.join(workspace, '02-gateway.yaml');
  const routesPath = path.join(workspace, '04-virtualservice.yaml');
  const routes = fs.readFileSync(routesPath, 'utf8');
  const uri = fileUri(routesPath);
  const c = (client = await startInProcess(workspace, {}, { noWait: true, holdAtStart: [gateway] }));
  const hover = async () => {
    const h = (await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at(routes, '- istio-egressgateway') })) as Hover;
    return (h.contents as MarkupContent).value;
  };
  const subset = { textDocument: { uri }, position: at(routes, 'subset: cnn') };
  const read = c.held.get(gateway)!;
  await read.asked;
  c.open(uri, routes);
  // Asked for before the hover, so handled before it.
  const bundle = c.connection.sendRequest(GenerateBundleRequest, { host: 'edition.cnn.com', mode: 'http', namespace: 'default' });
  const reference = { textDocument: { uri }, position: at(routes, '- istio-egressgateway') };
  const definition = c.connection.sendRequest(DefinitionRequest.type, reference) as Promise<Location[]>;
  const references = c.connection.sendRequest(ReferencesRequest.type, { ...reference, context: { includeDeclaration: true } }) as Promise<Location[]>;
  const during = await hover();
  assert.match(during, /resolves to nothing/);
  assert.match(during, /still being indexed/, 'the hover says the Gateway may be in a file not read yet');
  await assert.rejects(c.connection.sendRequest(PrepareRenameRequest.type, subset), /still being indexed/);
  await assert.rejects(c.connection.sendRequest(RenameRequest.type, { ...subset, newName: 'edition' }), /still being indexed/);
  read.release();
  await c.indexed;
  const files = async (locations: Promise<Location[]>) => [...new Set((await locations).map((l) => path.basename(l.uri)))].sort();
  assert.deepEqual(await files(definition), ['02-gateway.yaml'], 'go to definition, asked while the Gateway was not read, finds it');
  assert.deepEqual(await files(references), ['02-gateway.yaml', '04-virtualservice.yaml'], 'find references lists the Gateway and the routes');
  const generated = await bundle;
  assert.ok(generated.ok);
  const gateways = generated.resources.filter((r) => r.kind === 'Gateway').map((r) => `${r.namespace}/${r.name}`);
  assert.equal(gateways.length, 1);
  assert.notEqual(gateways[0], 'istio-system/edition-cnn-com-egress-gateway', 'the bundle does not reuse the name of a Gateway in a file read late');
  const after = await hover();
  assert.match(after, /resolves to/);
  assert.doesNotMatch(after, /nothing|still being indexed/);
  assert.deepEqual(await c.connection.sendRequest(PrepareRenameRequest.type, subset), {
    range: { start: { line: 19, character: 16 }, end: { line: 19, character: 19 } },
    placeholder: 'cnn',
  });
});

/**
 * Completion over stdio of a VirtualService match's `port` (on a Gateway: the ports of its servers that
 * admit the host; on the mesh: the ports the registry declares), a Gateway server's `hosts`, a Gateway
 * API route's `hostnames` and a DestinationRule's `tls.sni`, on Istio's egress gateway task
 * (../shared/corpus/istio-docs/egress-gateway/http, copied to a temporary folder). Each item says where it comes from.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, type CompletionItem, type CompletionList, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, fileUri, type TestClient } from './lsp-client';
import { needsShared, sharedPath } from '../../server/src/shared-corpus';

const SCENARIO = sharedPath('corpus', 'istio-docs', 'egress-gateway', 'http');
const NEEDS_CORPUS = needsShared('corpus', 'istio-docs', 'egress-gateway', 'http');

let workspace: string;
let client: TestClient;

before(async () => {
  if (NEEDS_CORPUS.skip) return;
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-gateway-completion-'));
  for (const f of fs.readdirSync(SCENARIO)) fs.copyFileSync(path.join(SCENARIO, f), path.join(workspace, f));
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

const TEXT = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: cnn-tls
spec:
  hosts:
  - edition.cnn.com
  gateways:
  - istio-egressgateway
  - mesh
  http:
  - match:
    - gateways:
      - istio-egressgateway
      port: @gateway-port
  - match:
    - gateways:
      - mesh
      port: @mesh-port
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: second
spec:
  servers:
  - port:
      number: 8080
      name: http
      protocol: HTTP
    hosts:
    - @server-host
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: originate-tls-for-cnn
spec:
  host: edition.cnn.com
  trafficPolicy:
    tls:
      mode: SIMPLE
      sni: @sni
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cnn
spec:
  hostnames:
  - @hostname
`;

const SOURCE = /^(port of|host of|VirtualService|ServiceEntry|Service) /;

test('match ports, Gateway server hosts, route hostnames and tls.sni complete from the workspace, saying where each comes from', NEEDS_CORPUS, async () => {
  const uri = fileUri(path.join(workspace, 'new-config.yaml'));
  const text = TEXT.replace(/@[a-z-]+/g, '');
  client.open(uri, text, 1);
  const doc = TextDocument.create(uri, 'yaml', 1, text);
  const complete = async (marker: string) => {
    const offset = TEXT.indexOf(`@${marker}`);
    assert.ok(offset >= 0, marker);
    const before = TEXT.slice(0, offset).replace(/@[a-z-]+/g, '').length;
    const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: doc.positionAt(before) })) as
      CompletionList | CompletionItem[];
    return (Array.isArray(result) ? result : result.items)
      .filter((i) => SOURCE.test(i.detail ?? ''))
      .map((i) => `${i.label} — ${i.detail} — ${(i.documentation as MarkupContent).value}`);
  };
  const gateway = 'From Gateway default/istio-egressgateway (02-gateway-destinationrule-egressgateway-for-cnn.yaml).';
  const se = 'From ServiceEntry default/cnn (01-serviceentry-cnn.yaml).';
  assert.deepEqual(await complete('gateway-port'), [
    `80 — port of Gateway default/istio-egressgateway, server 1 (HTTP) — ${gateway} Its server admits host \`edition.cnn.com\`.`,
  ]);
  assert.deepEqual(await complete('mesh-port'), [
    `80 — port of ServiceEntry default/cnn (http-port, HTTP) — ${se} Declared for host \`edition.cnn.com\`.`,
    `443 — port of ServiceEntry default/cnn (https, HTTPS) — ${se} Declared for host \`edition.cnn.com\`.`,
  ]);
  assert.deepEqual(await complete('server-host'), [
    'default/edition.cnn.com — VirtualService default/direct-cnn-through-egress-gateway — ' +
      'From VirtualService default/direct-cnn-through-egress-gateway (03-virtualservice-direct-cnn-through-egress-gateway.yaml). ' +
      'Admits its host `edition.cnn.com`.',
    `*/edition.cnn.com — ServiceEntry default/cnn — ${se} Admits the VirtualServices of any namespace for host \`edition.cnn.com\`.`,
  ]);
  assert.deepEqual(await complete('sni'), [
    'edition.cnn.com — host of DestinationRule default/originate-tls-for-cnn — ' +
      'From DestinationRule default/originate-tls-for-cnn (new-config.yaml). The server name its TLS origination sends.',
  ]);
  assert.deepEqual(await complete('hostname'), [`edition.cnn.com — ServiceEntry default/cnn — ${se}`]);
  client.close(uri);
});

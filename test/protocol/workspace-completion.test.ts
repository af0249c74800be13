/**
 * Completion of workspace names over stdio, on the Gateway API scenario of Istio's egress gateway task
 * (../shared/corpus/istio-docs/egress-gateway/http-gateway-api): a route's parentRef `sectionName` and
 * `port` from the Gateway's listeners or, for a ServiceEntry parent (GAMMA), from its ports; a
 * backendRef's `port` from the Service Istio deploys for the Gateway; a Sidecar's egress hosts as
 * `namespace/host`; a DestinationRule's port-level ports from its host. Each item says where it comes from.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, type CompletionItem, type CompletionList, type MarkupContent, type Position } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, fileUri, type TestClient } from './lsp-client';
import { needsShared, sharedPath } from '../../server/src/shared-corpus';

const SCENARIO = sharedPath('corpus', 'istio-docs', 'egress-gateway', 'http-gateway-api');
const NEEDS_CORPUS = needsShared('corpus', 'istio-docs', 'egress-gateway', 'http-gateway-api');

let workspace: string;
let client: TestClient;

before(async () => {
  if (NEEDS_CORPUS.skip) return;
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-workspace-completion-'));
  for (const f of fs.readdirSync(SCENARIO)) fs.copyFileSync(path.join(SCENARIO, f), path.join(workspace, f));
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

const TEXT = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: new
spec:
  parentRefs:
  - name: cnn-egress-gateway
    sectionName: 
    port: 
  - kind: ServiceEntry
    group: networking.istio.io
    name: cnn
    sectionName: 
  rules:
  - backendRefs:
    - name: cnn-egress-gateway-istio
      port: 
`;

/** The position at the end of the n-th line that ends with `needle`. */
function endOfLine(needle: string, nth: number): Position {
  const lines = TEXT.split('\n');
  const line = lines.map((l, i) => (l.endsWith(needle) ? i : -1)).filter((i) => i >= 0)[nth];
  assert.ok(line !== undefined, needle);
  return TextDocument.create('file:///x', 'yaml', 1, TEXT).positionAt(TEXT.split('\n').slice(0, line).join('\n').length + 1 + lines[line].length);
}

test('a route’s sectionName and port complete from the listeners and ports of what it names, saying where each comes from', NEEDS_CORPUS, async () => {
  const uri = fileUri(path.join(workspace, 'new-route.yaml'));
  client.open(uri, TEXT, 1);
  const complete = async (needle: string, nth: number) => {
    const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: endOfLine(needle, nth) })) as
      CompletionList | CompletionItem[];
    return (Array.isArray(result) ? result : result.items)
      .filter((i) => /^(listener|port) of /.test(i.detail ?? ''))
      .map((i) => `${i.label} — ${i.detail} — ${(i.documentation as MarkupContent).value}`);
  };
  assert.deepEqual(await complete('sectionName: ', 0), [
    'http — listener of Gateway default/cnn-egress-gateway (80 HTTP) — From Gateway default/cnn-egress-gateway (02-k8s-gateway-cnn-egress-gateway.yaml).',
  ]);
  assert.deepEqual(await complete('    port: ', 0), [
    '80 — listener of Gateway default/cnn-egress-gateway (http, HTTP) — From Gateway default/cnn-egress-gateway (02-k8s-gateway-cnn-egress-gateway.yaml).',
  ]);
  assert.deepEqual(await complete('sectionName: ', 1), [
    'http-port — port of ServiceEntry default/cnn (80 HTTP) — From ServiceEntry default/cnn (01-serviceentry-cnn.yaml).',
    'https — port of ServiceEntry default/cnn (443 HTTPS) — From ServiceEntry default/cnn (01-serviceentry-cnn.yaml).',
  ]);
  assert.deepEqual(await complete('      port: ', 0), [
    '80 — port of Service default/cnn-egress-gateway-istio, deployed by Istio for Gateway default/cnn-egress-gateway (http, HTTP) — ' +
      'From Gateway default/cnn-egress-gateway (02-k8s-gateway-cnn-egress-gateway.yaml).',
  ]);
  client.close(uri);
});

test('a Sidecar egress entry completes as namespace/host, and a port-level policy completes the ports of its rule’s host', NEEDS_CORPUS, async () => {
  const uri = fileUri(path.join(workspace, 'new-policy.yaml'));
  const text =
    'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  egress:\n  - hosts:\n    - istio-system/*\n    - \n---\n' +
    'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: cnn\nspec:\n  host: edition.cnn.com\n  trafficPolicy:\n' +
    '    portLevelSettings:\n    - port:\n        number: \n';
  client.open(uri, text, 1);
  const doc = TextDocument.create(uri, 'yaml', 1, text);
  const complete = async (needle: string) => {
    const result = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: doc.positionAt(text.indexOf(needle) + needle.length),
    })) as CompletionList | CompletionItem[];
    return (Array.isArray(result) ? result : result.items)
      .filter((i) => /^(ServiceEntry|Service|port of) /.test(i.detail ?? ''))
      .map((i) => `${i.label} — ${i.detail} — ${(i.documentation as MarkupContent).value}`);
  };
  assert.deepEqual(await complete('istio-system/*\n    - '), [
    './edition.cnn.com — ServiceEntry default/cnn — From ServiceEntry default/cnn (01-serviceentry-cnn.yaml). Imports host `edition.cnn.com`.',
  ]);
  assert.deepEqual(await complete('number: '), [
    '80 — port of ServiceEntry default/cnn (http-port, HTTP) — From ServiceEntry default/cnn (01-serviceentry-cnn.yaml). Declared for host `edition.cnn.com`.',
    '443 — port of ServiceEntry default/cnn (https, HTTPS) — From ServiceEntry default/cnn (01-serviceentry-cnn.yaml). Declared for host `edition.cnn.com`.',
  ]);
  client.close(uri);
});

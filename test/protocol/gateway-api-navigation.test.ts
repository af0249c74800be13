/**
 * Navigation on Gateway API routes over stdio, on the docs' Gateway API scenario of the wildcard
 * egress task (../shared/corpus/istio-docs/wildcard-egress-hosts/single-host-gateway-api): definition
 * and references from parentRefs and backendRefs, hover on them, completion of a route's references,
 * and rename of the Gateway API Gateway (its parentRefs and the Service name Istio deploys for it) with
 * the renamed workspace re-checked.
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
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  type CodeLens,
  type CompletionItem,
  type CompletionList,
  type Location,
  type MarkupContent,
  type Position,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { at, startClient, fileUri, type TestClient } from './lsp-client';
import { needsShared, sharedPath } from '../../server/src/shared-corpus';

const SCENARIO = sharedPath('corpus', 'istio-docs', 'wildcard-egress-hosts', 'single-host-gateway-api');
const NEEDS_CORPUS = needsShared('corpus', 'istio-docs', 'wildcard-egress-hosts', 'single-host-gateway-api');
const ROUTES_FILE = '01-k8s-gateway-tlsroutes-serviceentry-wikipedia.yaml';

let workspace: string;
let client: TestClient;
let routes: string;
let routesUri: string;

before(async () => {
  if (NEEDS_CORPUS.skip) return;
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-gateway-api-'));
  for (const f of fs.readdirSync(SCENARIO)) fs.copyFileSync(path.join(SCENARIO, f), path.join(workspace, f));
  routes = fs.readFileSync(path.join(workspace, ROUTES_FILE), 'utf8');
  routesUri = fileUri(path.join(workspace, ROUTES_FILE));
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** The position just after the first occurrence of `needle` in `text`. */
function endOf(text: string, needle: string): Position {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return TextDocument.create('file:///x', 'yaml', 1, text).positionAt(i + needle.length);
}

/** `file:line:text` of a location (0-based line), read from the workspace. */
function brief(l: Location): string {
  const file = path.basename(l.uri);
  const doc = TextDocument.create(l.uri, 'yaml', 1, fs.readFileSync(path.join(workspace, file), 'utf8'));
  return `${file}:${l.range.start.line}:${doc.getText(l.range)}`;
}

const definition = async (needle: string) =>
  ((await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: routesUri }, position: at(routes, needle) })) as Location[]).map(brief);

const hover = async (needle: string) =>
  ((await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: routesUri }, position: at(routes, needle) }))?.contents as MarkupContent)
    .value;

test(
  'definition from a parentRef leads to the Gateway API Gateway or the ServiceEntry, ' +
    'from a backendRef to the Gateway whose Service it is or the host’s ServiceEntries',
  NEEDS_CORPUS,
  async () => {
    assert.deepEqual(await definition('- name: wikipedia-egress-gateway\n'), [`${ROUTES_FILE}:3:wikipedia-egress-gateway`]);
    assert.deepEqual(await definition('name: wikipedia\n'), [`${ROUTES_FILE}:52:wikipedia`]);
    assert.deepEqual(await definition('name: wikipedia-egress-gateway-istio'), [`${ROUTES_FILE}:3:wikipedia-egress-gateway`]);
    assert.deepEqual(await definition('name: www.wikipedia.org'), [
      '02-serviceentry-www-wikipedia.yaml:6:www.wikipedia.org',
      `${ROUTES_FILE}:55:*.wikipedia.org`,
    ]);
  },
);

test('references of the Gateway API Gateway: its name, the route attached to it and the Service name Istio deploys for it', NEEDS_CORPUS, async () => {
  const refs = (await client.connection.sendRequest(ReferencesRequest.type, {
    textDocument: { uri: routesUri },
    position: at(routes, 'name: wikipedia-egress-gateway\n'),
    context: { includeDeclaration: true },
  })) as Location[];
  assert.deepEqual(refs.map(brief).sort(), [
    `${ROUTES_FILE}:30:wikipedia-egress-gateway-istio`,
    `${ROUTES_FILE}:39:wikipedia-egress-gateway`,
    `${ROUTES_FILE}:3:wikipedia-egress-gateway`,
  ]);
});

test('hover on a parentRef or backendRef shows what it resolves to, with the file and line', NEEDS_CORPUS, async () => {
  const gatewayHover = await hover('- name: wikipedia-egress-gateway\n');
  assert.ok(
    gatewayHover.startsWith(
      'Gateway `wikipedia-egress-gateway` resolves to:\n\n**Gateway default/wikipedia-egress-gateway (Gateway API)** ' +
        '(namespace assumed: metadata.namespace is not set) — [01-k8s',
    ),
    gatewayHover,
  );
  assert.match(gatewayHover, /^[^\n]*\n\n[^\n]*, line 4\]/);
  assert.match(await hover('name: wikipedia\n'), /\*\*ServiceEntry default\/wikipedia\*\* [^\n]*— \[01-k8s[^\]]*, line 53\]/);
  assert.match(await hover('name: wikipedia-egress-gateway-istio'), /Gateway default\/wikipedia-egress-gateway \(Gateway API\), whose Service Istio deploys/);
  assert.match(await hover('name: www.wikipedia.org'), /\*\*ServiceEntry default\/www-wikipedia\*\* [^\n]*— \[02-serviceentry-www-wikipedia\.yaml, line 7\]/);
});

test(
  'completion of a parentRef and a backendRef name offers the workspace’s names for the kind written, each saying where it comes from',
  NEEDS_CORPUS,
  async () => {
    const uri = fileUri(path.join(workspace, 'new-route.yaml'));
    const text =
      'apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata:\n  name: ' +
      'new\nspec:\n  parentRefs:\n  - kind: ServiceEntry\n    group: networking.istio.io\n    name: ' +
      '\n  rules:\n  - backendRefs:\n    - name: \n';
    client.open(uri, text, 1);
    const complete = async (needle: string) => {
      const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: endOf(text, needle) })) as
        CompletionList | CompletionItem[];
      const items = Array.isArray(result) ? result : result.items;
      return items.filter((i) => i.detail?.startsWith('ServiceEntry') || i.detail?.startsWith('Service ')).map((i) => `${i.label} — ${i.detail}`);
    };
    assert.deepEqual(await complete('    name: '), ['wikipedia — ServiceEntry default/wikipedia', 'www-wikipedia — ServiceEntry default/www-wikipedia']);
    assert.deepEqual(await complete('    - name: '), ['wikipedia-egress-gateway-istio — Service default/wikipedia-egress-gateway-istio, deployed by Istio']);
    client.close(uri);
  },
);

test(
  'renaming the Gateway API Gateway edits its name, the parentRef and the deployed Service name in one ' +
    'edit; the renamed workspace stays clean and its path follows',
  NEEDS_CORPUS,
  async () => {
    const position = at(routes, '- name: wikipedia-egress-gateway\n');
    const prepared = (await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: routesUri }, position })) as {
      placeholder: string;
    };
    assert.equal(prepared.placeholder, 'wikipedia-egress-gateway');
    await assert.rejects(
      client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: routesUri }, position, newName: 'Wiki_Egress' }),
      /not a valid Gateway name/,
    );
    const edit = (await client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: routesUri },
      position,
      newName: 'wiki-egress',
    })) as WorkspaceEdit;
    assert.deepEqual(Object.keys(edit.changes ?? {}), [routesUri]);
    const renamed = TextDocument.applyEdits(TextDocument.create(routesUri, 'yaml', 1, routes), edit.changes![routesUri]);
    assert.doesNotMatch(renamed, /wikipedia-egress-gateway/);
    assert.match(renamed, /- name: wiki-egress-istio\n/);

    const lensTitles = async () =>
      ((await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: routesUri } })) as CodeLens[]).map((l) => l.command?.title);
    const codes = (ds: { code?: unknown }[]) => ds.map((d) => String(d.code)).sort();
    client.open(routesUri, routes, 1);
    const original = codes(await client.waitForDiagnostics(routesUri, () => client.diagnosticVersions.get(routesUri) === 1));
    client.change(routesUri, renamed, 2);
    // The rename leaves exactly the findings the workspace had: every reference still resolves.
    const renamedCodes = codes(await client.waitForDiagnostics(routesUri, () => client.diagnosticVersions.get(routesUri) === 2));
    assert.deepEqual(renamedCodes, original);
    assert.deepEqual(await lensTitles(), ['*.wikipedia.org:443: default → sidecar → wiki-egress-istio:443 (TLS passthrough) → www.wikipedia.org:443']);
    client.change(routesUri, routes, 3);
    client.close(routesUri);
  },
);

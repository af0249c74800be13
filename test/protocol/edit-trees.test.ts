/**
 * An edit is parsed for its data only: the server does not compose the syntax trees of every document
 * of the edited file, which would take about 25 times the memory of the text at each keystroke and
 * fill the old generation with trees the next keystroke drops. A tree is parsed when something reads
 * it (placing a finding, hover, completion), one document at a time. The server runs in this process
 * (`in-process.ts`) so that the test can count the trees it parses (`reparsedTrees`).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HoverRequest, type Hover } from 'vscode-languageserver-protocol/node';
import { fileUri } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';
import { reparsedTrees } from '../../server/src/parse/syntax-trees';

const entry = (i: number) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api-${i}\n  namespace: shop\n` +
  `spec:\n  hosts:\n  - api-${i}.example.com\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  resolution: DNS\n  location: MESH_EXTERNAL\n`;
const TEXT = Array.from({ length: 6 }, (_, i) => entry(i)).join('---\n');
/** The line of document `i`'s `resolution` key. */
const resolutionLine = (text: string, i: number) => text.slice(0, text.indexOf(`  resolution:`, text.indexOf(`name: api-${i}\n`))).split('\n').length - 1;

let workspace: string | undefined;
let client: InProcessClient | undefined;

after(async () => {
  await client?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

test('an edit composes no syntax tree but those read afterwards, one document at a time', { timeout: 60_000 }, async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-edit-trees-'));
  const file = path.join(workspace, 'shop.yaml');
  fs.writeFileSync(file, TEXT);
  const uri = fileUri(file);
  client = await startInProcess(workspace);
  await client.indexed;
  client.open(uri, TEXT);
  await client.waitForDiagnostics(uri, (ds) => ds.length === 0, 20_000);

  // A misspelt resolution in the first document: its finding is placed on its tree, which is parsed for that.
  const edited = TEXT.replace('resolution: DNS', 'resolution: DNZ');
  const before = reparsedTrees();
  client.change(uri, edited, 2);
  const diagnostics = await client.waitForDiagnostics(uri, (ds) => ds.some((d) => d.code === 'schema-enum'), 20_000);
  assert.deepEqual(
    diagnostics.map((d) => d.range.start.line),
    [resolutionLine(edited, 0)],
    'the finding is placed in the edited document',
  );
  assert.equal(reparsedTrees() - before, 1, "placing the finding parsed the edited document's tree, and no other");

  // Hover in the fifth document reads its tree: the edit did not compose it, so it is parsed now, and kept.
  const hover = () => client!.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: resolutionLine(edited, 4), character: 4 } });
  const afterEdit = reparsedTrees();
  const answer: Hover | null = await hover();
  assert.ok(answer, 'hover answers on the edited file');
  assert.equal(reparsedTrees() - afterEdit, 1, "hover parsed the fifth document's tree: the edit had not");
  await hover();
  assert.equal(reparsedTrees() - afterEdit, 1, 'the tree read by hover is kept for the next request');
});

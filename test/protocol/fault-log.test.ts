/**
 * What a user sees when an analyzer or a quick fix has a bug: the exception reaches the extension's
 * output channel (window/logMessage, as an error) naming the file and the code, once, and the
 * other findings are still published. The real server runs in this process (`in-process.ts`), so
 * the test can make one analyzer throw without any hook in the product.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeActionRequest, MessageType } from 'vscode-languageserver-protocol/node';
import { analyzerFor } from '../../server/src/analyzers/registry';
import { fileUri, waitUntil } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';

/** A wildcard host resolved by DNS (se-wildcard-dns) and a misspelt location (schema-enum). */
const SE = (name: string) =>
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  `${name}\nspec:\n  hosts:\n  - "*.${name}.example.com"\n  location: MESH_EXTENAL\n  resolution: DNS\n`;
const analyzer = analyzerFor('se-wildcard-dns')!;
const original = { check: analyzer.check.bind(analyzer), fix: analyzer.fix?.bind(analyzer) };

let workspace: string;
let client: InProcessClient;
const errorsAbout = (code: string) => client.logs.filter((l) => l.type === MessageType.Error && l.message.includes(`${code} failed on`));

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-fault-log-'));
  fs.writeFileSync(path.join(workspace, 'a.yaml'), SE('a'));
  fs.writeFileSync(path.join(workspace, 'b.yaml'), SE('b'));
});

after(async () => {
  analyzer.check = original.check;
  analyzer.fix = original.fix;
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('an analyzer that throws is logged to the output channel with file and code, once, and the other findings are published', async () => {
  analyzer.check = () => {
    throw new Error('analyzer bug');
  };
  try {
    client = await startInProcess(workspace);
    const a = fileUri(path.join(workspace, 'a.yaml'));
    const b = fileUri(path.join(workspace, 'b.yaml'));
    for (const uri of [a, b]) await client.waitForDiagnostics(uri, (ds) => ds.some((d) => d.code === 'schema-enum'), 20_000);
    const logged = errorsAbout('se-wildcard-dns');
    assert.equal(logged.length, 1, `logged once for two files: ${JSON.stringify(client.logs)}`);
    assert.match(logged[0].message, /se-wildcard-dns failed on file:\/\/\S+\/[ab]\.yaml: analyzer bug/);
  } finally {
    analyzer.check = original.check;
  }
});

test('a quick fix that throws is logged with file and code, and the code action request is still answered', async () => {
  const uri = fileUri(path.join(workspace, 'c.yaml'));
  client.open(uri, SE('c'));
  const [finding] = await client
    .waitForDiagnostics(uri, (ds) => ds.some((d) => d.code === 'se-wildcard-dns'), 20_000)
    .then((ds) => ds.filter((d) => d.code === 'se-wildcard-dns'));
  analyzer.fix = () => {
    throw new Error('fix bug');
  };
  const actions = await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: finding.range,
    context: { diagnostics: [finding], only: ['quickfix'] },
  });
  assert.ok(Array.isArray(actions), 'the request is answered');
  await waitUntil(() => errorsAbout('se-wildcard-dns').some((l) => /fix bug/.test(l.message)), 'the fix fault to be logged');
  assert.match(errorsAbout('se-wildcard-dns').find((l) => /fix bug/.test(l.message))!.message, new RegExp(`se-wildcard-dns failed on ${uri}: fix bug`));
});

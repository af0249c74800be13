/**
 * A file the user opens while the start-up scan runs shows its syntax and schema findings at once, and no
 * analyzer's: the scan has not read the file that defines subset v1 yet, and "unknown subset v1" would be a
 * false alarm (even a rule of one resource may read its namespace, which a kustomization not read yet may set).
 * Every finding comes once the scan has indexed every file. Before the scan has begun, while the editor has not
 * answered the request for settings, nothing is published: the settings may turn a finding off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { WorkspaceChangedNotification } from '../../server/src/protocol';
import { fileUri, startClient } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';
import { routesText, unknownSubsets, lateSubsetWorkspaceForTests } from './late-subset-workspace';

/** A document with a schema mistake (`schema-enum`) and a name the API server rejects (`metadata-name-invalid`, an analyzer's). */
const OWN_MISTAKES = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: Reviews_Mirror
  namespace: shop
spec:
  hosts: [mirror.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNZ
`;

let client: InProcessClient | undefined;
const workspace = lateSubsetWorkspaceForTests(() => client?.stop(), OWN_MISTAKES);

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();

test('a file opened during the start-up scan shows its schema findings at once, every finding after it, never a false one', { timeout: 60_000 }, async () => {
  const uri = fileUri(workspace.routes);
  client = await startInProcess(workspace.dir, {}, { noWait: true, holdAtStart: [workspace.subsets] });
  const history: Diagnostic[][] = [];
  const record = (ds: Diagnostic[]) => (history.push(ds), true);
  const read = client.held.get(workspace.subsets)!;
  await read.asked;
  // The scan waits for the subsets' file; the user opens the routes, which the scan has indexed.
  const early = client.waitForDiagnostics(uri, record, 30_000);
  client.open(uri, routesText(OWN_MISTAKES));
  assert.deepEqual(codes(await early), ['schema-enum'], 'the schema mistake is reported at once, and no analyzer finding');
  const full = client.waitForDiagnostics(uri, (ds) => record(ds) && unknownSubsets(ds).length > 0, 30_000);
  read.release();
  await client.indexed;
  assert.deepEqual(codes(await full), ['metadata-name-invalid', 'schema-enum', 'vs-unknown-subset'], 'once every file is indexed, every finding is shown');
  assert.deepEqual(unknownSubsets(await full), ['v2'], 'only the subset defined nowhere is unknown');
  assert.ok(
    history.every((ds) => !unknownSubsets(ds).includes('v1')),
    `subset v1, defined in a file read later, was never shown as unknown: ${JSON.stringify(history.map(codes))}`,
  );
});

test('a file opened before the start-up scan has begun shows nothing until the settings are known', { timeout: 60_000 }, async () => {
  // The scan starts once the editor has answered the server's first request for settings: it is held. The settings turn schema-enum off.
  let answer!: () => void;
  const settingsAnswered = new Promise<void>((r) => (answer = r));
  const c = await startClient(workspace.dir, { severity: { 'schema-enum': 'off' } }, { noWait: true, settingsAnswered });
  try {
    const uri = fileUri(workspace.routes);
    const history: Diagnostic[][] = [];
    const full = c.waitForDiagnostics(uri, (ds) => (history.push(ds), unknownSubsets(ds).length > 0), 30_000);
    // The server checks the opened file while it does not know the settings, and says when it has gone through it.
    const checked = new Promise<void>((r) => c.connection.onNotification(WorkspaceChangedNotification, r));
    c.open(uri, routesText(OWN_MISTAKES));
    await checked;
    answer();
    await c.indexed;
    assert.deepEqual(codes(await full), ['metadata-name-invalid', 'vs-unknown-subset']);
    assert.deepEqual(unknownSubsets(await full), ['v2']);
    assert.ok(
      history.every((ds) => !codes(ds).includes('schema-enum') && !unknownSubsets(ds).includes('v1')),
      `neither the finding the settings turn off nor subset v1 was ever shown: ${JSON.stringify(history.map(codes))}`,
    );
  } finally {
    await c.stop();
  }
});

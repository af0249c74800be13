/**
 * A file the user opens while the start-up scan runs is shown at once what it finds on its own (here a name the
 * API server rejects), and nothing that looks up another file: the scan has not read the file that defines
 * subset v1 yet, and "unknown subset v1" would be a false alarm. The lookups' findings come once the scan ends.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { fileUri, startClient } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';
import { routesText, unknownSubsets, writeLateSubsetWorkspace, type LateSubsetWorkspace } from './late-subset-workspace';

/** A document whose name the API server rejects: `metadata-name-invalid` needs no other file. */
const BAD_NAME = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: Reviews_Mirror
  namespace: shop
spec:
  hosts: [mirror.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
`;

let workspace: LateSubsetWorkspace;
let client: InProcessClient | undefined;

before(() => {
  workspace = writeLateSubsetWorkspace(BAD_NAME);
});

// Stopped after the test is reported: the in-process server ends the process when its connection closes.
after(async () => {
  await client?.stop();
  fs.rmSync(workspace.dir, { recursive: true, force: true });
});

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();

test(
  'a file opened during the start-up scan shows its own findings at once, the cross-file ones after it, never a false one',
  { timeout: 60_000 },
  async () => {
    const uri = fileUri(workspace.routes);
    client = await startInProcess(workspace.dir, {}, { noWait: true, holdAtStart: [workspace.subsets] });
    const history: Diagnostic[][] = [];
    const record = (ds: Diagnostic[]) => (history.push(ds), true);
    const read = client.held.get(workspace.subsets)!;
    await read.asked;
    // The scan waits for the subsets' file; the user opens the routes, which the scan has indexed.
    const early = client.waitForDiagnostics(uri, record, 30_000);
    client.open(uri, routesText(BAD_NAME));
    assert.deepEqual(codes(await early), ['metadata-name-invalid'], 'the name is reported at once, and no lookup of another file');
    const full = client.waitForDiagnostics(uri, (ds) => record(ds) && unknownSubsets(ds).length > 0, 30_000);
    read.release();
    await client.indexed;
    assert.deepEqual(codes(await full), ['metadata-name-invalid', 'vs-unknown-subset'], 'once every file is indexed, the cross-file findings are shown');
    assert.deepEqual(unknownSubsets(await full), ['v2'], 'only the subset defined nowhere is unknown');
    assert.ok(
      history.every((ds) => !unknownSubsets(ds).includes('v1')),
      `subset v1, defined in a file read later, was never shown as unknown: ${JSON.stringify(history.map(codes))}`,
    );
  },
);

test('a file opened before the start-up scan has begun shows only its own findings too', { timeout: 60_000 }, async () => {
  // The scan starts once the editor has answered the server's first request for settings: it is held.
  let answer!: () => void;
  const c = await startClient(workspace.dir, {}, { noWait: true, settingsAnswered: new Promise<void>((r) => (answer = r)) });
  try {
    const uri = fileUri(workspace.routes);
    const early = c.waitForDiagnostics(uri, () => true, 30_000);
    c.open(uri, routesText(BAD_NAME));
    assert.deepEqual(codes(await early), ['metadata-name-invalid'], 'with only the opened file indexed, no lookup of another file is shown');
    answer();
    await c.indexed;
    const full = await c.waitForDiagnostics(uri, (ds) => unknownSubsets(ds).length > 0, 30_000);
    assert.deepEqual(unknownSubsets(full), ['v2']);
  } finally {
    await c.stop();
  }
});

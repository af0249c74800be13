/**
 * The start-up scan checks the files it has indexed while it waits for the next one; what the editor
 * sees must be the findings of a check after the scan. Here the scan waits (its read is held, see
 * `in-process.ts`) for the file that defines a subset a route in an earlier file uses: that route
 * must never be shown as unknown, and the route's real mistake is shown once the scan ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { fileUri } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';
import { unknownSubsets, lateSubsetWorkspaceForTests } from './late-subset-workspace';

let client: InProcessClient | undefined;
const workspace = lateSubsetWorkspaceForTests(() => client?.stop());

test('files checked while the scan waits for a later file are published with the findings of a check after the scan', { timeout: 60_000 }, async () => {
  const uri = fileUri(workspace.routes);
  client = await startInProcess(workspace.dir, {}, { noWait: true, holdAtStart: [workspace.subsets] });
  // Every list published for the routes' file, in order, until the one that reports subset v2.
  const history: Diagnostic[][] = [];
  const shown = client.waitForDiagnostics(uri, (ds) => (history.push(ds), unknownSubsets(ds).includes('v2')), 30_000);
  const read = client.held.get(workspace.subsets)!;
  await read.asked;
  // The scan has indexed every other file and waits for this read: meanwhile it checks what it has.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(client.diagnostics.get(uri), undefined, 'nothing is published before the scan ends');
  read.release();
  await client.indexed;
  assert.equal(client.threadedScans, 1, 'the scan parsed its files on a worker thread, as the server does for a workspace of this size');
  assert.deepEqual(unknownSubsets(await shown), ['v2'], 'only the subset defined nowhere is reported');
  assert.ok(
    history.every((ds) => !unknownSubsets(ds).includes('v1')),
    'subset v1 was never shown as unknown',
  );
});

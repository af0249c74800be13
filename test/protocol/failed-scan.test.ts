/**
 * A start-up scan that fails (here its listing of the workspace's files throws) reports the failure and then
 * publishes every indexed file with all its findings, as no more files are coming: a file the user opened
 * meanwhile, which showed only its syntax and schema findings, gets the analyzers' findings, and the editor
 * is asked to refresh its code lenses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceChangedNotification } from '../../server/src/protocol';
import { fileUri, waitUntil } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';
import { routesText, unknownSubsets, lateSubsetWorkspaceForTests } from './late-subset-workspace';

let client: InProcessClient | undefined;
const workspace = lateSubsetWorkspaceForTests(() => client?.stop());

test('after a start-up scan fails, an opened file gets all its findings and the lenses are refreshed', { timeout: 60_000 }, async () => {
  let fail!: () => void;
  const failing = new Promise<void>((r) => (fail = r));
  const listFiles = async (): Promise<string[]> => {
    await failing;
    throw new Error('the disk went away');
  };
  const c = (client = await startInProcess(workspace.dir, {}, { noWait: true, listFiles }));
  const uri = fileUri(workspace.routes);
  // The server goes through the opened file while the scan is listing files, and says when it has.
  const checked = new Promise<void>((r) => c.connection.onNotification(WorkspaceChangedNotification, r));
  c.open(uri, routesText());
  await checked;
  assert.equal(c.diagnostics.get(uri), undefined, 'nothing of its own to show while the scan runs');
  const refreshes = c.codeLensRefreshes();
  fail();
  const shown = await c.waitForDiagnostics(uri, (ds) => unknownSubsets(ds).length > 0, 30_000);
  // Nothing else was indexed: both subsets are unknown to what the server has.
  assert.deepEqual(unknownSubsets(shown).sort(), ['v1', 'v2']);
  await waitUntil(() => c.codeLensRefreshes() > refreshes, 'a code lens refresh after the failed scan', 30_000);
  assert.ok(
    c.logs.some((l) => /indexing the workspace failed: .*the disk went away/s.test(l.message)),
    'the failure is reported in the output channel',
  );
});

/**
 * Egress paths read other files: while the start-up scan has not read the VirtualService that sends a host
 * through the egress gateway, the path of its ServiceEntry would go straight from the sidecar to the host, and a
 * lens or the traffic map would say so. The server shows no lens until every file is indexed, then asks the
 * editor to refresh them; a map asked for meanwhile is drawn once every file is indexed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeLensRequest, type CodeLens } from 'vscode-languageserver-protocol/node';
import { TrafficMapRequest } from '../../server/src/protocol';
import { fileUri, repoRoot, waitUntil } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';

let workspace: string;
let client: InProcessClient | undefined;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-paths-scan-'));
  fs.cpSync(path.join(repoRoot, 'examples', 'egress-gateway'), workspace, { recursive: true });
});

// Stopped after the test is reported: the in-process server ends the process when its connection closes.
after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

const THROUGH_GATEWAY = [/^sidecar:.* -> gateway:istio-egressgateway\./, /^gateway:istio-egressgateway\..* -> host:edition\.cnn\.com$/];

test('no lens or map shows an egress path missing a hop from a file the start-up scan has not read yet', { timeout: 60_000 }, async () => {
  const routes = path.join(workspace, '04-virtualservice.yaml');
  const entry = path.join(workspace, '01-serviceentry-cnn.yaml');
  const uri = fileUri(entry);
  const c = (client = await startInProcess(workspace, {}, { noWait: true, holdAtStart: [routes] }));
  const lenses = async () =>
    ((await c.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[]).map((l) => l.command?.title ?? '');
  const read = c.held.get(routes)!;
  // The scan has indexed the ServiceEntry, the Gateway and the DestinationRule, and waits for the VirtualService.
  await read.asked;
  c.open(uri, fs.readFileSync(entry, 'utf8'));
  // The user opens the traffic map now; the lenses asked for next are answered after the map's request is handled.
  const map = c.connection.sendRequest(TrafficMapRequest, {});
  assert.deepEqual(await lenses(), [], 'no lens while the route through the egress gateway is not indexed');
  read.release();
  await c.indexed;
  // The scan's end is announced before its files are published and the lenses refreshed.
  const refreshes = c.codeLensRefreshes();
  const edges = (await map).edges.map((e) => `${e.from} -> ${e.to}`);
  for (const hop of THROUGH_GATEWAY)
    assert.ok(
      edges.some((e) => hop.test(e)),
      `the map sends edition.cnn.com through the egress gateway: ${JSON.stringify(edges)}`,
    );
  await waitUntil(() => c.codeLensRefreshes() > refreshes, 'a code lens refresh after the scan', 30_000);
  const after = await lenses();
  assert.ok(
    after.some((t) => t.startsWith('edition.cnn.com:80:') && t.includes('istio-egressgateway')),
    `port 80 goes through the egress gateway: ${JSON.stringify(after)}`,
  );
});

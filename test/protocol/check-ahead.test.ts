/**
 * The start-up scan checks the files it has indexed while it waits for the next one; what the editor
 * sees must be the findings of a check after the scan. Here the scan waits (its read is held, see
 * `in-process.ts`) for the file that defines a subset a route in an earlier file uses: that route
 * must never be shown as unknown, and the route's real mistake is shown once the scan ends.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { fileUri } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';

/** Two routes: subset v1 is defined in z-subsets.yaml, read last; subset v2 is defined nowhere. */
const ROUTES = [1, 2]
  .map(
    (v) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-v${v}
  namespace: shop
spec:
  hosts: [reviews-v${v}.shop.svc.cluster.local]
  http:
  - route:
    - destination:
        host: reviews.shop.svc.cluster.local
        subset: v${v}
`,
  )
  .join('---\n');
const SUBSETS = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews.shop.svc.cluster.local
  subsets: [{name: v1, labels: {version: v1}}]
`;
const FILLER = (i: number) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api-${i}\n  namespace: shop\nspec:\n` +
  `  hosts: [api-${i}.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]\n  resolution: DNS\n`;

let workspace: string;
let client: InProcessClient | undefined;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-check-ahead-'));
  fs.writeFileSync(path.join(workspace, 'a-routes.yaml'), ROUTES);
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(workspace, `m-${i}.yaml`), FILLER(i));
  fs.writeFileSync(path.join(workspace, 'z-subsets.yaml'), SUBSETS);
});

// Stopped after the test is reported: the in-process server ends the process when its connection closes.
after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('files checked while the scan waits for a later file are published with the findings of a check after the scan', { timeout: 60_000 }, async () => {
  const subsets = path.join(workspace, 'z-subsets.yaml');
  const uri = fileUri(path.join(workspace, 'a-routes.yaml'));
  client = await startInProcess(workspace, {}, { noWait: true, holdAtStart: [subsets] });
  const subsetsOf = (ds: Diagnostic[]) =>
    ds.filter((d) => d.code === 'vs-unknown-subset').map((d) => /subset "(\w+)"/i.exec(typeof d.message === 'string' ? d.message : d.message.value)?.[1]);
  // Every list published for the routes' file, in order, until the one that reports subset v2.
  const history: Diagnostic[][] = [];
  const shown = client.waitForDiagnostics(uri, (ds) => (history.push(ds), subsetsOf(ds).includes('v2')), 30_000);
  const read = client.held.get(subsets)!;
  await read.asked;
  // The scan has indexed every other file and waits for this read: meanwhile it checks what it has.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(client.diagnostics.get(uri), undefined, 'nothing is published before the scan ends');
  read.release();
  await client.indexed;
  assert.equal(client.threadedScans, 1, 'the scan parsed its files on a worker thread, as the server does for a workspace of this size');
  assert.deepEqual(subsetsOf(await shown), ['v2'], 'only the subset defined nowhere is reported');
  assert.ok(
    history.every((ds) => !subsetsOf(ds).includes('v1')),
    'subset v1 was never shown as unknown',
  );
});

/**
 * Hover and completion on an open file are answered while the start-up scan runs, not after it: the
 * scan is held on the read of its last file (`in-process.ts`), and every request sent meanwhile must be
 * answered while that read is still held.
 * The scan meanwhile warms up and checks the files it has indexed (check-ahead, warm-up steps), so
 * the requests take turns with that work. Counted, not timed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, HoverRequest, type CompletionItem, type Hover } from 'vscode-languageserver-protocol/node';
import { fileUri } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';

/** One egress setup of each kind the scan warms up: ServiceEntry, Gateway, DestinationRule, VirtualService, Sidecar. */
const SETUP = (i: number) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api-${i}
  namespace: team-${i}
spec:
  hosts: [api-${i}.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egress-${i}
  namespace: team-${i}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [api-${i}.example.com]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egress-${i}
  namespace: team-${i}
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets: [{name: api-${i}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api-${i}
  namespace: team-${i}
spec:
  hosts: [api-${i}.example.com]
  gateways: [mesh, egress-${i}]
  tls:
  - match: [{gateways: [mesh], port: 443, sniHosts: [api-${i}.example.com]}]
    route:
    - destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: api-${i}, port: {number: 443}}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: team-${i}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`;
const REQUESTS = 6;

let workspace: string;
let client: InProcessClient | undefined;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-requests-scan-'));
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(workspace, `team-${String(i).padStart(2, '0')}.yaml`), SETUP(i));
  fs.writeFileSync(path.join(workspace, 'z-last.yaml'), SETUP(99));
});

// Stopped after the test is reported: the in-process server ends the process when its connection closes.
after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('hover and completion sent during the start-up scan are answered before the scan ends', { timeout: 60_000 }, async () => {
  const last = path.join(workspace, 'z-last.yaml');
  client = await startInProcess(workspace, {}, { noWait: true, holdAtStart: [last] });
  let scanEnded = false;
  void client.indexed.then(() => (scanEnded = true));
  const uri = fileUri(path.join(workspace, 'team-00.yaml'));
  // The editor's text differs from the disk's: the requests are about a document the editor holds, not one read from disk.
  client.open(uri, SETUP(0).replace('resolution: DNS', 'resolution: NONE'));
  const line = SETUP(0)
    .split('\n')
    .findIndex((l) => l.startsWith('  resolution:'));
  const hover = () => client!.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 4 } });
  const complete = () =>
    client!.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: '  resolution: '.length } });
  const answers: (Hover | null)[] = [];
  const completions: CompletionItem[][] = [];
  // The first pair goes out at once, as an editor asks right after opening; the rest while the scan waits for its last read.
  const first = Promise.all([hover(), complete()]);
  await client.held.get(last)!.asked;
  const [h, c] = await first;
  answers.push(h);
  completions.push(Array.isArray(c) ? c : (c?.items ?? []));
  for (let i = 1; i < REQUESTS; i++) {
    answers.push(await hover());
    const more = await complete();
    completions.push(Array.isArray(more) ? more : (more?.items ?? []));
  }
  assert.equal(scanEnded, false, 'every request was answered while the scan still waited for its last file');
  assert.equal(answers.filter((a) => a !== null).length, REQUESTS, 'every hover has an answer');
  const labels = completions.map((items) => items.map((i) => i.label));
  assert.equal(labels.filter((l) => l.includes('DNS') && l.includes('NONE')).length, REQUESTS, "every completion offers the field's values");
  client.held.get(last)!.release();
  const indexed = await client.indexed;
  assert.equal(indexed.files, 21, 'the scan went on after the requests and indexed every file');
});

/**
 * Even a rule of one resource may read the resource's namespace, which a kustomization may set. While the
 * start-up scan has not read the kustomization, a DestinationRule without `metadata.namespace` would be taken
 * for one in "default", and its `configmap://prod/...` credential for one outside its own namespace. The file
 * opened meanwhile shows no analyzer finding until every file is indexed, then none: it is in prod.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { WorkspaceChangedNotification } from '../../server/src/protocol';
import { fileUri } from './lsp-client';
import { startInProcess, type InProcessClient } from './in-process';

const RULE = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: api
spec:
  host: api.example.com
  trafficPolicy:
    tls:
      mode: SIMPLE
      credentialName: configmap://prod/ca
`;

let workspace: string;
let client: InProcessClient | undefined;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-kustomize-scan-'));
  fs.writeFileSync(path.join(workspace, 'a-rule.yaml'), RULE);
  fs.writeFileSync(path.join(workspace, 'kustomization.yaml'), 'namespace: prod\nresources:\n- a-rule.yaml\n');
});

// Stopped after the test is reported: the in-process server ends the process when its connection closes.
after(async () => {
  await client?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('a rule opened before the kustomization that sets its namespace is read shows no finding that namespace decides', { timeout: 60_000 }, async () => {
  const kustomization = path.join(workspace, 'kustomization.yaml');
  const uri = fileUri(path.join(workspace, 'a-rule.yaml'));
  const c = (client = await startInProcess(workspace, {}, { noWait: true, holdAtStart: [kustomization] }));
  const history: Diagnostic[][] = [];
  const read = c.held.get(kustomization)!;
  await read.asked;
  // The server goes through the opened file while the kustomization is not read, and says when it has.
  const checked = new Promise<void>((r) => c.connection.onNotification(WorkspaceChangedNotification, r));
  const shown = c.waitForDiagnostics(uri, (ds) => (history.push(ds), false), 30_000).catch(() => undefined);
  c.open(uri, RULE);
  await checked;
  read.release();
  await c.indexed;
  // An open file gets its list once every file is indexed.
  const full = (await c.waitForDiagnostics(uri, () => true, 30_000)).map((d) => d.code);
  assert.ok(full.includes('dr-unknown-host'), `after the scan, the cross-file findings are shown: ${JSON.stringify(full)}`);
  assert.ok(!full.includes('dr-invalid'), `the credential is in the rule's own namespace, prod: ${JSON.stringify(full)}`);
  assert.ok(
    history.every((ds) => ds.every((d) => d.code !== 'dr-invalid')),
    `the credential was never shown as outside the rule's namespace: ${JSON.stringify(history.map((ds) => ds.map((d) => d.message)))}`,
  );
  void shown;
});

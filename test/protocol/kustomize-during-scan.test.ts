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

/** The rule of `dr-invalid` that a `configmap://` credential of another namespace breaks, as diagnostics name it. */
const OUTSIDE_NAMESPACE = 'dr-invalid/tls-configmap';

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
  // Every list published for the rule, until the one with its cross-file findings, which come once every file is indexed.
  const shown = c.waitForDiagnostics(uri, (ds) => (history.push(ds), ds.some((d) => d.code === 'dr-unknown-host')), 30_000);
  c.open(uri, RULE);
  await checked;
  read.release();
  await c.indexed;
  const full = (await shown).map((d) => d.code);
  assert.ok(!full.includes(OUTSIDE_NAMESPACE), `the credential is in the rule's own namespace, prod: ${JSON.stringify(full)}`);
  assert.ok(
    history.every((ds) => ds.every((d) => d.code !== OUTSIDE_NAMESPACE)),
    `the credential was never shown as outside the rule's namespace: ${JSON.stringify(history.map((ds) => ds.map((d) => d.message)))}`,
  );
});

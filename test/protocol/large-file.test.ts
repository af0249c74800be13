/**
 * A workspace holding a 15.5 MB generated YAML file and a 50 MB one: the start-up scan must not hold
 * hover and completion on another document while it deals with them, and each gets one finding that
 * gives its size and the limit.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, HoverRequest } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri } from './lsp-client';

const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'httpbin\nspec:\n  hosts:\n  - httpbin.org\n  resolution: DNS\n  location: MESH_EXTERNAL\n';
/** A generous bound for a busy machine; parsing the big file in one step takes tens of seconds. */
const BOUND_MS = 5000;
const BIG_BYTES = 15.5 * 1024 * 1024;
const HUGE_BYTES = 50 * 1024 * 1024;
let workspace: string;

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-large-'));
  const parts: string[] = [];
  for (let i = 0, size = 0; size < BIG_BYTES; i++) {
    const doc = SE.replace('name: httpbin', `name: se-${i}`).replace('httpbin.org', `host-${i}.example.com`) + '---\n';
    parts.push(doc);
    size += doc.length;
  }
  fs.writeFileSync(path.join(workspace, 'a-generated.yaml'), parts.join('').slice(0, BIG_BYTES));
  fs.writeFileSync(path.join(workspace, 'b-small.yaml'), SE);
  // 50 MB of ServiceEntries, written in blocks of the same text.
  const block = Buffer.from(parts.slice(0, 2000).join(''));
  const fd = fs.openSync(path.join(workspace, 'c-huge.yaml'), 'w');
  for (let written = 0; written < HUGE_BYTES; written += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, HUGE_BYTES - written));
  fs.closeSync(fd);
});

after(() => fs.rmSync(workspace, { recursive: true, force: true }));

test(
  'hover and completion answer while the start-up scan meets files of 15.5 MB and 50 MB, which are reported with their sizes',
  { timeout: 180_000 },
  async () => {
    const client = await startClient(workspace, {}, { noWait: true });
    try {
      const uri = fileUri(path.join(workspace, 'b-small.yaml'));
      client.open(uri, SE);
      let scanning = true;
      void client.indexed.then(() => (scanning = false));
      const latencies: number[] = [];
      // Ask again and again until the scan is done: every answer must come within the bound.
      do {
        const started = Date.now();
        const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 4 } });
        const completion = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 7, character: 2 } });
        latencies.push(Date.now() - started);
        assert.ok(hover, 'hover answers');
        assert.ok(Array.isArray(completion) ? completion.length : completion?.items.length, 'completion answers');
        assert.ok(latencies.at(-1)! < BOUND_MS, `hover and completion took ${latencies.at(-1)} ms while the scan ran`);
      } while (scanning);
      const bigUri = fileUri(path.join(workspace, 'a-generated.yaml'));
      const [finding] = await client.waitForDiagnostics(bigUri, (d) => d.length > 0, 20_000);
      assert.equal(finding.code, 'file-too-large');
      assert.match(typeof finding.message === 'string' ? finding.message : finding.message.value, /^This file is 15\.5 MB, over the 2 MB limit/);
      const [huge] = await client.waitForDiagnostics(fileUri(path.join(workspace, 'c-huge.yaml')), (d) => d.length > 0, 20_000);
      assert.equal(huge.code, 'file-too-large');
      assert.match(typeof huge.message === 'string' ? huge.message : huge.message.value, /^This file is 50 MB, over the 2 MB limit/);
      assert.equal((await client.indexed).files, 3);
    } finally {
      await client.stop();
    }
  },
);

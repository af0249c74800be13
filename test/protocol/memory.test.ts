/**
 * The server's memory while a large file is edited one character at a time: every version is a new
 * text, so anything kept per version (texts, line tables) grows without bound. The file is over the
 * parser's size limit, so this measures what the server keeps of the texts themselves, not of their
 * parsed forms. The server's resident memory is read from /proc (Linux), as the operating system counts it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DidChangeTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri } from './lsp-client';

const EDITS = 300;
const SIZE = 2.5 * 1024 * 1024;
/** Growth allowed after the edits: the texts of all 300 versions would take 750 MB, their line tables more. */
const BOUND_MB = 250;
let workspace: string;

/** The resident memory of a process in MB, from /proc (Linux). */
function residentMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  assert.ok(kb > 0, `VmRSS of process ${pid}`);
  return kb / 1024;
}

before(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-memory-'));
});

after(() => fs.rmSync(workspace, { recursive: true, force: true }));

test(
  `${EDITS} one-character edits in a 2.5 MB file, each followed by a hover, leave the server's memory within ${BOUND_MB} MB of where it started`,
  { timeout: 300_000 },
  async () => {
    const client = await startClient(workspace);
    try {
      const uri = fileUri(path.join(workspace, 'generated.yaml'));
      const line = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\nspec:\n  hosts:\n  - a.example.com\n---\n';
      const text = line.repeat(Math.ceil(SIZE / line.length));
      client.open(uri, text, 1);
      const hover = () => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 2 } });
      await hover();
      await client.waitForDiagnostics(uri, () => client.diagnosticVersions.get(uri) === 1, 30_000);
      const startMb = residentMb(client.child.pid!);
      for (let version = 2; version <= EDITS + 1; version++) {
        // Each edit inserts a comment character at the start of a different line, as typing would.
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line: version * 7, character: 0 }, end: { line: version * 7, character: 0 } }, text: '#' }],
        });
        await hover();
      }
      await client.waitForDiagnostics(uri, () => client.diagnosticVersions.get(uri) === EDITS + 1, 30_000);
      // Let the server settle: nothing is asked of it for a while.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const endMb = residentMb(client.child.pid!);
      console.log(`server memory: ${startMb.toFixed(0)} MB before the edits, ${endMb.toFixed(0)} MB after`);
      assert.ok(endMb - startMb < BOUND_MB, `the server grew from ${startMb.toFixed(0)} MB to ${endMb.toFixed(0)} MB`);
    } finally {
      await client.stop();
    }
  },
);

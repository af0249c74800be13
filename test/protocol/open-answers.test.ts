/**
 * A file opened with a text the server does not hold is parsed a document at a time, between messages; a completion
 * or hover sent with the open reads only its own document meanwhile. Its answers are those it gets once the file is indexed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, HoverRequest, type Position } from 'vscode-languageserver-protocol/node';
import { startClient, fileUri, type TestClient } from './lsp-client';

const SHARED = (i: number) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: shared-${i}
spec:
  hosts: [shared-${i}.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
`;
const TEAM = (i: number) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: team-${i}
spec:
  hosts: [team-${i}.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: team-${i}
spec:
  hosts: [team-${i}.example.com]
  tls:
  - match: [{port: 443, sniHosts: [team-${i}.example.com]}]
    route:
    - destination:
        host: shared-${i}.example.com
`;

let workspace: string | undefined;
let client: TestClient | undefined;

after(async () => {
  await client?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

test('completion and hover sent with the open of a large file answer as they do once it is indexed', { timeout: 60_000 }, async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-open-answers-'));
  const docs = Array.from({ length: 20 }, (_, i) => TEAM(i));
  fs.writeFileSync(path.join(workspace, 'shared.yaml'), Array.from({ length: 20 }, (_, i) => SHARED(i)).join('---\n'));
  fs.writeFileSync(path.join(workspace, 'team.yaml'), docs.join('---\n'));
  client = await startClient(workspace);
  const uri = fileUri(path.join(workspace, 'team.yaml'));
  // The editor's text is not the disk's, so the server parses it.
  const text = docs.join('---\n').replace('name: team-11', 'name: team-eleven');
  const at = (needle: string, after: boolean): Position => {
    // In the documents of team 12, in the middle of the file.
    const offset = text.indexOf(needle, text.indexOf('name: team-12')) + (after ? needle.length : 2);
    const lines = text.slice(0, offset).split('\n');
    return { line: lines.length - 1, character: lines[lines.length - 1].length };
  };
  const ask = () =>
    Promise.all([
      client!.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at('  resolution: ', true) }),
      client!.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at('host: shared-12', false) }),
      client!.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at('host: shared-12.', true) }),
    ]);
  client.open(uri, text);
  const first = await ask();
  await client.waitForDiagnostics(uri, () => true);
  const indexed = await ask();
  assert.deepEqual(first, indexed);
  const [completion, fieldHover, hostHover] = indexed;
  const labels = (Array.isArray(completion) ? completion : (completion?.items ?? [])).map((i) => i.label);
  assert.ok(labels.includes('DNS') && labels.includes('STATIC'), `the resolution values: ${labels.join(', ')}`);
  assert.ok(fieldHover && JSON.stringify(fieldHover.contents).includes('host'), 'the field is described');
  assert.ok(hostHover && JSON.stringify(hostHover.contents).includes('shared-12'), 'the host names what defines it, in another file');
});

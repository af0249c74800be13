/**
 * A workspace whose routes file is read first and whose DestinationRule, the only definition of subset v1, is
 * read last (z-subsets.yaml), with filler files between: for tests of what the editor sees while the start-up
 * scan has indexed the routes and not yet the subsets. Subset v2 is defined nowhere, a real mistake.
 */
import { before, after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';

/** Two routes, to subsets v1 and v2 of reviews; `extra` is appended as one more document. */
export function routesText(extra = ''): string {
  const routes = [1, 2].map(
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
  );
  return [...routes, ...(extra ? [extra] : [])].join('---\n');
}

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

export interface LateSubsetWorkspace {
  dir: string;
  /** a-routes.yaml, read first. */
  routes: string;
  /** z-subsets.yaml, read last. */
  subsets: string;
}

/** Writes the workspace into a new temporary folder; the routes file holds `routesText(extra)`. */
export function writeLateSubsetWorkspace(extra = ''): LateSubsetWorkspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-late-subset-'));
  const routes = path.join(dir, 'a-routes.yaml');
  fs.writeFileSync(routes, routesText(extra));
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, `m-${i}.yaml`), FILLER(i));
  const subsets = path.join(dir, 'z-subsets.yaml');
  fs.writeFileSync(subsets, SUBSETS);
  return { dir, routes, subsets };
}

/**
 * The workspace of one test file's tests, written before they run with `routesText(extra)` in its routes file; after them,
 * `stop` stops the file's client (an in-process server ends the process when its connection closes, so only after every
 * test is reported) and the folder is removed. Its fields are set once the tests run.
 */
export function lateSubsetWorkspaceForTests(stop: () => Promise<void> | undefined, extra = ''): LateSubsetWorkspace {
  const workspace: LateSubsetWorkspace = { dir: '', routes: '', subsets: '' };
  before(() => {
    Object.assign(workspace, writeLateSubsetWorkspace(extra));
  });
  after(async () => {
    await stop();
    fs.rmSync(workspace.dir, { recursive: true, force: true });
  });
  return workspace;
}

/** The subsets that diagnostics report as unknown. */
export function unknownSubsets(ds: Diagnostic[]): (string | undefined)[] {
  return ds.filter((d) => d.code === 'vs-unknown-subset').map((d) => /subset "(\w+)"/i.exec(typeof d.message === 'string' ? d.message : d.message.value)?.[1]);
}

/**
 * The checker works without the syntax trees a large workspace drops (see parse/syntax-trees.ts):
 * analyzers read a tree only to place a finding, so a clean workspace is checked without parsing
 * any file again, and a workspace with mistakes gets the very findings it gets with every tree kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { reparsedTrees, setSyntaxBudget } from '../parse/syntax-trees';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { loadSchemaStore } from '../node/schemas';
import { Checker } from './checker';

const GATEWAY = 'istio-egressgateway.istio-system.svc.cluster.local';

/** One namespace's egress setup for one host, as a platform team's monorepo holds it; `mistake` breaks one reference. */
function teamFile(i: number, mistake: boolean): string {
  const ns = `team-${i}`;
  const host = `api-${i}.example.com`;
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext-${i}, namespace: ${ns}}
spec:
  hosts: [${host}]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: egress-${i}, namespace: ${ns}}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [${host}]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: egressgateway-for-${i}, namespace: ${ns}}
spec:
  host: ${GATEWAY}
  subsets: [{name: host-${i}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: route-${i}, namespace: ${ns}}
spec:
  hosts: [${host}]
  gateways: [mesh, egress-${i}${mistake ? '-typo' : ''}]
  tls:
  - match: [{gateways: [mesh], port: 443, sniHosts: [${host}]}]
    route:
    - destination: {host: ${GATEWAY}, subset: host-${i}${mistake ? '-typo' : ''}, port: {number: 443}}
  - match: [{gateways: [egress-${i}], port: 443, sniHosts: [${host}]}]
    route:
    - destination: {host: ${host}, port: {number: 443}}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ${ns}}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
  egress:
  - hosts: [./*, istio-system/*]
`;
}

const FILES = 30;
const uriOf = (i: number) => `file:///ws/team-${i}.yaml`;

function check(budget: number, mistakes: boolean) {
  const previous = setSyntaxBudget(budget);
  try {
    const index = new WorkspaceIndex();
    for (let i = 0; i < FILES; i++) index.setFile(parseFile(uriOf(i), teamFile(i, mistakes && i % 3 === 0)));
    const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
    const before = reparsedTrees();
    const findings = Array.from({ length: FILES }, (_, i) => checker.findings(uriOf(i)));
    return { findings, reparsed: reparsedTrees() - before, index };
  } finally {
    setSyntaxBudget(previous);
  }
}

test('a clean workspace is checked without parsing any file again', () => {
  const { findings, reparsed, index } = check(0, false);
  assert.deepEqual(findings.flat(), [], 'the workspace is clean');
  // Only a dropped tree could have been parsed again.
  assert.equal(index.file(uriOf(0))!.syntax?.present, false, 'the budget dropped the tree');
  assert.equal(reparsed, 0, 'no analyzer read a syntax tree it did not need');
});

test('with most trees dropped, the findings are the ones every tree kept gives, at the same places', () => {
  const kept = check(Infinity, true);
  // Room for the trees of about three files.
  const dropped = check(3 * teamFile(0, true).length, true);
  assert.ok(kept.findings.flat().some((f) => f.code === 'vs-unknown-subset') && kept.findings.flat().some((f) => f.code === 'vs-unknown-gateway'));
  assert.equal(kept.reparsed, 0);
  assert.deepEqual(dropped.findings, kept.findings);
  assert.ok(dropped.reparsed > 0, 'the findings were placed with trees parsed again');
});

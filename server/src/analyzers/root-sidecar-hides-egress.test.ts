import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSidecarHidesEgress } from './root-sidecar-hides-egress';
import { checkFixture } from './fixture-harness';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';
import { DEFAULT_SETTINGS } from '../settings';

// A proxy in a namespace without its own Sidecar gets a scope converted from the root namespace's
// Sidecar for its namespace (pilot/pkg/model/push_context.go doGetSidecarScope, meshRootSidecarConfig,
// convertToSidecarScope), with "." meaning that namespace (sidecar.go convertIstioListenerToWrapper)
// and the destinations of imported VirtualServices added ("Infer more possible destinations from
// virtual services", collectImportedServices); the policy is the root Sidecar's, else the mesh
// config's (initSidecarScopeInternalIndexes).
test('root-sidecar-hides-egress: a team namespace without a Sidecar routes a host whose ServiceEntry the root Sidecar does not import', () => {
  const [finding, ...rest] = checkFixture(rootSidecarHidesEgress, 'root-sidecar');
  assert.equal(rest.length, 0, 'team-b has its own Sidecar, team-c imports its own ServiceEntry');
  assert.equal(finding.severity, 'error');
  assert.match(finding.message, /^Namespace "team-a" has no Sidecar of its own, so its sidecars use the root namespace's Sidecar "default" \(istio-system\)/);
  assert.match(finding.message, /ServiceEntry "egress\/payments" for api\.payments\.example\.com: under REGISTRY_ONLY/);
  assert.match(finding.message, /Add "egress\/api\.payments\.example\.com" to the root Sidecar's egress hosts/);
  assert.deepEqual(
    finding.related?.map((r) => [r.uri.replace(/^.*\//, ''), r.message]),
    [
      ['istio-system.yaml', `Egress hosts of the root namespace's Sidecar "default"`],
      ['egress.yaml', 'ServiceEntry for api.payments.example.com'],
    ],
  );
});

test("root-sidecar-hides-egress: the mesh config's rootNamespace names the root Sidecar; without a policy the default ALLOW_ANY makes it a warning", () => {
  const [finding, ...rest] = checkFixture(rootSidecarHidesEgress, 'mesh-root-namespace');
  assert.equal(rest.length, 0, 'the root Sidecar imports egress/api.payments.example.com');
  assert.equal(finding.severity, 'warning');
  assert.match(finding.message, /root namespace's Sidecar "default" \(mesh-root\).*maps\.example\.com: the sidecars here ignore this route/);
});

// The check reads the namespace's own Sidecars and the root namespace's, never every namespace: an edit
// to one team's VirtualService re-checks that file, and the root Sidecar's edit re-checks its users.
test('root-sidecar-hides-egress: an edit in one team namespace re-checks only that namespace', () => {
  const root =
    'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: ' +
    'istio-system}\nspec:\n  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n  egress:\n  - hosts: ' +
    '[./*, istio-system/*]\n';
  const team = (i: number, host = `api-${i}.example.com`) =>
    `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ext-${i}, namespace: ` +
    `egress}\nspec:\n  hosts: [${host}]\n  ports: [{number: 443, name: tls, protocol: TLS}]\n  resolution: DNS\n---\n` +
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: route-${i}, namespace: ` +
    `team-${i}}\nspec:\n  hosts: [${host}]\n  tls:\n  - match: [{port: 443, sniHosts: [${host}]}]\n    route: ` +
    '[{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, port: {number: 443}}}]\n';
  const TEAMS = 40;
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///ws/root.yaml', root));
  for (let i = 0; i < TEAMS; i++) index.setFile(parseFile(`file:///ws/team-${i}.yaml`, team(i)));
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const codes = (uri: string) => checker.findings(uri).map((f) => f.code);
  for (let i = 0; i < TEAMS; i++) assert.deepEqual(codes(`file:///ws/team-${i}.yaml`), ['root-sidecar-hides-egress']);
  const before = checker.checkedDocuments;
  const affected = checker.affectedBy(index.setFile(parseFile('file:///ws/team-7.yaml', team(7, 'api-7.example.org'))));
  assert.deepEqual(affected, ['file:///ws/team-7.yaml']);
  assert.deepEqual(codes('file:///ws/team-7.yaml'), ['root-sidecar-hides-egress']);
  assert.ok(checker.checkedDocuments - before <= 2, `re-checked ${checker.checkedDocuments - before} documents`);
  // Importing the egress namespace in the root Sidecar mends every team.
  const users = checker.affectedBy(index.setFile(parseFile('file:///ws/root.yaml', root.replace('istio-system/*]', 'istio-system/*, egress/*]'))));
  assert.equal(users.length, TEAMS + 1);
  for (let i = 0; i < TEAMS; i++) assert.deepEqual(codes(`file:///ws/team-${i}.yaml`), []);
});

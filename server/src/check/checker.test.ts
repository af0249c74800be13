/**
 * The checker's incrementality, counted rather than timed: in an egress monorepo where every file
 * routes to the egress gateway and has a Sidecar, an edit re-checks a bounded number of documents,
 * however many files there are; a document that only moved keeps its findings, re-placed, and
 * related locations in other files follow it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { loadSchemaStore } from '../node/schemas';
import { Checker } from './checker';
import { buildIndex } from '../analyzers/fixture-harness';

const GATEWAY = 'istio-egressgateway.istio-system.svc.cluster.local';

function hostDocuments(ns: string, h: number, subset = `host-${h}`): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext-${h}
  namespace: ${ns}
spec:
  hosts: [api-${h}.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-${h}
  namespace: ${ns}
spec:
  host: ${GATEWAY}
  subsets: [{name: host-${h}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: route-${h}
  namespace: ${ns}
spec:
  hosts: [api-${h}.example.com]
  tls:
  - match: [{port: 443, sniHosts: [api-${h}.example.com]}]
    route:
    - destination:
        host: ${GATEWAY}
        subset: ${subset}
        port: {number: 443}
`;
}

/** A namespace's Sidecar; one that hides the namespace imports neither its VirtualServices nor its ServiceEntries. */
function sidecar(ns: string, hidesNamespace: boolean): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: ${ns}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
  egress:
  - hosts:
${hidesNamespace ? '' : '    - ./*\n'}    - istio-system/*
`;
}

const FILES = 60;
const uriOf = (i: number) => `file:///ws/team-${i}.yaml`;
const teamFile = (i: number, subset?: string) =>
  [hostDocuments(`team-${i}`, 2 * i), hostDocuments(`team-${i}`, 2 * i + 1, subset), sidecar(`team-${i}`, i === 0)].join('---\n');

function workspace() {
  const index = new WorkspaceIndex();
  for (let i = 0; i < FILES; i++) index.setFile(parseFile(uriOf(i), teamFile(i)));
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  for (let i = 0; i < FILES; i++) checker.findings(uriOf(i));
  return { index, checker };
}

/** Applies an edit as the server does: update the index, then ask for the findings of every file the change affects. */
function edit(index: WorkspaceIndex, checker: Checker, uri: string, text: string) {
  const before = checker.checkedDocuments;
  const affected = checker.affectedBy(index.setFile(parseFile(uri, text)));
  for (const u of affected) checker.findings(u);
  return { affected, rechecked: checker.checkedDocuments - before };
}

test('an edit to one VirtualService re-checks a bounded number of documents in a workspace that routes everything to the egress gateway', () => {
  const { index, checker } = workspace();
  assert.equal(checker.checkedDocuments, FILES * 7, 'the first check sees every document once');
  // A longer subset name: the VirtualService changes and the Sidecar after it moves.
  const broken = edit(index, checker, uriOf(7), teamFile(7, 'host-15-renamed'));
  assert.deepEqual(broken.affected, [uriOf(7)], 'no other file reads what changed');
  assert.ok(broken.rechecked <= 2, `re-checked ${broken.rechecked} documents: the VirtualService, and the Sidecar of its namespace at most`);
  assert.ok(
    checker.findings(uriOf(7)).some((f) => f.code === 'vs-unknown-subset'),
    'the edit is seen',
  );
  const mended = edit(index, checker, uriOf(7), teamFile(7));
  assert.ok(mended.rechecked <= 2, `re-checked ${mended.rechecked} documents`);
  assert.deepEqual(checker.findings(uriOf(7)), []);
});

test('a same-length change to a value re-checks its document; a change of layout inside a document is a change; the same text is none', () => {
  const { index, checker } = workspace();
  const text = teamFile(3);
  // DNS and DSN have the same length: nothing moves, only the ServiceEntry's content (its fingerprint) differs.
  const typo = text.replace('resolution: DNS', 'resolution: DSN');
  const changed = edit(index, checker, uriOf(3), typo);
  // The ServiceEntry, and the VirtualService and Sidecar of its namespace, which read its host.
  assert.ok(changed.rechecked >= 1 && changed.rechecked <= 3, `re-checked ${changed.rechecked} documents`);
  assert.ok(checker.findings(uriOf(3)).some((f) => f.code === 'schema-enum' && typo.slice(f.start, f.end) === 'DSN'));
  // The same data in another layout moves the typo within its document: it is checked again and the finding follows.
  const relaid = typo.replace('hosts: [api-6.example.com]', 'hosts:\n  - api-6.example.com');
  const moved = edit(index, checker, uriOf(3), relaid);
  assert.ok(moved.rechecked >= 1 && moved.rechecked <= 3, `re-checked ${moved.rechecked} documents`);
  assert.ok(checker.findings(uriOf(3)).some((f) => f.code === 'schema-enum' && relaid.slice(f.start, f.end) === 'DSN'));
  const same = edit(index, checker, uriOf(3), relaid.slice());
  assert.deepEqual(same.affected, [uriOf(3)]);
  assert.equal(same.rechecked, 0, 'the same text is not checked again');
});

test('a document that only moved keeps its findings, re-placed at its new position', () => {
  const { index, checker } = workspace();
  const text = teamFile(0);
  const at = checker.findings(uriOf(0)).find((f) => f.code === 'sidecar-hides-egress');
  assert.ok(at, "the Sidecar of team-0 hides the namespace's routes");
  assert.equal(text.slice(at.start, at.end), 'hosts');
  const moved = `# owned by the platform team\n${text}`;
  const { affected, rechecked } = edit(index, checker, uriOf(0), moved);
  assert.deepEqual(affected, [uriOf(0)]);
  assert.equal(rechecked, 0, 'nothing changed but positions');
  const again = checker.findings(uriOf(0)).find((f) => f.code === 'sidecar-hides-egress');
  assert.ok(again);
  assert.equal(again.start, at.start + '# owned by the platform team\n'.length);
  assert.equal(moved.slice(again.start, again.end), 'hosts');
  assert.ok(at.related?.length);
  assert.deepEqual(
    (again.related ?? []).map((r) => moved.slice(r.start, r.end)),
    (at.related ?? []).map((r) => text.slice(r.start, r.end)),
    'related locations in the same file moved too',
  );
});

test('related locations in another file follow the document they point into when it moves', () => {
  const index = new WorkspaceIndex();
  const routes = hostDocuments('shop', 1);
  index.setFile(parseFile('file:///ws/routes.yaml', routes));
  index.setFile(parseFile('file:///ws/sidecar.yaml', sidecar('shop', true)));
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  checker.findings('file:///ws/routes.yaml');
  const finding = checker.findings('file:///ws/sidecar.yaml').find((f) => f.code === 'sidecar-hides-egress');
  assert.ok(finding?.related?.length);
  const moved = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n---\n${routes}`;
  const before = checker.checkedDocuments;
  // The routes file gains a document in front: its documents are renumbered, which is a change.
  const affected = checker.affectedBy(index.setFile(parseFile('file:///ws/routes.yaml', moved)));
  assert.ok(affected.includes('file:///ws/sidecar.yaml'));
  for (const u of affected) checker.findings(u);
  assert.ok(checker.checkedDocuments > before);
  const related = checker.findings('file:///ws/sidecar.yaml').find((f) => f.code === 'sidecar-hides-egress')!.related![0];
  assert.equal(moved.slice(related.start, related.end), 'ext-1', 'the ServiceEntry the Sidecar hides');
  // A comment in front only moves the documents: the Sidecar is published again, not re-checked.
  const commented = `# routes of the shop\n${moved}`;
  const quiet = checker.checkedDocuments;
  const again = checker.affectedBy(index.setFile(parseFile('file:///ws/routes.yaml', commented)));
  assert.ok(again.includes('file:///ws/sidecar.yaml'), 'the file pointing into the moved documents is published again');
  const placed = checker.findings('file:///ws/sidecar.yaml').find((f) => f.code === 'sidecar-hides-egress')!.related![0];
  checker.findings('file:///ws/routes.yaml');
  assert.equal(checker.checkedDocuments, quiet, 'nothing is re-checked');
  assert.equal(commented.slice(placed.start, placed.end), 'ext-1');
});

test('a resource holding a placeholder (envsubst, kustomize) gets one information finding and is not checked as written', () => {
  const text = [
    'apiVersion: networking.istio.io/v1',
    'kind: Gateway',
    'metadata:',
    '  name: $STUDENT_NS-sentences',
    'spec:',
    '  selector: {istio: ingressgateway}',
    '  servers:',
    '  - port: {number: 80, name: http, protocol: HTTP}',
    '    hosts: ["$STUDENT_NS.sentences.example.com"]',
    '---',
    'apiVersion: networking.istio.io/v1',
    'kind: Gateway',
    'metadata:',
    '  name: Not_Valid',
    'spec:',
    '  selector: {istio: ingressgateway}',
    '  servers:',
    '  - port: {number: 80, name: http, protocol: HTTP}',
    '    hosts: ["web.example.com"]',
    '',
  ].join('\n');
  const { index } = buildIndex(new Map([['gw.yaml', text]]));
  const findings = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS).findings('file:///ws/gw.yaml');
  const first = findings.filter((f) => f.start < text.indexOf('---'));
  assert.deepEqual(
    first.map((f) => `${f.severity} ${f.code}`),
    ['information template-placeholder'],
  );
  assert.match(first[0].message, /^"\$STUDENT_NS-sentences" looks like a placeholder/);
  assert.ok(
    findings.some((f) => f.code === 'metadata-name-invalid' && f.start > text.indexOf('---')),
    'resources without placeholders are still checked',
  );
});

test('editing a kustomization re-checks the files it lists and the files reading what they define', () => {
  const gateway =
    'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: edge\nspec:\n  selector: {istio: ' +
    'ingressgateway}\n  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]\n';
  const vs = (name: string) =>
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
    `${name}\n  namespace: team\nspec:\n  hosts: ["*"]\n  gateways: [edge]\n  http: [{route: [{destination: {host: web}}]}]\n`;
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///ws/gw/gateway.yaml', gateway));
  index.setFile(parseFile('file:///ws/apps/vs.yaml', vs('a')));
  index.setFile(parseFile('file:///ws/other/vs.yaml', vs('b').replace('gateways: [edge]', 'gateways: [elsewhere/edge]')));
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const unknownGateway = (uri: string) => checker.findings(uri).filter((f) => f.code === 'vs-unknown-gateway').length;
  assert.equal(unknownGateway('file:///ws/apps/vs.yaml'), 1, 'the Gateway is in "default" as far as its file says');
  assert.equal(unknownGateway('file:///ws/other/vs.yaml'), 1);
  const change = index.setFile(parseFile('file:///ws/gw/kustomization.yaml', 'namespace: team\nresources: [gateway.yaml]\n'));
  const affected = checker.affectedBy(change);
  for (const uri of ['file:///ws/apps/vs.yaml', 'file:///ws/gw/gateway.yaml', 'file:///ws/gw/kustomization.yaml']) assert.ok(affected.includes(uri), uri);
  assert.equal(unknownGateway('file:///ws/apps/vs.yaml'), 0, 'the kustomization puts the Gateway in "team"');
  assert.equal(unknownGateway('file:///ws/other/vs.yaml'), 1);
  assert.equal(checker.findings('file:///ws/gw/kustomization.yaml').length, 0, 'a kustomization file gets no findings');
  const moved = index.setFile(parseFile('file:///ws/gw/kustomization.yaml', 'namespace: elsewhere\nresources: [gateway.yaml]\n'));
  const again = checker.affectedBy(moved);
  for (const uri of ['file:///ws/apps/vs.yaml', 'file:///ws/gw/gateway.yaml', 'file:///ws/other/vs.yaml']) assert.ok(again.includes(uri), uri);
  assert.equal(unknownGateway('file:///ws/apps/vs.yaml'), 1);
  assert.equal(unknownGateway('file:///ws/other/vs.yaml'), 0);
});

test('a finding on an object defined in several files points at its other versions', () => {
  const vs = (dest: string) =>
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: ' +
    `[reviews]\n  gateways: [missing-gateway]\n  http: [{route: [{destination: {host: ${dest}}}]}]\n`;
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///ws/steps/v1.yaml', vs('reviews')));
  index.setFile(parseFile('file:///ws/steps/v2.yaml', vs('ratings')));
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const finding = checker.findings('file:///ws/steps/v1.yaml').find((f) => f.code === 'vs-unknown-gateway');
  const versions = finding?.related?.filter((l) => l.message.startsWith('Another version of VirtualService default/reviews')) ?? [];
  assert.deepEqual(
    versions.map((l) => l.uri),
    ['file:///ws/steps/v2.yaml'],
  );
  // Removing the other version re-checks this one (it read the object's identity), and the pointer goes.
  assert.ok(checker.affectedBy(index.removeFile('file:///ws/steps/v2.yaml')).includes('file:///ws/steps/v1.yaml'));
  const alone = checker.findings('file:///ws/steps/v1.yaml').find((f) => f.code === 'vs-unknown-gateway');
  assert.ok(alone);
  assert.equal(
    (alone.related ?? []).some((l) => l.message.startsWith('Another version')),
    false,
  );
});

test('a checker made to check each file once gives the findings of the incremental one and keeps nothing', () => {
  const index = new WorkspaceIndex();
  for (let i = 0; i < FILES; i++) index.setFile(parseFile(uriOf(i), teamFile(i, i % 5 === 0 ? 'typo' : undefined)));
  const incremental = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const once = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS, undefined, { once: true });
  const findings = Array.from({ length: FILES }, (_, i) => incremental.findings(uriOf(i)));
  assert.ok(findings.flat().some((f) => f.code === 'vs-unknown-subset') && findings.flat().some((f) => f.code === 'sidecar-hides-egress'));
  assert.deepEqual(
    Array.from({ length: FILES }, (_, i) => once.findings(uriOf(i))),
    findings,
  );
  void once.findings(uriOf(0));
  assert.equal(once.checkedDocuments, FILES * 7 + 7, 'asking again checks again: nothing was kept');
  assert.throws(() => once.affectedBy({ uri: uriOf(0), keys: new Set() }), /knows no dependencies/);
});

/**
 * The status bar's summary, kept per resource: it equals the summary of the whole traffic map after
 * every change, and an edit to one file computes the paths of a bounded number of resources again,
 * however many files the workspace has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { trafficMap, workspacePaths } from './traffic-map';
import { PathSummary } from './path-summary';
import { reparsedTrees, setSyntaxBudget } from '../parse/syntax-trees';
import { virtualServicePaths } from './egress-path';
import { ISTIO_NETWORKING } from '../parse/resource';

const GATEWAY = 'istio-egressgateway.istio-system.svc.cluster.local';

function hostDocuments(ns: string, h: number, host = `api-${h}.example.com`, subset = `host-${h}`): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext-${h}, namespace: ${ns}}
spec:
  hosts: [${host}]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: egressgateway-for-${h}, namespace: ${ns}}
spec:
  host: ${GATEWAY}
  subsets: [{name: host-${h}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: route-${h}, namespace: ${ns}}
spec:
  hosts: [${host}]
  gateways: [mesh, istio-system/egress]
  tls:
  - match: [{gateways: [mesh], port: 443, sniHosts: [${host}]}]
    route:
    - destination: {host: ${GATEWAY}, subset: ${subset}, port: {number: 443}}
  - match: [{gateways: [istio-system/egress], port: 443, sniHosts: [${host}]}]
    route:
    - destination: {host: ${host}, port: {number: 443}}
`;
}

const sidecar = (ns: string) => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ${ns}}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
  egress:
  - hosts: [./*, istio-system/*]
`;

const GATEWAY_FILE = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: egress, namespace: istio-system}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: ['*']
    tls: {mode: PASSTHROUGH}
`;

const uriOf = (i: number) => `file:///ws/team-${i}.yaml`;
const teamFile = (i: number, edit: { host?: string; subset?: string } = {}) =>
  [hostDocuments(`team-${i}`, 2 * i), hostDocuments(`team-${i}`, 2 * i + 1, edit.host, edit.subset), sidecar(`team-${i}`)].join('---\n');

function workspace(files: number) {
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///ws/gateway.yaml', GATEWAY_FILE));
  for (let i = 0; i < files; i++) index.setFile(parseFile(uriOf(i), teamFile(i)));
  const summary = new PathSummary(index, DEFAULT_SETTINGS);
  return { index, summary };
}

/** The summary as the whole traffic map computes it, from every path of the workspace. */
function fullSummary(index: WorkspaceIndex, settings = DEFAULT_SETTINGS) {
  const { policy, hosts, namespaces, brokenPaths } = trafficMap({ index, settings }, { summaryOnly: true });
  return { policy, hosts, namespaces, brokenPaths };
}

/** Applies an edit as the server does, then asks for the summary; returns how many resources computed their paths. */
function edit(index: WorkspaceIndex, summary: PathSummary, uri: string, text: string | undefined): number {
  const before = summary.computedResources;
  summary.changed(text === undefined ? index.removeFile(uri) : index.setFile(parseFile(uri, text)));
  summary.summary();
  return summary.computedResources - before;
}

test('the summary equals the whole map’s after each kind of change', () => {
  const { index, summary } = workspace(12);
  const first = summary.summary();
  assert.deepEqual(first, fullSummary(index));
  assert.equal(first.hosts.length, 24);
  assert.equal(first.brokenPaths, 0);
  assert.deepEqual(first.policy.overrides[0], { namespace: 'team-0', mode: 'REGISTRY_ONLY' });

  // A subset no DestinationRule defines breaks the VirtualService's path.
  edit(index, summary, uriOf(3), teamFile(3, { subset: 'host-7-renamed' }));
  assert.equal(summary.summary().brokenPaths, 1);
  assert.deepEqual(summary.summary(), fullSummary(index));
  // Another file's host: one host fewer.
  edit(index, summary, uriOf(5), teamFile(5, { host: 'api-0.example.com' }));
  assert.equal(summary.summary().hosts.length, 23);
  assert.deepEqual(summary.summary(), fullSummary(index));
  // A removed file takes its hosts and namespace along.
  edit(index, summary, uriOf(8), undefined);
  assert.equal(summary.summary().hosts.length, 21);
  assert.ok(!summary.summary().namespaces.includes('team-8'));
  assert.deepEqual(summary.summary(), fullSummary(index));
  // The Gateway's removal reaches every path through it.
  edit(index, summary, 'file:///ws/gateway.yaml', undefined);
  assert.deepEqual(summary.summary(), fullSummary(index));
  // New settings: everything is computed again.
  const settings = { ...DEFAULT_SETTINGS, outboundTrafficPolicy: 'REGISTRY_ONLY' as const };
  summary.reset(settings);
  assert.deepEqual(summary.summary(), fullSummary(index, settings));
  assert.deepEqual(summary.summary().policy.overrides, []);
});

test('an edit to one file computes the paths of a bounded number of resources, however large the workspace', () => {
  const counts = [10, 60].map((files) => {
    const { index, summary } = workspace(files);
    summary.summary();
    assert.equal(summary.computedResources, files * 4, 'the first summary computes each ServiceEntry and VirtualService once');
    const again = summary.computedResources;
    summary.summary();
    assert.equal(summary.computedResources, again, 'an unchanged workspace computes nothing');
    const broken = edit(index, summary, uriOf(7), teamFile(7, { subset: 'host-15-renamed' }));
    const mended = edit(index, summary, uriOf(7), teamFile(7));
    const duplicated = edit(index, summary, uriOf(4), teamFile(4, { host: 'api-2.example.com' }));
    return [broken, mended, duplicated];
  });
  assert.deepEqual(counts[0], counts[1], 'the same edits cost the same in a workspace six times larger');
  for (const n of counts[1]) assert.ok(n >= 1 && n <= 6, `computed the paths of ${n} resources again`);
});

test('summarize pauses after each resource and namespace; a request during a pass sees an edit made before it', async () => {
  const { index, summary } = workspace(4);
  let pauses = 0;
  let later: Promise<unknown> | undefined;
  const pause = () => {
    pauses++;
    // An edit arrives during the third pause, and the status bar asks again.
    if (pauses === 3) {
      summary.changed(index.setFile(parseFile(uriOf(1), teamFile(1, { subset: 'gone' }))));
      later = summary.summarize(() => undefined);
    }
    return Promise.resolve();
  };
  await summary.summarize(pause);
  // One after each of the 16 ServiceEntries and VirtualServices and each of the 4 namespaces.
  assert.equal(pauses, 20);
  const answer = await later;
  assert.deepEqual(answer, fullSummary(index));
  assert.equal((answer as { brokenPaths: number }).brokenPaths, 1, 'the edit is seen');
  const computed = summary.computedResources;
  assert.deepEqual(summary.summary(), answer);
  assert.equal(summary.computedResources, computed, 'nothing was left to compute');
});

test('summaries asked while one runs share one more run', async () => {
  const { index, summary } = workspace(6);
  summary.summary();
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  const first = summary.summarize(pause);
  summary.changed(index.setFile(parseFile(uriOf(2), teamFile(2, { subset: 'gone' }))));
  const asked = [summary.summarize(pause), summary.summarize(pause), summary.summarize(pause)];
  assert.equal(asked[0], asked[1], 'one run for the requests that came meanwhile');
  assert.equal(asked[1], asked[2]);
  const answers = await Promise.all(asked);
  await first;
  assert.deepEqual(answers[0], fullSummary(index));
  assert.equal(answers[0].brokenPaths, 1);
});

test('the latest figures are at hand at once, stale from a change made during or after the pass that worked them out', async () => {
  const { index, summary } = workspace(3);
  assert.equal(summary.latest(), undefined, 'no pass has ended yet');
  const first = await summary.summarize(() => undefined);
  assert.deepEqual(summary.latest(), { summary: first, stale: false });
  summary.changed(index.setFile(parseFile(uriOf(1), teamFile(1, { subset: 'gone' }))));
  assert.deepEqual(summary.latest(), { summary: first, stale: true });
  // A change during a pass: its figures are kept, and stale.
  let pauses = 0;
  const during = await summary.summarize(() => {
    if (++pauses === 2) summary.changed(index.setFile(parseFile(uriOf(2), teamFile(2, { subset: 'gone' }))));
    return undefined;
  });
  assert.deepEqual(summary.latest(), { summary: during, stale: true });
  const after = await summary.summarize(() => undefined);
  assert.deepEqual(summary.latest(), { summary: after, stale: false });
  assert.equal(after.brokenPaths, 2);
  summary.reset(DEFAULT_SETTINGS);
  assert.equal(summary.latest()?.stale, true, 'new settings make the figures stale');
});

test('the summary of broken paths parses no dropped syntax tree again: only a reader of where the break is written does', () => {
  const previous = setSyntaxBudget(0);
  try {
    const index = new WorkspaceIndex();
    index.setFile(parseFile('file:///ws/gateway.yaml', GATEWAY_FILE));
    for (let i = 0; i < 6; i++) index.setFile(parseFile(uriOf(i), teamFile(i, { subset: `typo-${i}` })));
    const before = reparsedTrees();
    const figures = new PathSummary(index, DEFAULT_SETTINGS).summary();
    assert.equal(figures.brokenPaths, 6);
    assert.equal(reparsedTrees(), before, 'the summary placed no broken link');
    // The code lens reads where the break is written: then the tree is parsed again, and the place is right.
    const vs = index.find(ISTIO_NETWORKING, 'VirtualService', 'team-0', 'route-1')[0];
    const broken = virtualServicePaths(vs, { index, settings: DEFAULT_SETTINGS }).find((p) => p.broken)!;
    assert.ok(broken.brokenAt);
    assert.equal(index.file(uriOf(0))!.text.slice(broken.brokenAt.start, broken.brokenAt.end), 'typo-0');
    assert.ok(reparsedTrees() > before);
  } finally {
    setSyntaxBudget(previous);
  }
});

test('the map’s paths are kept once asked for: after an edit only the touched resources compute theirs, and nodes sit in the current text', async () => {
  const { index, summary } = workspace(20);
  const ctx = { index, settings: DEFAULT_SETTINGS };
  const pathsOf = (list: { path: { text: string }; source: { name: string } }[]) => list.map((p) => `${p.source.name}: ${p.path.text}`);
  let pauses = 0;
  const pause = () => {
    pauses++;
    return undefined;
  };
  assert.deepEqual(pathsOf(await summary.mapPaths(pause)), pathsOf(workspacePaths(ctx)));
  assert.equal(pauses, 80, 'a pause after each ServiceEntry and VirtualService computed');
  const computed = summary.computedResources;
  await summary.mapPaths(pause);
  assert.equal(summary.computedResources, computed, 'an unchanged workspace computes nothing');
  // A longer subset name in team-3's file breaks one path and moves every later document of the file.
  summary.changed(index.setFile(parseFile(uriOf(3), teamFile(3, { subset: 'host-7-renamed-at-length' }))));
  const after = await summary.mapPaths(pause);
  assert.deepEqual(pathsOf(after), pathsOf(workspacePaths(ctx)));
  assert.ok(summary.computedResources - computed <= 4, `${summary.computedResources - computed} resources computed their paths again`);
  // The edited file's resources are new objects: their nodes are placed in the new text.
  const map = trafficMap(ctx, { namespace: 'team-3' }, after);
  const text = index.file(uriOf(3))!.text;
  const namespaceNode = map.nodes.find((n) => n.id === 'namespace:team-3')!;
  const at = namespaceNode.at;
  assert.equal(at?.uri, uriOf(3));
  assert.deepEqual(map.nodes, trafficMap(ctx, { namespace: 'team-3' }).nodes);
  assert.ok(text.slice(at.offset).startsWith('ext-6'), text.slice(at.offset, at.offset + 20));
});

/** Two versions of one route in two folders (per-environment copies): each sees its folder's DestinationRule, one without the subset. */
const versionFiles = (prodSubset: string, prodLabel = 'v1'): Record<string, string> => {
  const dr = (subset: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: egressgateway-for-shop, namespace: shop}
spec:
  host: ${GATEWAY}
  subsets: [{name: ${subset}}]
`;
  const route = (label: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: route-shop, namespace: shop, labels: {release: ${label}}}
spec:
  hosts: [api.shared.example.com]
  gateways: [mesh, istio-system/egress]
  tls:
  - match: [{gateways: [mesh], port: 443, sniHosts: [api.shared.example.com]}]
    route:
    - destination: {host: ${GATEWAY}, subset: shop, port: {number: 443}}
  - match: [{gateways: [istio-system/egress], port: 443, sniHosts: [api.shared.example.com]}]
    route:
    - destination: {host: api.shared.example.com, port: {number: 443}}
`;
  return {
    'file:///ws/env/shared.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shared, namespace: hosts}
spec:
  hosts: [api.shared.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
`,
    'file:///ws/env/prod/shop.yaml': [dr(prodSubset), route(prodLabel)].join('---\n'),
    'file:///ws/env/staging/shop.yaml': [dr('shop'), route('v1')].join('---\n'),
  };
};

const meshConfig = (mode: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    outboundTrafficPolicy:
      mode: ${mode}
`;

/**
 * The edits of a working day, each as the server applies it: the file and its new text (undefined:
 * deleted). After each, the incremental summary must equal one built from scratch.
 */
const EDITS: { name: string; uri: string; text: string | undefined }[] = [
  { name: 'add a ServiceEntry', uri: 'file:///ws/extra.yaml', text: hostDocuments('team-2', 990).split('---\n')[0] },
  { name: 'break a route (a subset nobody defines)', uri: uriOf(3), text: teamFile(3, { subset: 'host-7-typo' }) },
  { name: 'a second ServiceEntry for a host, in the same namespace', uri: 'file:///ws/extra-2.yaml', text: hostDocuments('team-3', 7).split('---\n')[0] },
  { name: 'fix the route', uri: uriOf(3), text: teamFile(3) },
  { name: 'remove the added ServiceEntry', uri: 'file:///ws/extra.yaml', text: undefined },
  { name: 'a namespace’s Sidecar allows any host', uri: uriOf(1), text: teamFile(1).replace('REGISTRY_ONLY', 'ALLOW_ANY') },
  { name: 'the mesh config allows only registered hosts', uri: 'file:///ws/mesh.yaml', text: meshConfig('REGISTRY_ONLY') },
  { name: 'the Sidecar goes back to REGISTRY_ONLY', uri: uriOf(1), text: teamFile(1) },
  { name: 'a document changes kind in its slot', uri: 'file:///ws/extra-2.yaml', text: hostDocuments('team-3', 7).split('---\n')[1] },
  { name: 'delete a file', uri: uriOf(5), text: undefined },
  {
    name: 'two versions of a route, one broken in its folder',
    uri: 'file:///ws/env/prod/shop.yaml',
    text: versionFiles('typo')['file:///ws/env/prod/shop.yaml'],
  },
  {
    name: 'the broken version’s route edited: the map now reads it after the other',
    uri: 'file:///ws/env/prod/shop.yaml',
    text: versionFiles('typo', 'v2')['file:///ws/env/prod/shop.yaml'],
  },
  { name: 'the broken version mended', uri: 'file:///ws/env/prod/shop.yaml', text: versionFiles('shop', 'v2')['file:///ws/env/prod/shop.yaml'] },
  { name: 'a kustomization moves a file to another namespace', uri: 'file:///ws/kustomization.yaml', text: `namespace: moved\nresources:\n- team-4.yaml\n` },
  { name: 'the mesh config removed', uri: 'file:///ws/mesh.yaml', text: undefined },
  { name: 'the deleted file back', uri: uriOf(5), text: teamFile(5) },
  { name: 'the egress gateway removed', uri: 'file:///ws/gateway.yaml', text: undefined },
];

test('after each edit of a sequence the incremental summary equals one built from scratch', () => {
  const { index, summary } = workspace(8);
  for (const [uri, text] of Object.entries(versionFiles('shop'))) index.setFile(parseFile(uri, text));
  // From scratch: both the summary a new PathSummary works out and the whole map's.
  const fresh = () => new PathSummary(index, DEFAULT_SETTINGS).summary();
  summary.summary();
  const seen = new Set<string>();
  for (const e of EDITS) {
    summary.changed(e.text === undefined ? index.removeFile(e.uri) : index.setFile(parseFile(e.uri, e.text)));
    const figures = summary.summary();
    assert.deepEqual(figures, fresh(), e.name);
    assert.deepEqual(figures, fullSummary(index), e.name);
    seen.add(JSON.stringify([figures.hosts.length, figures.namespaces.length, figures.brokenPaths, figures.policy]));
  }
  // The sequence moves every figure, so equality is not reached by figures that never change.
  assert.ok(seen.size >= 8, `only ${seen.size} distinct figures`);
});

test('the edit sequence moves each figure as a user would see it', () => {
  const { index, summary } = workspace(8);
  for (const [uri, text] of Object.entries(versionFiles('shop'))) index.setFile(parseFile(uri, text));
  const figures: Record<string, ReturnType<PathSummary['summary']>> = { before: summary.summary() };
  for (const e of EDITS) {
    summary.changed(e.text === undefined ? index.removeFile(e.uri) : index.setFile(parseFile(e.uri, e.text)));
    figures[e.name] = summary.summary();
  }
  const at = (name: string) => figures[name];
  assert.equal(at('add a ServiceEntry').hosts.length, at('before').hosts.length + 1);
  assert.equal(at('break a route (a subset nobody defines)').brokenPaths, at('add a ServiceEntry').brokenPaths + 1);
  assert.equal(at('fix the route').brokenPaths, at('add a ServiceEntry').brokenPaths);
  assert.deepEqual(
    at('a namespace’s Sidecar allows any host').policy.overrides.map((o) => o.namespace),
    at('remove the added ServiceEntry')
      .policy.overrides.map((o) => o.namespace)
      .filter((ns) => ns !== 'team-1'),
  );
  assert.deepEqual(at('the mesh config allows only registered hosts').policy, {
    mode: 'REGISTRY_ONLY',
    origin: 'mesh-config',
    overrides: [{ namespace: 'team-1', mode: 'ALLOW_ANY' }],
  });
  assert.ok(!at('delete a file').namespaces.includes('team-5'));
  // Both versions give the path from `shop`; the map keeps the one it reads first, the prod version (broken).
  assert.equal(at('two versions of a route, one broken in its folder').brokenPaths, at('delete a file').brokenPaths + 1);
  // Edited, the prod version's route moves after the staging one in the index, so the map keeps staging's path.
  assert.equal(at('the broken version’s route edited: the map now reads it after the other').brokenPaths, at('delete a file').brokenPaths);
  assert.equal(at('the broken version mended').brokenPaths, at('delete a file').brokenPaths);
  assert.ok(at('a kustomization moves a file to another namespace').namespaces.includes('moved'));
  assert.ok(!at('a kustomization moves a file to another namespace').namespaces.includes('team-4'));
  assert.ok(at('the egress gateway removed').brokenPaths > at('the deleted file back').brokenPaths);
});

test('each edit of the sequence computes the same bounded number of paths and policies, whatever the workspace’s size', () => {
  const costs = [8, 48].map((files) => {
    const { index, summary } = workspace(files);
    for (const [uri, text] of Object.entries(versionFiles('shop'))) index.setFile(parseFile(uri, text));
    summary.summary();
    return EDITS.map((e) => {
      const before = summary.computedResources + summary.computedPolicies;
      summary.changed(e.text === undefined ? index.removeFile(e.uri) : index.setFile(parseFile(e.uri, e.text)));
      summary.summary();
      return summary.computedResources + summary.computedPolicies - before;
    });
  });
  // The mesh config and the egress gateway reach every path: those edits compute them all, and only those.
  const everywhere = new Set(['the mesh config allows only registered hosts', 'the mesh config removed', 'the egress gateway removed']);
  EDITS.forEach((e, i) => {
    if (everywhere.has(e.name)) assert.ok(costs[1][i] > costs[0][i], `${e.name}: ${costs[0][i]} then ${costs[1][i]}`);
    else {
      assert.equal(costs[1][i], costs[0][i], `${e.name}: the same cost in a workspace six times larger`);
      assert.ok(costs[0][i] <= 8, `${e.name}: computed ${costs[0][i]} paths and policies`);
    }
  });
});

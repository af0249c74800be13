/**
 * The DestinationRule lookup, table-tested against pilot/pkg/model/push_context.go `destinationRule`
 * and `setDestinationRules` (which rules each namespace's pools hold).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documents, resource, workspace } from './test-workspace';
import { coveringHosts, effectiveDestinationRule, forWorkload, subsetsOf } from './destination-rules';

const dr = (id: string, host: string, extra: Record<string, unknown> = {}) => resource('DestinationRule', id, { host, ...extra });
const se = (id: string, host: string, extra: Record<string, unknown> = {}) =>
  resource('ServiceEntry', id, { hosts: [host], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], ...extra });
const meshConfig = (root: string) =>
  'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: istio\n  namespace: ' +
  `istio-system\nspec:\n  meshConfig:\n    rootNamespace: ${root}\n`;

const API = 'api.example.com';
const SERVICE = `${API}` as const;

for (const c of [
  {
    what: "the proxy's own namespace first (step 1)",
    proxy: 'shop',
    docs: [se('egress/api', API), dr('shop/own', API), dr('egress/owner', API), dr('istio-system/root', API)],
    want: 'shop/own',
  },
  {
    what: "then the rule the service's namespace exports (step 3)",
    proxy: 'shop',
    docs: [se('egress/api', API), dr('egress/owner', API), dr('istio-system/root', API)],
    want: 'egress/owner',
  },
  {
    what: "the service's namespace rule exported only to `.` is hidden; the root namespace's is next (step 4)",
    proxy: 'shop',
    docs: [se('egress/api', API), dr('egress/owner', API, { exportTo: ['.'] }), dr('istio-system/root', API)],
    want: 'istio-system/root',
  },
  {
    what: 'a rule in a third namespace is never consulted',
    proxy: 'shop',
    docs: [se('egress/api', API), dr('team-b/elsewhere', API)],
    want: undefined,
  },
  {
    what: "a rule exported by name to the proxy's namespace counts from the service's namespace",
    proxy: 'shop',
    docs: [se('egress/api', API), dr('egress/owner', API, { exportTo: ['shop'] })],
    want: 'egress/owner',
  },
  {
    what: 'a rule exported by name to another namespace does not reach this one',
    proxy: 'shop',
    docs: [se('egress/api', API), dr('egress/owner', API, { exportTo: ['team-b'] })],
    want: undefined,
  },
  {
    what: "a rule of the proxy's namespace that exports itself only elsewhere is not in the namespace's own pool",
    proxy: 'shop',
    docs: [se('egress/api', API), dr('shop/elsewhere', API, { exportTo: ['team-b'] }), dr('istio-system/root', API)],
    want: 'istio-system/root',
  },
  {
    what: 'the most specific host wins within the namespace: an exact host over a wildcard',
    proxy: 'shop',
    docs: [dr('shop/wild', '*.example.com'), dr('shop/exact', API)],
    want: 'shop/exact',
  },
  {
    what: 'a wildcard rule of the own namespace wins over an exact rule of the root namespace (first namespace wins)',
    proxy: 'shop',
    docs: [dr('shop/wild', '*.example.com'), dr('istio-system/exact', API)],
    want: 'shop/wild',
  },
  {
    what: "a root-namespace proxy uses the root's private rules first",
    proxy: 'istio-system',
    docs: [se('egress/api', API), dr('istio-system/private', API, { exportTo: ['.'] }), dr('egress/owner', API)],
    want: 'istio-system/private',
  },
  {
    what: "a root-namespace proxy takes the service namespace's exported rule before the root's exported rule",
    proxy: 'istio-system',
    docs: [se('egress/api', API), dr('istio-system/public', API), dr('egress/owner', API)],
    want: 'egress/owner',
  },
  {
    what: "a short host is qualified with the rule's namespace (ResolveShortnameToFQDN)",
    proxy: 'shop',
    host: 'reviews.shop.svc.cluster.local',
    docs: [dr('shop/reviews', 'reviews'), dr('other/reviews', 'reviews')],
    want: 'shop/reviews',
  },
  {
    what: 'a cluster-local host not defined in the workspace takes its namespace from its name',
    proxy: 'shop',
    host: 'ratings.backend.svc.cluster.local',
    docs: [dr('backend/ratings', 'ratings')],
    want: 'backend/ratings',
  },
  {
    what: 'the root namespace is the mesh config rootNamespace',
    proxy: 'shop',
    docs: [meshConfig('mesh-root'), dr('istio-system/old-root', API), dr('mesh-root/root', API)],
    want: 'mesh-root/root',
  },
]) {
  test(`destinationRule: ${c.what}`, () => {
    const index = workspace({ 'all.yaml': documents(...c.docs) });
    const found = effectiveDestinationRule(index, c.proxy, c.host ?? SERVICE);
    assert.equal(found?.rules.map((r) => `${r.namespace}/${r.name}`).join(','), c.want);
  });
}

test('mergeDestinationRule: rules of the winning namespace merge (subsets of both, the first trafficPolicy), never across namespaces', () => {
  const index = workspace({
    'a.yaml': documents(
      dr('shop/a', API, { trafficPolicy: { tls: { mode: 'SIMPLE' } }, subsets: [{ name: 'v1' }] }),
      dr('shop/b', API, { trafficPolicy: { tls: { mode: 'DISABLE' } }, subsets: [{ name: 'v1', labels: { x: 'y' } }, { name: 'v2' }] }),
      dr('istio-system/root', API, { subsets: [{ name: 'v3' }] }),
    ),
  });
  const found = effectiveDestinationRule(index, 'shop', API);
  assert.deepEqual(
    found?.rules.map((r) => r.name),
    ['a', 'b'],
  );
  const subsets = subsetsOf(found);
  assert.deepEqual([...subsets.keys()], ['v1', 'v2']);
  assert.equal(subsets.get('v1')?.rule.name, 'a');
});

test('SidecarScope.DestinationRule: a namespace whose only rule selects workloads still wins, and other proxies there get no rule', () => {
  const index = workspace({
    'a.yaml': documents(dr('shop/selected', API, { workloadSelector: { matchLabels: { app: 'a' } } }), dr('istio-system/root', API)),
  });
  const found = effectiveDestinationRule(index, 'shop', API);
  assert.equal(found?.namespace, 'shop');
  assert.deepEqual(found?.rules, []);
  assert.deepEqual(
    found?.selected.map((r) => r.name),
    ['selected'],
  );
});

test('SidecarScope.DestinationRule: a workload whose labels a rule selects uses that rule, others the rule without selector', () => {
  const index = workspace({
    'a.yaml': documents(dr('egress/gateway-only', API, { workloadSelector: { matchLabels: { app: 'corp-egress' } } }), dr('egress/everyone', API)),
  });
  const found = effectiveDestinationRule(index, 'egress', API);
  assert.equal(forWorkload(found, { app: 'corp-egress', istio: 'x' })?.rules[0].name, 'gateway-only');
  assert.equal(forWorkload(found, { app: 'other' })?.rules[0].name, 'everyone');
});

test('the lookup records narrow keys: the host per namespace consulted, the Services and ServiceEntries for it, and the mesh config', () => {
  const index = workspace({ 'a.yaml': documents(se('egress/api', API), dr('egress/owner', API), dr('team-b/other', API)) });
  const deps = new Set<string>();
  effectiveDestinationRule(index.tracked(deps), 'shop', API);
  const read = [...deps];
  assert.ok(
    read.every((k) => !k.startsWith('kind|') && !k.includes('|DestinationRule|api.example.com') && !k.startsWith('wildcard|DestinationRule')),
    read.join(' '),
  );
  assert.ok(deps.has('tag|DestinationRule|host-in:api.example.com|shop'));
  assert.ok(deps.has('tag|DestinationRule|host-in:*.example.com|egress'));
  assert.ok(!read.some((k) => k.includes('|team-b')), 'a namespace Istio never consults is not read');
});

test('coveringHosts: the host and each wildcard over its trailing labels', () => {
  assert.deepEqual(coveringHosts('api.example.com'), ['api.example.com', '*.example.com', '*.com', '*']);
  assert.deepEqual(coveringHosts('*.example.com'), ['*.example.com', '*.com', '*']);
});

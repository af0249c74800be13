/**
 * Workloads and label selectors, table-tested against Kubernetes' apimachinery
 * pkg/apis/meta/v1/helpers.go `LabelSelectorAsSelector` and pkg/labels/selector.go `Requirement.Matches`
 * (NotIn and DoesNotExist match a missing key), and the pod labels Istio reads from each workload kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { documents, workspace } from './test-workspace';
import { labelSelectorMatches, podLabels, workloadsIn, workloadsMatching } from './workloads';

const labels = { app: 'shop', tier: 'web' };
for (const c of [
  { what: 'a missing selector matches everything', selector: undefined, want: true },
  { what: 'an empty selector matches everything', selector: {}, want: true },
  { what: 'matchLabels all present', selector: { matchLabels: { app: 'shop' } }, want: true },
  { what: 'matchLabels with another value', selector: { matchLabels: { app: 'cart' } }, want: false },
  { what: 'In', selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, want: true },
  { what: 'NotIn with the key missing', selector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, want: true },
  { what: 'NotIn with the value listed', selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, want: false },
  { what: 'Exists', selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, want: true },
  { what: 'DoesNotExist with the key present', selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, want: false },
  { what: 'an unknown operator matches nothing', selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['shop'] }] }, want: false },
  {
    what: 'matchLabels and matchExpressions must both hold',
    selector: { matchLabels: { app: 'shop' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['api'] }] },
    want: false,
  },
]) {
  test(`LabelSelectorAsSelector: ${c.what}`, () => {
    assert.equal(labelSelectorMatches(c.selector, labels), c.want);
  });
}

test("pod labels come from a Pod's metadata, a controller's pod template and a WorkloadEntry's spec; a selector finds them", () => {
  const index = workspace({
    'a.yaml': documents(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n  labels:\n    app: shop\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: shop\n  labels:\n    app: ' +
        'ignored\nspec:\n  template:\n    metadata:\n      labels:\n        app: shop\n',
      'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata:\n  name: w\n  namespace: shop\nspec:\n  address: 10.0.0.1\n  labels:\n    app: vm\n',
    ),
  });
  const byName = (kind: string) => index.ofKind(kind)[0];
  assert.deepEqual(podLabels(byName('Pod')), { app: 'shop' });
  assert.deepEqual(podLabels(byName('Deployment')), { app: 'shop' });
  assert.deepEqual(podLabels(byName('WorkloadEntry')), { app: 'vm' });
  assert.deepEqual(
    workloadsMatching(index, { app: 'shop' })
      .map((w) => w.kind)
      .sort(),
    ['Deployment', 'Pod'],
  );
});

test('every reader gets one shared answer for a selector and a namespace, records its keys, and sees an edit', () => {
  const deployment = (app: string) =>
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: gw\n  namespace: egress\n' +
    `spec:\n  template:\n    metadata:\n      labels:\n        app: ${app}\n`;
  const gateway = (name: string) =>
    `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: egress\nspec:\n  selector:\n    app: egress\n`;
  const index = workspace({ 'gw.yaml': documents(deployment('egress'), gateway('a'), gateway('b')) });
  const ask = () =>
    index.ofKind('Gateway').map((viewer) => {
      const deps = new Set<string>();
      const reader = index.tracked(deps, viewer);
      return { matching: workloadsMatching(reader, { app: 'egress' }), inNamespace: workloadsIn(reader, 'egress'), deps: [...deps].sort() };
    });
  const [a, b] = ask();
  // One answer for both Gateways: the six lookups are made once, not once per route through each Gateway.
  assert.equal(a.matching, b.matching);
  assert.equal(a.inNamespace, b.inNamespace);
  assert.deepEqual(
    a.matching.map((w) => w.name),
    ['gw'],
  );
  // Yet each reader depends on every label and namespace it was answered from, so an edit re-checks both.
  assert.deepEqual(a.deps, b.deps);
  for (const kind of ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'WorkloadEntry']) {
    assert.ok(a.deps.includes(`tag|${kind}|label:app=egress`), kind);
    assert.ok(a.deps.includes(`tag|${kind}|ns:egress`), kind);
  }
  index.setFile(parseFile('file:///ws/gw.yaml', documents(deployment('other'), gateway('a'), gateway('b'))));
  const [after] = ask();
  assert.deepEqual(after.matching, []);
  assert.equal(after.inNamespace.length, 1);
});

/**
 * Which proxies use a DestinationRule, table-tested against pilot/pkg/model/push_context.go
 * `destinationRule` (asked from each namespace that could use the rule), and which of its `tls` maps is
 * in effect there, against pilot/pkg/model/destination_rule.go `mergeDestinationRule` (the first rule's
 * trafficPolicy counts) and pilot/pkg/networking/util `GetPortLevelTrafficPolicy`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documents, resource, workspace } from './test-workspace';
import { describeUsers, destinationRuleUsers, usersOfTls, UNNAMED_NAMESPACE } from './destination-rule-users';
import { DEFAULT_SETTINGS } from '../settings';

const API = 'api.example.com';
const simple = { tls: { mode: 'SIMPLE' } };
const dr = (id: string, extra: Record<string, unknown> = {}) => resource('DestinationRule', id, { host: API, ...extra });
const se = (id: string, extra: Record<string, unknown> = {}) =>
  resource('ServiceEntry', id, { hosts: [API], location: 'MESH_EXTERNAL', ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], ...extra });
const meshConfig = (root: string) =>
  'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: istio\n  namespace: ' +
  `istio-system\nspec:\n  meshConfig:\n    rootNamespace: ${root}\n`;
const mesh = { hosts: [API], http: [{ route: [{ destination: { host: API } }] }] };

/** The namespaces using `target` (`namespace/name`); `~` stands for every namespace the workspace does not name. */
function users(docs: string[], target: string): string[] {
  const index = workspace({ 'all.yaml': documents(...docs) });
  const rule = index.ofKind('DestinationRule').find((r) => `${r.namespace}/${r.name}` === target)!;
  return destinationRuleUsers(index, DEFAULT_SETTINGS, rule).map((u) => (u.namespace === UNNAMED_NAMESPACE ? '~' : u.namespace));
}

for (const c of [
  {
    what: "a rule in the host's namespace is used by every namespace without its own (step 2)",
    docs: [se('egress/api'), dr('egress/owner'), resource('VirtualService', 'shop/to-api', mesh)],
    target: 'egress/owner',
    want: ['~', 'egress', 'istio-system', 'shop'],
  },
  {
    what: "a client namespace's own rule shadows the host's namespace rule there (step 1)",
    docs: [se('egress/api'), dr('egress/owner'), dr('shop/own'), resource('VirtualService', 'shop/to-api', mesh)],
    target: 'egress/owner',
    want: ['~', 'egress', 'istio-system'],
  },
  {
    what: 'a rule in a third namespace exported elsewhere is used by nobody: its own pool lacks it, and others never consult that namespace',
    docs: [se('egress/api'), dr('team-x/stray', { exportTo: ['shop'] }), resource('VirtualService', 'shop/to-api', mesh)],
    target: 'team-x/stray',
    want: [],
  },
  {
    what: 'a rule in a third namespace exported everywhere serves only its own namespace',
    docs: [se('egress/api'), dr('team-x/own'), resource('VirtualService', 'shop/to-api', mesh)],
    target: 'team-x/own',
    want: ['team-x'],
  },
  {
    what: "the root namespace's rule is shadowed everywhere by the host's namespace rule (step 2 before step 3)",
    docs: [se('egress/api'), dr('egress/owner'), dr('istio-system/root'), resource('VirtualService', 'shop/to-api', mesh)],
    target: 'istio-system/root',
    want: [],
  },
  {
    what: "the root namespace's rule serves every namespace when the host's namespace exports none (step 3)",
    docs: [se('egress/api'), dr('egress/private', { exportTo: ['.'] }), dr('istio-system/root'), resource('VirtualService', 'shop/to-api', mesh)],
    target: 'istio-system/root',
    want: ['~', 'istio-system', 'shop'],
  },
  {
    what: 'the root namespace is the mesh config rootNamespace',
    docs: [meshConfig('mesh-root'), se('egress/api', { exportTo: ['.'] }), dr('mesh-root/root'), dr('istio-system/old')],
    target: 'istio-system/old',
    want: ['istio-system'],
  },
  {
    what: 'an egress gateway in a central namespace that routes to the host uses the rule its namespace looks up',
    docs: [
      se('egress/api'),
      dr('corp-egress/gateway-side', { exportTo: ['.'] }),
      resource('Gateway', 'corp-egress/egress', {
        selector: { app: 'corp-egress' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [API] }],
      }),
      resource('VirtualService', 'corp-egress/through', { hosts: [API], gateways: ['egress'], http: [{ route: [{ destination: { host: API } }] }] }),
    ],
    target: 'corp-egress/gateway-side',
    want: ['corp-egress'],
  },
]) {
  test(`destinationRule per proxy namespace: ${c.what}`, () => assert.deepEqual(users(c.docs, c.target), c.want));
}

test('describeUsers names the namespaces, a gateway among them, and every other namespace', () => {
  const index = workspace({
    'all.yaml': documents(
      se('egress/api'),
      dr('egress/owner'),
      resource('Gateway', 'egress/gw', {
        selector: { app: 'corp-egress' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [API] }],
      }),
      resource('VirtualService', 'egress/through', { hosts: [API], gateways: ['gw'], http: [{ route: [{ destination: { host: API } }] }] }),
    ),
  });
  const found = destinationRuleUsers(index, DEFAULT_SETTINGS, index.ofKind('DestinationRule')[0]);
  assert.equal(
    describeUsers(found),
    'the proxies of namespaces egress (gateway) and istio-system, and of every other namespace without a rule of its own for the host',
  );
  assert.equal(describeUsers([]), 'no proxy');
});

test('mergeDestinationRule: a second rule of the same namespace is used for its subsets, but its trafficPolicy tls is in effect nowhere', () => {
  const index = workspace({
    'all.yaml': documents(
      se('egress/api'),
      dr('egress/first', { trafficPolicy: { connectionPool: { tcp: { maxConnections: 5 } } } }),
      dr('egress/second', { trafficPolicy: simple }),
    ),
  });
  const second = index.ofKind('DestinationRule').find((r) => r.name === 'second')!;
  const found = destinationRuleUsers(index, DEFAULT_SETTINGS, second);
  assert.ok(found.length > 0, 'the rule is merged, so its users are listed');
  assert.deepEqual(usersOfTls(found, second, ['spec', 'trafficPolicy', 'tls'], 80), []);
});

test('GetPortLevelTrafficPolicy: a top-level tls is in effect on ports without a port-level entry only', () => {
  const index = workspace({
    'all.yaml': documents(
      se('egress/api'),
      dr('egress/owner', { trafficPolicy: { ...simple, portLevelSettings: [{ port: { number: 80 }, connectionPool: {} }] } }),
    ),
  });
  const rule = index.ofKind('DestinationRule')[0];
  const found = destinationRuleUsers(index, DEFAULT_SETTINGS, rule);
  assert.deepEqual(usersOfTls(found, rule, ['spec', 'trafficPolicy', 'tls'], 80), []);
  assert.equal(usersOfTls(found, rule, ['spec', 'trafficPolicy', 'tls'], 443).length, found.length);
});

test('the users of a rule depend on narrow keys: no kind-wide read of DestinationRules or VirtualServices', () => {
  const index = workspace({ 'all.yaml': documents(se('egress/api'), dr('egress/owner'), dr('team-b/other'), resource('VirtualService', 'shop/to-api', mesh)) });
  const deps = new Set<string>();
  const rule = index.ofKind('DestinationRule').find((r) => r.name === 'owner')!;
  destinationRuleUsers(index.tracked(deps), DEFAULT_SETTINGS, rule);
  const read = [...deps];
  assert.ok(!read.some((k) => k === 'kind|DestinationRule' || k === 'kind|VirtualService' || k.startsWith('kind|networking.istio.io|')), read.join(' '));
  assert.ok(deps.has('tag|VirtualService|dest:api.example.com'), read.join(' '));
});

/**
 * The mesh config's default exportTo, table-tested against pilot/pkg/model/push_context.go
 * `initDefaultExportMaps` (the defaults), `IsServiceVisible` and `initServiceRegistry` (Services and
 * ServiceEntries), `initVirtualServices` (VirtualServices) and `setDestinationRules` (`isPrivateOnly`
 * for a DestinationRule without exportTo).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documents, resource, workspace } from './test-workspace';
import { isVisibleIn } from './export-defaults';
import { effectiveDestinationRule } from './destination-rules';
import { ruleSites } from './visibility';
import { DEFAULT_SETTINGS } from '../settings';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';

const API = 'api.example.com';
const operator = (meshConfig: Record<string, unknown>) =>
  'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: istio\n  namespace: ' +
  `istio-system\nspec:\n  meshConfig: ${JSON.stringify(meshConfig)}\n`;
const configMap = (mesh: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n${mesh
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;
const se = (id: string, extra: Record<string, unknown> = {}) =>
  resource('ServiceEntry', id, { hosts: [API], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], ...extra });
const service = (id: string) => {
  const [namespace, name] = id.split('/');
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  ports:\n  - port: 80\n`;
};

for (const c of [
  { what: 'without mesh config, a ServiceEntry without exportTo is visible everywhere', mesh: '', doc: se('egress/api'), from: 'shop', want: true },
  {
    what: 'defaultServiceExportTo ["."] keeps a ServiceEntry without exportTo in its namespace',
    mesh: operator({ defaultServiceExportTo: ['.'] }),
    doc: se('egress/api'),
    from: 'shop',
    want: false,
  },
  { what: '… where it is still seen', mesh: operator({ defaultServiceExportTo: ['.'] }), doc: se('egress/api'), from: 'egress', want: true },
  {
    what: 'a written exportTo wins over the default',
    mesh: operator({ defaultServiceExportTo: ['.'] }),
    doc: se('egress/api', { exportTo: ['*'] }),
    from: 'shop',
    want: true,
  },
  {
    what: 'the default applies to Kubernetes Services without the exportTo annotation, from the ConfigMap form too',
    mesh: configMap('defaultServiceExportTo:\n- "."'),
    doc: service('backend/reviews'),
    from: 'shop',
    want: false,
  },
  {
    what: '"." wins when the default lists both "." and "*"',
    mesh: operator({ defaultServiceExportTo: ['*', '.'] }),
    doc: se('egress/api'),
    from: 'shop',
    want: false,
  },
  {
    what: 'a default naming neither "." nor "*" exports to no namespace (only those two are honoured)',
    mesh: operator({ defaultServiceExportTo: ['shop'] }),
    doc: se('egress/api'),
    from: 'shop',
    want: false,
  },
  {
    what: 'defaultVirtualServiceExportTo applies to VirtualServices, not to ServiceEntries',
    mesh: operator({ defaultVirtualServiceExportTo: ['.'] }),
    doc: se('egress/api'),
    from: 'shop',
    want: true,
  },
]) {
  test(`initDefaultExportMaps/IsServiceVisible: ${c.what}`, () => {
    const index = workspace({ 'mesh.yaml': c.mesh, 'all.yaml': c.doc });
    const r = [...index.ofKind('ServiceEntry'), ...index.ofKind('Service')][0];
    assert.equal(isVisibleIn(index, r, c.from), c.want);
  });
}

test('initVirtualServices: with defaultVirtualServiceExportTo ["."], mesh rules of a VirtualService without exportTo run only in its namespace', () => {
  const vs = resource('VirtualService', 'shop/api', { hosts: [API], http: [{ route: [{ destination: { host: API } }] }] });
  const sites = (mesh: string) => {
    const index = workspace({ 'mesh.yaml': mesh, 'all.yaml': documents(vs, se('egress/api')) });
    return ruleSites(index, DEFAULT_SETTINGS, index.ofKind('VirtualService')[0], ['mesh']).map((s) => s.namespace);
  };
  assert.deepEqual(sites(''), ['*']);
  assert.deepEqual(sites(operator({ defaultVirtualServiceExportTo: ['.'] })), ['shop']);
});

test('setDestinationRules isPrivateOnly: with defaultDestinationRuleExportTo ["."], the host\'s namespace rule without exportTo is not exported', () => {
  const docs = documents(
    se('egress/api'),
    resource('DestinationRule', 'egress/owner', { host: API }),
    resource('DestinationRule', 'istio-system/root', { host: API }),
  );
  const lookup = (mesh: string, proxy: string) => effectiveDestinationRule(workspace({ 'mesh.yaml': mesh, 'all.yaml': docs }), proxy, API)?.rules[0].name;
  assert.equal(lookup('', 'shop'), 'owner');
  assert.equal(lookup(operator({ defaultDestinationRuleExportTo: ['.'] }), 'shop'), undefined, 'the root rule is private by the same default');
  assert.equal(lookup(operator({ defaultDestinationRuleExportTo: ['.'] }), 'egress'), 'owner', 'its own namespace still uses it');
});

test('a mesh config edit re-checks the files whose visibility it changes, and only through the mesh config key', () => {
  const index = new WorkspaceIndex();
  const meshUri = 'file:///ws/mesh.yaml';
  const vsUri = 'file:///ws/shop.yaml';
  index.setFile(parseFile(meshUri, operator({ rootNamespace: 'istio-system' })));
  index.setFile(parseFile('file:///ws/egress.yaml', se('egress/api')));
  index.setFile(
    parseFile(
      vsUri,
      resource('VirtualService', 'shop/api', {
        hosts: [API],
        tls: [{ match: [{ port: 443, sniHosts: [API] }], route: [{ destination: { host: API, port: { number: 443 } } }] }],
      }),
    ),
  );
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const codes = () => checker.findings(vsUri).map((f) => f.code);
  assert.ok(!codes().includes('vs-unknown-host'));
  const change = index.setFile(parseFile(meshUri, operator({ rootNamespace: 'istio-system', defaultServiceExportTo: ['.'] })));
  assert.ok(checker.affectedBy(change).includes(vsUri));
  const hidden = checker.findings(vsUri).find((f) => f.code === 'vs-unknown-host');
  assert.ok(hidden, codes().join(' '));
  assert.match(hidden.message, /exported only to "\." \(the mesh config's defaultServiceExportTo\)/);
});

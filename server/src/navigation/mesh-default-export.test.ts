/**
 * Completion and references apply the mesh config's default exportTo as the diagnostics do
 * (pilot/pkg/model/push_context.go initDefaultExportMaps and IsServiceVisible): a ServiceEntry that
 * writes no exportTo under `defaultServiceExportTo: ["."]` is seen only in its own namespace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { DEFAULT_SETTINGS } from '../settings';
import { documents, resource, workspace } from '../mesh/test-workspace';
import { workspaceCompletions } from './completion';
import { siteAtOffset, targetsOf } from './references';

const MESH_CONFIG =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n    defaultServiceExportTo:\n    - "."\n';
const ENTRIES = documents(
  resource('ServiceEntry', 'egress/private', { hosts: ['private.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }),
  resource('ServiceEntry', 'egress/public', { hosts: ['public.example.com'], exportTo: ['*'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }),
);

/** The destination hosts completion offers to a VirtualService in `namespace`. */
function hostCompletions(namespace: string): string[] {
  const index = workspace({ 'mesh.yaml': MESH_CONFIG, 'entries.yaml': ENTRIES });
  const text =
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: x\n  namespace: ' +
    `${namespace}\nspec:\n  http:\n  - route:\n    - destination:\n        host: |\n`;
  const file = parseFile('file:///ws/new.yaml', text.replace('|', ''));
  index.setFile(file);
  return workspaceCompletions(file, text.indexOf('|'), { index, settings: DEFAULT_SETTINGS })
    .map((c) => c.label)
    .sort();
}

test("completion offers a ServiceEntry that the mesh config's defaultServiceExportTo keeps in its namespace only there", () => {
  assert.deepEqual(hostCompletions('shop'), ['public.example.com']);
  assert.deepEqual(hostCompletions('egress'), ['private.example.com', 'public.example.com']);
});

test("a Sidecar egress entry leads only to the ServiceEntries its workloads see under the mesh config's defaultServiceExportTo", () => {
  const sidecar = resource('Sidecar', 'shop/default', { egress: [{ hosts: ['egress/*'] }] });
  const index = workspace({ 'mesh.yaml': MESH_CONFIG, 'all.yaml': documents(ENTRIES, sidecar) });
  const file = index.file('file:///ws/all.yaml')!;
  const ctx = { index, settings: DEFAULT_SETTINGS };
  const site = siteAtOffset(file, file.text.indexOf('"egress/*"') + 'egress/*'.length, ctx);
  assert.equal(site?.kind, 'sidecar-host');
  assert.deepEqual(
    targetsOf(site, ctx).map((t) => t.label),
    ['ServiceEntry egress/public'],
  );
});

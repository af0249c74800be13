/**
 * Where a Sidecar egress entry leads (`targetsOf` in references.ts) agrees with what the diagnostics
 * say the sidecars import (mesh/sidecar-scope.ts, after pilot/pkg/model/sidecar.go
 * `convertIstioListenerToWrapper`, `selectServices` and `hostClassification.Matches`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../settings';
import { documents, resource, workspace } from '../mesh/test-workspace';
import { importsService, namespaceSidecar, sidecarScope } from '../mesh/sidecar-scope';
import { isVisibleIn } from '../mesh/export-defaults';
import type { WorkspaceIndex } from '../index/workspace-index';
import { siteAtOffset, targetsOf, whyUnresolved, type NavigationContext, type Site } from './references';

const se = (id: string, host: string, extra: Record<string, unknown> = {}) =>
  resource('ServiceEntry', id, { hosts: [host], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], ...extra });
const sidecar = (id: string, hosts: string[]) => resource('Sidecar', id, { egress: [{ hosts }] });

/** The Sidecar egress entry `entry` as written in `all.yaml`, with the context to resolve it. */
function entrySite(index: WorkspaceIndex, entry: string): { site: Site; ctx: NavigationContext } {
  const ctx = { index, settings: DEFAULT_SETTINGS };
  const file = index.file('file:///ws/all.yaml')!;
  const at = file.text.indexOf(JSON.stringify(entry));
  assert.ok(at >= 0, entry);
  const site = siteAtOffset(file, at + entry.length, ctx);
  assert.equal(site?.kind, 'sidecar-host', entry);
  return { site, ctx };
}

const targetLabels = (index: WorkspaceIndex, entry: string) => {
  const { site, ctx } = entrySite(index, entry);
  return targetsOf(site, ctx)
    .map((t) => t.label)
    .sort();
};

// hostClassification.Matches: an exact entry imports only that host; a wildcard on either side compares by SubsetOf.
for (const c of [
  { entry: 'egress/api.example.com', want: [] },
  { entry: 'egress/*.example.com', want: ['ServiceEntry egress/wild'] },
  { entry: 'egress/*', want: ['ServiceEntry egress/wild'] },
]) {
  test(`hostClassification.Matches: "${c.entry}" leads to ${c.want.join(', ') || 'nothing'}, as the sidecars import it`, () => {
    const index = workspace({ 'all.yaml': documents(se('egress/wild', '*.example.com'), sidecar('shop/default', [c.entry])) });
    assert.deepEqual(targetLabels(index, c.entry), c.want);
    // The diagnostics' answer for the same Sidecar and ServiceEntry.
    assert.equal(importsService(sidecarScope(index, 'shop'), 'egress', '*.example.com'), c.want.length > 0);
  });
}

test('an exact entry over a wildcard ServiceEntry says why it leads nowhere', () => {
  const index = workspace({ 'all.yaml': documents(se('egress/wild', '*.example.com'), sidecar('shop/default', ['egress/api.example.com'])) });
  const { site, ctx } = entrySite(index, 'egress/api.example.com');
  assert.equal(whyUnresolved(site, ctx), 'No ServiceEntry or Service in the workspace is imported by "egress/api.example.com".');
});

test('DefaultSidecarScopeForNamespace: the root Sidecar\'s "./*" leads to the services of each namespace that uses it', () => {
  const index = workspace({
    'all.yaml': documents(
      sidecar('istio-system/default', ['./*']),
      sidecar('team/default', ['*/*']),
      se('shop/api', 'api.shop.example'),
      se('team/own', 'own.team.example'),
      se('istio-system/root', 'root.example'),
    ),
  });
  // shop has no Sidecar of its own: `.` is shop there. team has its own Sidecar, so the root one never applies to it.
  assert.deepEqual(targetLabels(index, './*'), ['ServiceEntry istio-system/root', 'ServiceEntry shop/api']);
  assert.equal(namespaceSidecar(index, 'shop')?.namespace, 'istio-system');
  assert.equal(importsService(sidecarScope(index, 'shop'), 'shop', 'api.shop.example'), true);
  assert.equal(namespaceSidecar(index, 'team')?.namespace, 'team');
});

test('selectServices reads only the services exported to the workloads: a ServiceEntry kept to its own namespace is not imported', () => {
  const index = workspace({
    'all.yaml': documents(
      se('egress/private', 'private.example.com', { exportTo: ['.'] }),
      se('egress/public', 'public.example.com'),
      sidecar('shop/default', ['egress/*']),
    ),
  });
  assert.deepEqual(targetLabels(index, 'egress/*'), ['ServiceEntry egress/public']);
  const [priv] = index.ofKind('ServiceEntry').filter((r) => r.name === 'private');
  assert.equal(isVisibleIn(index, priv, 'shop'), false);
});

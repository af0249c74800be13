/**
 * Where a VirtualService's rules run, table-tested against the Istio functions they follow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { ruleSites, sidecarImportsVirtualService } from './visibility';
import { isVisibleIn } from './export-defaults';

const WORKSPACE = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec:
  egress: [{hosts: ["./*", "istio-system/*", "egress/*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: team-d}
spec:
  egress: [{hosts: ["./*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: narrow, namespace: team-e}
spec:
  egress: [{hosts: ["egress/api.example.com"]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: egress-gateway, namespace: egress}
spec:
  template:
    metadata:
      labels: {istio: egress-custom}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: egress-gateway, namespace: platform}
spec:
  selector: {istio: egress-custom}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: default-egress, namespace: istio-system}
spec:
  selector: {istio: egressgateway}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: egress}
spec:
  hosts: [api.example.com]
  exportTo: [".", team-a, team-d, team-e]
  gateways: [mesh, platform/egress-gateway, istio-system/default-egress, unknown]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: everywhere, namespace: egress}
spec:
  hosts: [www.example.com]
`;

function workspace() {
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///ws/all.yaml', WORKSPACE));
  const vs = (name: string) => index.ofKind('VirtualService').find((v) => v.name === name)!;
  return { index, vs };
}

// Follows pilot/pkg/model/sidecar.go: a namespace without its own Sidecar uses the root namespace's;
// egress hosts select VirtualServices by `namespace/host`, `.` being the sidecar's namespace.
for (const c of [
  { namespace: 'team-a', want: true },
  { namespace: 'team-d', want: false },
  { namespace: 'team-e', want: true },
  { namespace: 'egress', want: true },
]) {
  test(`SidecarScope: the sidecars of ${c.namespace} ${c.want ? 'import' : 'do not import'} egress/api`, () => {
    const { index, vs } = workspace();
    assert.equal(sidecarImportsVirtualService(index, c.namespace, vs('api')), c.want);
  });
}

// Mesh rules run where the VirtualService is exported and imported; gateway rules run in the
// namespace of the gateway's pods (push_context.go VirtualServicesForGateway(proxyNamespace, gateway)).
test('ruleSites: mesh rules in importing namespaces, gateway rules where the gateway pods run', () => {
  const { index, vs } = workspace();
  const sites = ruleSites(index, DEFAULT_SETTINGS, vs('api'), ['mesh', 'platform/egress-gateway', 'istio-system/default-egress', 'unknown']);
  assert.deepEqual(
    sites.map((s) => (s.via === 'mesh' ? `mesh:${s.namespace}` : `${s.ref}@${s.namespace}`)),
    ['mesh:egress', 'mesh:team-a', 'mesh:team-e', 'platform/egress-gateway@egress', 'istio-system/default-egress@istio-system'],
  );
  assert.deepEqual(
    ruleSites(index, DEFAULT_SETTINGS, vs('everywhere'), ['mesh']).map((s) => s.namespace),
    ['*'],
  );
});

// pilot/pkg/model/push_context.go IsServiceVisible: public, private to its own namespace, or named.
for (const c of [
  { exportTo: undefined, namespace: 'other', want: true },
  { exportTo: ['.'], namespace: 'egress', want: true },
  { exportTo: ['.'], namespace: 'other', want: false },
  { exportTo: ['team-a'], namespace: 'team-a', want: true },
  { exportTo: ['~'], namespace: 'egress', want: false },
]) {
  test(`IsServiceVisible: exportTo ${JSON.stringify(c.exportTo)} is ${c.want ? 'seen' : 'hidden'} from ${c.namespace}`, () => {
    const text =
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: ' +
      `egress}\nspec:\n  hosts: [a.example.com]\n${c.exportTo ? `  exportTo: ${JSON.stringify(c.exportTo)}\n` : ''}`;
    const index = new WorkspaceIndex();
    index.setFile(parseFile('file:///ws/se.yaml', text));
    const [se] = index.ofKind('ServiceEntry');
    assert.equal(isVisibleIn(index, se, c.namespace), c.want);
  });
}

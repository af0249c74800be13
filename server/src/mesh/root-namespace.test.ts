/**
 * The root namespace, table-tested against pkg/config/mesh/mesh.go `DefaultMeshConfig` (RootNamespace is
 * `constants.IstioSystemNamespace` unless the mesh config sets `rootNamespace`), read from an
 * IstioOperator's `spec.meshConfig` or from the `istio` ConfigMap's `mesh` key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workspace } from './test-workspace';
import { rootNamespace } from './root-namespace';

const operator = (root: string) =>
  'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: istio\n  namespace: ' +
  `istio-system\nspec:\n  meshConfig:\n    rootNamespace: ${root}\n`;
const configMap = (root: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n    rootNamespace: ${root}\n`;

for (const c of [
  { what: 'no mesh config: istio-system (DefaultMeshConfig)', files: {}, want: 'istio-system' },
  { what: "an IstioOperator's meshConfig.rootNamespace", files: { 'op.yaml': operator('mesh-root') }, want: 'mesh-root' },
  { what: "the istio ConfigMap's mesh rootNamespace", files: { 'cm.yaml': configMap('platform') }, want: 'platform' },
]) {
  test(`rootNamespace: ${c.what} is ${c.want}`, () => {
    assert.equal(rootNamespace(workspace(c.files as Record<string, string>)), c.want);
  });
}

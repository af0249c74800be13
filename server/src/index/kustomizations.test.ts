// Follows kustomize's namespace transformer (api/filters/namespace; kubectl.docs.kubernetes.io/references/kustomize/kustomization/namespace):
// `namespace:` replaces metadata.namespace of every namespaced resource the kustomization lists, and an outer kustomization transforms
// the output of the bases it lists, so its namespace wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KustomizationGraph, resolveEntry } from './kustomizations';
import { WorkspaceIndex, nameKey } from './workspace-index';
import { parseFile } from '../parse/parse';

test('kustomization entries resolve against the kustomization folder', () => {
  assert.equal(resolveEntry('file:///repo/base', 'vs.yaml'), 'file:///repo/base/vs.yaml');
  assert.equal(resolveEntry('file:///repo/base', './sub/vs.yaml'), 'file:///repo/base/sub/vs.yaml');
  assert.equal(resolveEntry('file:///repo/overlays/dev', '../../base/'), 'file:///repo/base');
  assert.equal(resolveEntry('file:///repo', '../../../x'), 'file:///x', 'never above the root');
  assert.equal(resolveEntry('file:///repo/a', '/abs/b.yaml'), 'file:///abs/b.yaml');
});

test('the outermost kustomization with a namespace wins through bases; one without a namespace keeps the inner one', () => {
  const g = new KustomizationGraph();
  g.set('file:///repo/base/kustomization.yaml', { namespace: 'base-ns', entries: ['vs.yaml'] });
  assert.deepEqual(g.namespaceOf('file:///repo/base/vs.yaml'), { namespace: 'base-ns', from: 'file:///repo/base/kustomization.yaml' });
  assert.equal(g.namespaceOf('file:///repo/base/other.yaml'), undefined, 'a file the kustomization does not list keeps its namespace');
  g.set('file:///repo/overlays/dev/kustomization.yaml', { namespace: 'dev', entries: ['../../base'] });
  assert.deepEqual(g.namespaceOf('file:///repo/base/vs.yaml'), { namespace: 'dev', from: 'file:///repo/overlays/dev/kustomization.yaml' });
  g.set('file:///repo/overlays/dev/kustomization.yaml', { entries: ['../../base'] });
  assert.deepEqual(g.namespaceOf('file:///repo/base/vs.yaml'), { namespace: 'base-ns', from: 'file:///repo/base/kustomization.yaml' });
  g.set('file:///repo/top/Kustomization', { namespace: 'top', entries: ['../overlays/dev'] });
  assert.deepEqual(g.namespaceOf('file:///repo/base/vs.yaml'), { namespace: 'top', from: 'file:///repo/top/Kustomization' }, 'three levels');
});

test('overlays that disagree: the nearest kustomization decides, as if applied on its own', () => {
  const g = new KustomizationGraph();
  g.set('file:///repo/base/kustomization.yaml', { entries: ['vs.yaml'] });
  g.set('file:///repo/dev/kustomization.yaml', { namespace: 'dev', entries: ['../base'] });
  g.set('file:///repo/prod/kustomization.yaml', { namespace: 'prod', entries: ['../base'] });
  assert.equal(g.namespaceOf('file:///repo/base/vs.yaml'), undefined);
  g.set('file:///repo/base/kustomization.yaml', { namespace: 'shared', entries: ['vs.yaml'] });
  assert.equal(g.namespaceOf('file:///repo/base/vs.yaml')?.namespace, 'shared');
  g.set('file:///repo/prod/kustomization.yaml', { namespace: 'dev', entries: ['../base'] });
  assert.equal(g.namespaceOf('file:///repo/base/vs.yaml')?.namespace, 'dev', 'overlays that agree');
});

test('a cycle of kustomizations listing each other ends', () => {
  const g = new KustomizationGraph();
  g.set('file:///repo/a/kustomization.yaml', { namespace: 'a', entries: ['../b', 'vs.yaml'] });
  g.set('file:///repo/b/kustomization.yaml', { namespace: 'b', entries: ['../a'] });
  assert.ok(['a', 'b'].includes(g.namespaceOf('file:///repo/a/vs.yaml')!.namespace));
});

const VS = (ns = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api${ns ? `\n  namespace: ${ns}` : ''}
spec:
  hosts: [api.example.com]
  http:
  - route:
    - destination: {host: api.example.com}
`;

test('the index files resources under their kustomization namespace, written namespaces included, cluster-scoped kinds excepted', () => {
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///repo/base/vs.yaml', VS('written')));
  index.setFile(parseFile('file:///repo/base/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n'));
  const change = index.setFile(
    parseFile('file:///repo/base/kustomization.yaml', 'namespace: shop\nresources:\n- vs.yaml\n- ns.yaml\n- https://github.com/x/y\n'),
  );
  assert.deepEqual(change.reindexed, ['file:///repo/base/vs.yaml'], 'the Namespace object is cluster-scoped');
  assert.ok(change.keys.has(nameKey('networking.istio.io', 'VirtualService', 'written', 'api')), 'readers of the old identity are told');
  assert.ok(change.keys.has(nameKey('networking.istio.io', 'VirtualService', 'shop', 'api')), 'readers of the new identity are told');
  const [vs] = index.find('networking.istio.io', 'VirtualService', 'shop', 'api');
  assert.equal(vs.namespaceFrom, 'file:///repo/base/kustomization.yaml');
  assert.equal(index.withHost('VirtualService', 'api.example.com')[0], vs);
  assert.equal(index.find('', 'Namespace', 'default', 'shop').length, 1);
  // A file set after the kustomization gets its namespace at once.
  index.setFile(parseFile('file:///repo/base/vs.yaml', VS()));
  assert.equal(index.find('networking.istio.io', 'VirtualService', 'shop', 'api').length, 1);
  // Removing the kustomization puts the resource back where its file says.
  const removed = index.removeFile('file:///repo/base/kustomization.yaml');
  assert.deepEqual(removed.reindexed, ['file:///repo/base/vs.yaml']);
  const [back] = index.find('networking.istio.io', 'VirtualService', 'default', 'api');
  assert.equal(back.namespaceExplicit, false);
  assert.equal(back.namespaceFrom, undefined);
});

test('a kustomization file is parsed by its name, holds no Istio resource and is not owned', () => {
  for (const uri of ['file:///r/kustomization.yaml', 'file:///r/kustomization.yml', 'file:///r/Kustomization']) {
    const file = parseFile(uri, 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: team-a\nbases: [../base]\ncomponents: [../c]\n');
    assert.deepEqual(file.kustomization, { namespace: 'team-a', entries: ['../base', '../c'] });
    assert.equal(file.owned, false);
  }
  assert.equal(parseFile('file:///r/other.yaml', 'namespace: team-a\nresources: [a.yaml]\n').kustomization, undefined);
});

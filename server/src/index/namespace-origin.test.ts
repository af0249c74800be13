import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from './workspace-index';
import { parseFile } from '../parse/parse';
import { inNamespace, namespaceOrigin, namespaceOriginsNote, qualifiedName } from './namespace-origin';

const SE = (name: string, ns?: string) =>
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  `${name}${ns ? `\n  namespace: ${ns}` : ''}\nspec:\n  hosts: [${name}.example.com]\n`;

test('a namespace is named with where it comes from: written, assumed, or set by a kustomization', () => {
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///repo/a/written.yaml', SE('written', 'shop')));
  index.setFile(parseFile('file:///repo/a/assumed.yaml', SE('assumed')));
  index.setFile(parseFile('file:///repo/team/se.yaml', SE('kustomized', 'shop')));
  index.setFile(parseFile('file:///repo/team/kustomization.yaml', 'namespace: team-a\nresources: [se.yaml]\n'));
  const [written] = index.file('file:///repo/a/written.yaml')!.resources;
  const [assumed] = index.file('file:///repo/a/assumed.yaml')!.resources;
  const [kustomized] = index.file('file:///repo/team/se.yaml')!.resources;
  assert.equal(inNamespace(written), 'namespace "shop"');
  assert.equal(inNamespace(assumed), 'namespace "default" (assumed: metadata.namespace is not set)');
  assert.equal(inNamespace(kustomized), 'namespace "team-a" (from kustomization.yaml)');
  assert.equal(namespaceOrigin(kustomized, 'file:///repo/a/vs.yaml'), ' (from ../team/kustomization.yaml)', 'relative to the file the message is shown in');
  assert.equal(qualifiedName(assumed), 'default/assumed (assumed: metadata.namespace is not set)');
  assert.equal(
    namespaceOriginsNote([written, assumed, kustomized, assumed], 'file:///repo/a/vs.yaml'),
    ' Namespace "default" is assumed where metadata.namespace is not set. Namespace "team-a" is from ../team/kustomization.yaml.',
  );
  assert.equal(namespaceOriginsNote([written], 'file:///repo/a/vs.yaml'), '');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meshPartition } from './meshes';

const root = 'file:///repo';

test('no globs: one mesh, nothing to split', () => {
  assert.equal(meshPartition([], [root]), undefined);
  assert.equal(meshPartition(['  '], [root]), undefined);
});

test('each folder a glob matches is its own mesh; files outside every match are shared', () => {
  const meshOf = meshPartition(['clusters/*', 'envs/*/'], [root])!;
  assert.equal(meshOf(`${root}/clusters/east/istio/gw.yaml`), `${root}/clusters/east`);
  assert.equal(meshOf(`${root}/clusters/west/vs.yaml`), `${root}/clusters/west`);
  assert.equal(meshOf(`${root}/envs/prod/vs.yaml`), `${root}/envs/prod`);
  assert.equal(meshOf(`${root}/base/vs.yaml`), undefined);
  assert.equal(meshOf(`${root}/clusters/readme.yaml`), `${root}/clusters/readme.yaml`, 'a file directly under clusters/ matches clusters/* too');
  assert.equal(meshOf('file:///elsewhere/clusters/east/vs.yaml'), undefined, 'outside the workspace folders');
});

test('the shortest matching prefix names the mesh, so ** does not make every file a mesh of its own', () => {
  const meshOf = meshPartition(['samples/**', 'samples/*/b'], [root])!;
  assert.equal(meshOf(`${root}/samples/a/b/vs.yaml`), `${root}/samples`);
  assert.equal(meshOf(`${root}/samples/c/gw.yaml`), `${root}/samples`);
});

test('a glob may match single files, each then a mesh', () => {
  const meshOf = meshPartition(['wip/*.yaml'], [root])!;
  assert.equal(meshOf(`${root}/wip/one.yaml`), `${root}/wip/one.yaml`);
  assert.equal(meshOf(`${root}/wip/two.yaml`), `${root}/wip/two.yaml`);
});

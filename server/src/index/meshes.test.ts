import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meshPartition, meshesMeet } from './meshes';

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
  assert.equal(meshOf(`${root}/clusters/shared.yaml`), undefined, 'globs without a file extension match folders only');
  assert.equal(meshOf('file:///elsewhere/clusters/east/vs.yaml'), undefined, 'outside the workspace folders');
});

test('the longest matching prefix names the mesh, so meshes nest', () => {
  const meshOf = meshPartition(['apps', 'apps/*'], [root])!;
  assert.equal(meshOf(`${root}/apps/shop/vs.yaml`), `${root}/apps/shop`);
  assert.equal(meshOf(`${root}/apps/gw.yaml`), `${root}/apps`);
  assert.ok(meshesMeet(meshOf(`${root}/apps/gw.yaml`), meshOf(`${root}/apps/shop/vs.yaml`)), 'a file shared inside apps/ is part of the apps/shop mesh');
  assert.ok(!meshesMeet(meshOf(`${root}/apps/shop/vs.yaml`), meshOf(`${root}/apps/cart/vs.yaml`)));
  assert.ok(!meshesMeet(`${root}/apps`, `${root}/apps-old`), 'a name prefix is not a folder prefix');
  assert.ok(meshesMeet(undefined, `${root}/apps/shop`));
});

test('a glob may match single files, each then a mesh', () => {
  const meshOf = meshPartition(['wip/*.yaml', 'wip'], [root])!;
  assert.equal(meshOf(`${root}/wip/one.yaml`), `${root}/wip/one.yaml`);
  assert.equal(meshOf(`${root}/wip/old/three.yaml`), `${root}/wip`);
  assert.equal(meshOf(`${root}/wip/two.yaml`), `${root}/wip/two.yaml`);
});

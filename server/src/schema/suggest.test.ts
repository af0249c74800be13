/** Did-you-mean ranking: the suggestions users are offered, and when they are offered none. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestMatch, editDistance, toCamelCase } from './suggest';

test('edit distance counts adjacent transpositions as one edit', () => {
  assert.equal(editDistance('sniHost', 'sniHosts'), 1);
  assert.equal(editDistance('hsots', 'hosts'), 1);
  assert.equal(editDistance('REGISTER_ONLY', 'REGISTRY_ONLY'), 2);
  assert.equal(editDistance('', 'abc'), 3);
});

test('closest match: snake_case, case slips, typos, and no guess when tied or far', () => {
  assert.equal(toCamelCase('sni_hosts'), 'sniHosts');
  assert.equal(closestMatch('sni_hosts', ['port', 'sniHosts']), 'sniHosts');
  assert.equal(closestMatch('SNIHOSTS', ['port', 'sniHosts']), 'sniHosts');
  assert.equal(closestMatch('MESH_EXTENAL', ['MESH_EXTERNAL', 'MESH_INTERNAL']), 'MESH_EXTERNAL');
  assert.equal(closestMatch('ServiceEntri', ['Gateway', 'ServiceEntry', 'Sidecar']), 'ServiceEntry');
  assert.equal(closestMatch('v2', ['v1', 'v1alpha3', 'v1beta1']), 'v1');
  assert.equal(closestMatch('TLSV1_9', ['TLSV1_0', 'TLSV1_1', 'TLSV1_2']), undefined);
  assert.equal(closestMatch('completelyDifferent', ['hosts', 'ports']), undefined);
  assert.equal(closestMatch('hosts', ['hosts']), undefined);
});

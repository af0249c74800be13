import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from './parse';
import { isPlaceholder, placeholderOf } from './placeholders';

for (const [value, want] of [
  ['$STUDENT_NS.sentences.example.com', true],
  ['name.${NS}.svc.cluster.local', true],
  ['jupyter-web-app-service.$(JWA_NAMESPACE).svc.cluster.local', true],
  ['${RATINGS_V1_POD_IP}', true],
  ['centraldashboard.CD_NAMESPACE_PLACEHOLDER.svc.cluster.local', true],
  ['DEX_SERVICE.auth.svc.cluster.local', true],
  ['BACKEND', false],
  ['reviews.default.svc.cluster.local', false],
  ['*.example.com', false],
  ['istio-system/EGRESS', false],
] as const) {
  test(`"${value}" is ${want ? '' : 'not '}a placeholder`, () => assert.equal(isPlaceholder(value), want));
}

test('placeholders are looked for in names, hosts and gateway references, not in other fields', () => {
  const file = parseFile(
    'file:///ws/vs.yaml',
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\nspec:\n  hosts: ' +
      '[web]\n  http:\n  - match:\n    - uri: {regex: "^/api$"}\n    route:\n    - destination:\n        host: ' +
      'web.$(NS).svc.cluster.local\n',
  );
  assert.deepEqual(placeholderOf(file.resources[0]), { value: 'web.$(NS).svc.cluster.local', path: ['spec', 'http', 0, 'route', 0, 'destination', 'host'] });
  const plain = parseFile(
    'file:///ws/vs.yaml',
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\nspec:\n  hosts: ' +
      '[web]\n  http:\n  - match:\n    - uri: {regex: "^/api$"}\n',
  );
  assert.equal(placeholderOf(plain.resources[0]), undefined);
});

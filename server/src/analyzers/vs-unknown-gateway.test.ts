import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsUnknownGateway } from './vs-unknown-gateway';
import { checkFixture } from './fixture-harness';
import { parseFile } from '../parse/parse';

test('vs-unknown-gateway: an egress gateway in istio-system named by its short name, or misspelt, is corrected', () => {
  const findings = checkFixture(vsUnknownGateway, 'egress-layouts');
  const wrongNamespace = findings[0];
  assert.equal(
    wrongNamespace.message,
    'No Gateway "istio-egressgateway" in namespace "default" (assumed: metadata.namespace is not set); ' +
      'it exists in "istio-system": write "istio-system/istio-egressgateway".',
  );
  assert.equal(wrongNamespace.related?.[0].message, 'Gateway "istio-egressgateway" in namespace "istio-system"');
  assert.equal(wrongNamespace.related?.[0].uri, 'file:///ws/egress-gateway.yaml');
  assert.ok(
    findings.some((f) => f.message.startsWith('No Gateway "istio-egresgateway" in namespace "istio-system"; did you mean "istio-system/istio-egressgateway"?')),
  );
});

test('vs-unknown-gateway: the docs layout (Gateway and VirtualService in default) is clean; a copy in another namespace is qualified', () => {
  checkFixture(vsUnknownGateway, 'docs-layout');
});

test('vs-unknown-gateway: a Gateway API Gateway does not count, and an unknown name gets no guess', () => {
  const [kubernetes, unknown] = checkFixture(vsUnknownGateway, 'no-fix');
  assert.match(kubernetes.message, /is a Kubernetes Gateway API Gateway, and a VirtualService binds only to Istio Gateways/);
  assert.equal(
    unknown.message,
    'No Gateway "corporate-proxy" in namespace "default" (assumed: metadata.namespace is not set): ' +
      'these rules apply on no gateway. Define the Gateway, or name an existing one.',
  );
  const file = parseFile('file:///ws/vs.yaml', '');
  for (const f of [kubernetes, unknown]) assert.deepEqual(vsUnknownGateway.fix!(f.data as never, { file, span: f }), []);
});

test('vs-unknown-gateway: a name that exists in two other namespaces gets no guess', () => {
  const [finding] = checkFixture(vsUnknownGateway, 'ambiguous');
  assert.match(finding.message, /it exists in "egress-team", "istio-system": write "<namespace>\/egress" for the one you mean\./);
  assert.equal(finding.related?.length, 2);
});

test('vs-unknown-gateway: a namespace that is not written is named as assumed, for the VirtualService and for the Gateway found elsewhere', () => {
  const findings = checkFixture(vsUnknownGateway, 'namespace-not-written');
  const messages = findings.map((f) => f.message);
  assert.ok(
    messages.some((m) =>
      m.startsWith(
        'No Gateway "kubeflow-gateway" in namespace "kubeflow"; it exists in "default" as far as its file says, ' +
          'which writes no namespace (kubectl -n or a kustomization may put it in "kubeflow")',
      ),
    ),
  );
  assert.ok(messages.some((m) => m.startsWith('No Gateway "ratings-gateway" in namespace "default" (assumed: metadata.namespace is not set)')));
  assert.ok(
    messages.some((m) => m.startsWith('No Gateway "reviews-gateway" in namespace "shop"; it exists in "bookinfo": write "bookinfo/reviews-gateway".')),
    'a written namespace is a fact',
  );
});

test('vs-unknown-gateway: namespaces set by kustomizations count, outer over inner and over the written one, and the message says which set them', () => {
  const [finding] = checkFixture(vsUnknownGateway, 'kustomized');
  assert.equal(
    finding.message,
    'No Gateway "kubeflow-gateway" in namespace "kubeflow-user" (from overlay/kustomization.yaml); ' +
      'it exists in "kubeflow" (from ../../common/kustomization.yaml): write "kubeflow/kubeflow-gateway".',
  );
  assert.equal(finding.related?.[0].message, 'Gateway "kubeflow-gateway" in namespace "kubeflow" (from ../../common/kustomization.yaml)');
});

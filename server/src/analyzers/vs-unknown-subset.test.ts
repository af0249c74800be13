import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsUnknownSubset } from './vs-unknown-subset';
import { checkFixture } from './fixture-harness';

test('vs-unknown-subset: the label-less egress subset is accepted; a misspelt one is renamed (the DestinationRule is in another file)', () => {
  const [finding] = checkFixture(vsUnknownSubset, 'egress-gateway');
  assert.equal(
    finding.message,
    'Subset "ccn" is not defined for host "istio-egressgateway.istio-system.svc.cluster.local": ' +
      'DestinationRule "default/egressgateway-for-cnn" defines only "cnn". ' +
      'Namespace "default" is assumed where metadata.namespace is not set. Requests on this route fail with 503. ' +
      'Did you mean "cnn"?',
  );
  assert.equal(finding.related?.[0].uri, 'file:///ws/02-gateway-destinationrule.yaml');
});

test('vs-unknown-subset: a subset is added to the DestinationRule in the same file, creating `subsets` when needed', () => {
  checkFixture(vsUnknownSubset, 'same-file');
});

test('vs-unknown-subset: with no visible DestinationRule, one is created in the apiVersion of the VirtualService', () => {
  const [finding] = checkFixture(vsUnknownSubset, 'no-destination-rule');
  assert.match(finding.message, /^No DestinationRule for host "istio-egressgateway.istio-system.svc.cluster.local" is visible from namespace "default"/);
});

test('vs-unknown-subset: a DestinationRule that writes no namespace and a short host counts for that name in any namespace', () => {
  const findings = checkFixture(vsUnknownSubset, 'namespace-not-written');
  assert.equal(findings.length, 2);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsDuplicateMeshHost } from './vs-duplicate-mesh-host';
import { checkFixture } from './fixture-harness';

test('vs-duplicate-mesh-host: two mesh VirtualServices for one host; gateway-only, private and short-name cases stay silent', () => {
  const findings = checkFixture(vsDuplicateMeshHost, 'duplicates');
  assert.ok(findings.every((f) => f.related?.length === 1));
});

test(
  'vs-duplicate-mesh-host: revisions of one VirtualService (same namespace and name, several files) ' +
    'are alternatives, never duplicates; another object meets one of them',
  () => {
    const findings = checkFixture(vsDuplicateMeshHost, 'revisions');
    assert.equal(findings.length, 3);
    for (const f of findings) assert.doesNotMatch(f.message, /"reviews" \(default\), "reviews" \(default\)/, 'the revisions count once');
    assert.ok(findings.filter((f) => /^VirtualService "reviews-fault"/.test(f.message)).length === 2, 'each revision names only the other object');
  },
);

test(
  'vs-duplicate-mesh-host: a kustomization namespace decides who meets whom; ' +
    'the message says where namespaces came from and how to split steps applied one at a time',
  () => {
    const findings = checkFixture(vsDuplicateMeshHost, 'kustomized');
    const step1 = findings.find((f) => f.message.startsWith('VirtualService "reviews-v2"'));
    assert.equal(
      step1?.message,
      'VirtualService "reviews-v2" (default, in step2.yaml) also defines reviews.shop.svc.cluster.local for the ' +
        'mesh: sidecars use only one of them, and which one is undefined. ' +
        'Merge them into one VirtualService for the host. Namespace "default" is assumed where metadata.namespace is ' +
        "not set. If the files are alternatives applied one at a time (a tutorial's steps), " +
        'make each its own mesh with istioEgress.clusters, whose globs may name files (`steps/*.yaml`).',
    );
    assert.equal(
      step1?.related?.[0].message,
      'VirtualService "reviews-v2" (default (assumed: metadata.namespace is not set)) also defines reviews.shop.svc.cluster.local for the mesh',
    );
  },
);

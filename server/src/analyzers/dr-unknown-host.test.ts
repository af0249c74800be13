import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drUnknownHost } from './dr-unknown-host';
import { checkFixture } from './fixture-harness';

test('dr-unknown-host: egress, wildcard, mesh-wide and Gateway API rules stay silent; misspelt hosts are corrected', () => {
  const [cnn, nginx] = checkFixture(drUnknownHost, 'egress');
  assert.equal(
    cnn.message,
    'No ServiceEntry or Service visible from namespace "default" (assumed: ' +
      'metadata.namespace is not set) defines host "edition.cnn.co", so this DestinationRule applies to nothing. ' +
      'Did you mean "edition.cnn.com"?',
  );
  assert.equal(cnn.severity, 'warning');
  assert.equal(cnn.related?.[0].message, 'ServiceEntry for "edition.cnn.com"');
  assert.match(nginx.message, /Did you mean "my-nginx.mesh-external.svc.cluster.local"\?$/);
});

test('dr-unknown-host: a host defined but not exported, an unknown host and an uncovered wildcard', () => {
  const [hidden, unknown, wildcard] = checkFixture(drUnknownHost, 'no-fix');
  assert.match(hidden.message, /Service "my-nginx" in namespace "mesh-external" defines it, but is exported only to "\."\.$/);
  assert.equal(hidden.related?.[0].message, 'Service for this host, not exported to "default" (assumed: metadata.namespace is not set)');
  assert.match(unknown.message, /Check the host, or add a ServiceEntry for it\.$/);
  assert.match(wildcard.message, /defines host "\*\.example\.org"/);
});

test(
  "dr-unknown-host: a rule in the host's or the root namespace serves clients that see the host; " +
    'one in a third namespace serves nobody (push_context.go destinationRule)',
  () => {
    const [stray, billing] = checkFixture(drUnknownHost, 'namespaces');
    assert.equal(
      stray.message,
      'This DestinationRule applies to nothing: namespace "shop" sees host "stray.example.com", ' +
        'but a proxy takes DestinationRules only from its own namespace, the host\'s namespace "egress", ' +
        'then the root namespace "mesh-root", and this one is in "team-x" ("shop" uses none). ' +
        "Move it to the host's namespace or to the client namespace.",
    );
    assert.match(billing.message, /\("shop" uses egress\/billing\)/);
  },
);

test(
  "dr-unknown-host: the mesh config's defaultServiceExportTo hides a ServiceEntry without exportTo from other " +
    'namespaces (push_context.go initDefaultExportMaps)',
  () => {
    const [hidden] = checkFixture(drUnknownHost, 'mesh-default-export');
    assert.match(
      hidden.message,
      /ServiceEntry "private-by-default" in namespace "egress" defines it, but is exported only to "\." \(the mesh config's defaultServiceExportTo\)\.$/,
    );
  },
);

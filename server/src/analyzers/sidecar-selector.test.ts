import { test } from 'node:test';
import { sidecarSelector } from './sidecar-selector';
import { checkFixture } from './fixture-harness';

test('sidecar-selector: two namespace-wide Sidecars, overlapping selectors, a selector matching no declared workload, an ambient namespace', () => {
  checkFixture(sidecarSelector, 'namespaces');
});

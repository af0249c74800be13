import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySelectorNoWorkload } from './gateway-selector-no-workload';
import { checkFixture } from './fixture-harness';
import { DEFAULT_SETTINGS } from '../settings';

test('gateway-selector-no-workload: selectors matching no declared workload; a one-label typo is fixed', () => {
  const findings = checkFixture(gatewaySelectorNoWorkload, 'typo');
  assert.ok(findings.every((f) => f.message.includes('istio=corp-egressgateway')));
});

test('gateway-selector-no-workload: a selector naming a gateway nobody deployed, with no fix', () => {
  const [finding] = checkFixture(gatewaySelectorNoWorkload, 'unknown-gateway');
  assert.match(finding.message, /istio=corp-egress, app=corp-egress.*app=istio-egressgateway, istio=egressgateway/);
});

test('gateway-selector-no-workload: the egress gateway selector from the settings is assumed', () => {
  checkFixture(gatewaySelectorNoWorkload, 'custom-selector', {
    ...DEFAULT_SETTINGS,
    egressGateway: { host: 'corp-egress.egress.svc.cluster.local', selector: { istio: 'corp-egress' } },
  });
});

test('gateway-selector-no-workload: silent when the workspace declares no gateway workload', () => {
  checkFixture(gatewaySelectorNoWorkload, 'no-gateway-workloads');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { istioApiRemoved } from './istio-api-removed';
import { checkFixture } from './fixture-harness';

test(
  'istio-api-removed: authentication, rbac and Mixer config APIs are named with the release that removed them ' +
    'and what replaced them; current APIs stay silent',
  () => {
    const [policy, rule, role] = checkFixture(istioApiRemoved, 'old-apis');
    assert.match(
      policy.message,
      /^authentication.istio.io\/v1alpha1 Policy was removed in Istio 1.6: .*no matches for kind "Policy".* Use security.istio.io PeerAuthentication/,
    );
    assert.match(rule.message, /config.istio.io\/v1alpha2 rule was removed in Istio 1.8: .*Telemetry API/);
    assert.match(role.message, /rbac.istio.io\/v1alpha1 ServiceRole was removed in Istio 1.6: .*AuthorizationPolicy/);
  },
);

import { test } from 'node:test';
import { sidecarInvalid } from './sidecar-invalid';
import { checkFixture } from './fixture-harness';

test('sidecar-invalid: each Istio Sidecar rule the CRD schema misses, and valid Sidecars stay silent', () => {
  checkFixture(sidecarInvalid, 'rules');
});

test('sidecar-invalid: an egress host without a namespace is fixed to "*/host", keeping quotes and comments', () => {
  checkFixture(sidecarInvalid, 'namespace-missing');
});

// Follows Istio 1.31 pkg/config/validation/agent/validation.go ValidateNamespaceSlashWildcardHostname
// (a sidecar host's namespace may carry one "~" prefix) and pkg/config/validation/validation.go
// ValidateSidecar (entries with a "~" namespace are left out of the duplicate and "*/*" checks);
// validation_test.go "import all except a namespace", "exclude with invalid namespace".
test('sidecar-invalid: "~ns/host" exclusions are accepted and take no part in the duplicate checks; a bad namespace after "~" is not', () => {
  checkFixture(sidecarInvalid, 'exclusions');
});

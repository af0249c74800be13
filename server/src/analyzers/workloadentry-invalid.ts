/**
 * A WorkloadEntry breaks one of Istio's own validation rules that the CRD schema does not express:
 * Istio's admission webhook rejects it (errors) or admits it with a warning; `istioctl analyze`
 * reports IST0106 and IST0133. Each finding's `rule` says which check failed:
 *
 * - `dry-run-annotation`, `internal-annotation`: annotations Istio rejects on every kind but
 *   AuthorizationPolicy;
 * - `address-invalid`: an address that is neither an IP, a host name nor a `unix://` socket;
 * - `address-network` (warning): no address, only a `network`, so the workload is reached through
 *   that network's gateway;
 * - `labels-invalid`: labels that are not valid Kubernetes labels, so no selector can match them.
 *
 * A missing address, unix socket paths and port names and numbers are the CRD's own checks.
 */
import type { Analyzer } from './analyzer';
import { ISTIO_NETWORKING } from '../parse/resource';
import { RuleHits, text, type RuleState } from './rules/rule-hits';
import { checkLabels, istio, checkMetadata } from './rules/istio-rules';
import { fqdnProblem, isIpAddress } from '../validation/istio-names';

export const workloadentryInvalid: Analyzer<RuleState> = {
  code: 'workloadentry-invalid',
  severity: 'error',
  appliesTo: ['WorkloadEntry'],
  reads: [],
  *check(r) {
    if (r.group !== ISTIO_NETWORKING) return;
    const s = r.spec;
    const h = new RuleHits(r);
    checkMetadata(h, r);
    const address = typeof s.address === 'string' ? s.address : '';
    if (address === '' && text(s.network)) {
      h.warning(
        ['spec', 'network'],
        'address-network',
        `This WorkloadEntry has no address, only network "${s.network}": it is reached through that network's gateway.${istio(`address is unset with network "${s.network}"`)}`,
        'key',
      );
    } else if (address !== '' && !address.startsWith('unix://') && !isIpAddress(address) && fqdnProblem(address)) {
      h.error(
        ['spec', 'address'],
        'address-invalid',
        `Address "${address}" is neither an IP nor a valid host name.${istio(`endpoint address "${address}" is not a valid FQDN or an IP address`)}`,
      );
    }
    checkLabels(h, ['spec', 'labels'], s.labels);
    yield* h.hits;
  },
  message: (s) => s.text,
  ruleOf: (s) => s.rule,
};

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
import { istioNetworking, type Analyzer } from './analyzer';
import { RuleHits, text, ruleMessage, ruleMessages, type RuleState } from './rules/rule-hits';
import { checkLabels, istio, checkMetadata, SHARED_RULE_MESSAGES } from './rules/istio-rules';
import { fqdnProblem, isIpAddress } from '../validation/istio-names';

export const workloadentryInvalid: Analyzer<RuleState> = {
  code: 'workloadentry-invalid',
  severity: 'error',
  appliesTo: istioNetworking('WorkloadEntry'),
  reads: [],
  *check(r) {
    const s = r.spec;
    const h = new RuleHits<Messages>(r);
    checkMetadata(h, r);
    const address = typeof s.address === 'string' ? s.address : '';
    if (address === '' && text(s.network)) {
      h.warning(['spec', 'network'], 'address-network', { network: String(s.network) }, 'key');
    } else if (address !== '' && !address.startsWith('unix://') && !isIpAddress(address) && fqdnProblem(address)) {
      h.error(['spec', 'address'], 'address-invalid', { address });
    }
    checkLabels(h, ['spec', 'labels'], s.labels);
    yield* h.hits;
  },
  message: (s) => ruleMessage(MESSAGES, s),
  ruleOf: (s) => s.rule,
  get rules() {
    return Object.keys(MESSAGES);
  },
};

/** The message of each rule, rendered from the arguments its check recorded. */
const MESSAGES = ruleMessages(SHARED_RULE_MESSAGES, {
  'address-network': (a: { network: string }) =>
    `This WorkloadEntry has no address, only network "${a.network}": it is reached through that network's gateway.` +
    `${istio(`address is unset with network "${a.network}"`)}`,
  'address-invalid': (a: { address: string }) =>
    `Address "${a.address}" is neither an IP nor a valid host name.${istio(`endpoint address "${a.address}" is not a valid FQDN or an IP address`)}`,
});

type Messages = typeof MESSAGES;

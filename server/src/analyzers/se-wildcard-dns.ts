/**
 * A ServiceEntry with a wildcard host (`*.example.com`) and `resolution: DNS` or `DNS_ROUND_ROBIN`
 * cannot work: the proxy would have to look up the name `*.example.com` in DNS, which no server answers.
 * Istio's validation rejects it when the ServiceEntry lists no endpoints, and its docs say it plainly:
 * "the DNS resolution cannot be used for wildcard hosts".
 * Use `resolution: NONE` (the default, so you can also leave it out): the proxy then forwards to the
 * address the application resolved itself.
 * The quick fix sets `resolution: NONE`.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { spanAtPath } from '../parse/yaml-path';
import { isWildcard } from '../mesh/hosts';
import { replaceScalar } from '../edits/yaml-edits';

interface State {
  host: string;
  resolution: string;
}

const DNS_RESOLUTIONS = new Set(['DNS', 'DNS_ROUND_ROBIN']);

export const seWildcardDns: Analyzer<State> = {
  code: 'se-wildcard-dns',
  severity: 'error',
  appliesTo: istioNetworking('ServiceEntry'),
  reads: [],
  *check(se) {
    const resolution = typeof se.spec.resolution === 'string' ? se.spec.resolution : '';
    if (!DNS_RESOLUTIONS.has(resolution)) return;
    // With endpoints, the proxy resolves the endpoint addresses, not the hosts.
    if (Array.isArray(se.spec.endpoints) && se.spec.endpoints.length > 0) return;
    const hosts: unknown[] = Array.isArray(se.spec.hosts) ? se.spec.hosts : [];
    const host = hosts.find((h): h is string => typeof h === 'string' && isWildcard(h.trim()));
    if (!host) return;
    const span = spanAtPath(se.document.ast, ['spec', 'resolution']);
    if (span) yield { ...span, state: { host, resolution } };
  },
  message: (s) =>
    `"${s.host}" is a wildcard host, and resolution ${s.resolution} cannot look a wildcard up in DNS, ` +
    'so Istio rejects this ServiceEntry. Use resolution NONE (the default): ' +
    'the proxy then forwards to the address the application resolved.',
  fix: (_s, { file, span }) => [{ title: 'Set resolution: NONE', isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, 'NONE')] }],
};

/**
 * One match of a VirtualService rule never applies, because an earlier match already takes the same
 * requests: an identical match, or an HTTP URI prefix that covers this one on the same port, method,
 * authority, headers and query parameters (`/api` before `/api/v1`). The rest of the rule still works,
 * so this is advice: order more specific matches first, or drop the redundant one. Istio's validation
 * reports this as a warning, and `istioctl analyze` as IST0131 (information).
 */
import { spanAtPath } from '../parse/yaml-path';
import { istioNetworking, type Analyzer } from './analyzer';
import { analyzeReachability, type RouteKind } from '../validation/vs-rules';

interface State {
  kind: RouteKind;
  rule: string;
  match: string;
  earlier: string;
  sameRule: boolean;
  prefix?: string;
}

export const vsIneffectiveMatch: Analyzer<State> = {
  code: 'vs-ineffective-match',
  severity: 'information',
  appliesTo: istioNetworking('VirtualService'),
  reads: [],
  *check(r) {
    for (const m of analyzeReachability(r.spec).ineffective) {
      const span = spanAtPath(r.document.ast, ['spec', m.kind, m.index, 'match', m.matchIndex], 'value', true);
      if (!span) continue;
      const state: State = { kind: m.kind, rule: m.label, match: m.matchLabel, earlier: m.earlierLabel, sameRule: m.earlier === m.index };
      if (m.prefix !== undefined) state.prefix = m.prefix;
      yield { ...span, state };
    }
  },
  message: (s) => {
    const where = s.sameRule ? 'an earlier match of this rule' : `${s.kind} rule ${s.earlier}`;
    const what = s.prefix !== undefined ? `the URI prefix "${s.prefix}" in ${where} already covers it` : `${where} has the same match`;
    return (
      `Match ${s.match} of ${s.kind} rule ${s.rule} never applies: ${what}. ` +
      `Put the more specific match first, or remove this one. (Istio: "VirtualService rule ${s.rule} match ` +
      `${s.match} is not used (duplicate/overlapping match in rule ${s.earlier})")`
    );
  },
};

/**
 * A VirtualService rule can never be used: an earlier rule without `match` already takes all traffic
 * (only the last rule may omit `match`), or every match the rule lists repeats one of an earlier rule.
 * Requests never reach it, so its route, retries or faults silently do nothing; for egress this often
 * means traffic keeps going direct when a later rule was meant to send it through the egress gateway.
 * Move the catch-all rule last, or merge the duplicate matches. Istio's validation reports this as a
 * warning, and `istioctl analyze` as IST0130.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { nodeAtPath, spanAtPath } from '../parse/yaml-path';
import { analyzeReachability, type RouteKind, type UnreachableRule } from '../validation/vs-rules';

interface State {
  kind: RouteKind;
  rule: string;
  reason: UnreachableRule['reason'];
  catchAll?: string;
}

export const vsUnreachableRule: Analyzer<State> = {
  code: 'vs-unreachable-rule',
  severity: 'warning',
  appliesTo: istioNetworking('VirtualService'),
  reads: [],
  *check(r) {
    for (const u of analyzeReachability(r.spec).unreachable) {
      const ast = r.document.ast;
      const hasMatch = nodeAtPath(ast, ['spec', u.kind, u.index, 'match']) !== undefined;
      const span = spanAtPath(ast, hasMatch ? ['spec', u.kind, u.index, 'match'] : ['spec', u.kind, u.index], hasMatch ? 'key' : 'value', true);
      if (!span) continue;
      const state: State = { kind: u.kind, rule: u.label, reason: u.reason };
      if (u.catchAll !== undefined) state.catchAll = `#${u.catchAll}`;
      yield { ...span, state };
    }
  },
  message: (s) => {
    const why =
      s.reason === 'all matches used by prior rules'
        ? 'every match it lists is already matched by an earlier rule, which takes those requests'
        : `${s.kind} rule ${s.catchAll} before it has no match, so it takes all remaining traffic; ` +
          'only the last rule may omit match (move the catch-all rule last)';
    return `This ${s.kind} rule (${s.rule}) is never used: ${why}. (Istio: "VirtualService rule ${s.rule} not used (${s.reason})")`;
  },
};

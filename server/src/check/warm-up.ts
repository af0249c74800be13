/**
 * WarmUp: the first check of each Istio kind reads its schema, loads its validator and parses its CEL
 * rules, which takes tens of milliseconds in one piece before the code is warm. Background work that
 * checks documents (the start-up scan's check-ahead, the server's re-checks) asks `step` before a
 * document and, while it says a step was taken, lets messages through between steps, so that a
 * completion or hover never waits for all of that at once. Steps only fill caches: the findings are
 * those of a check without them.
 */
import type { FaultReport } from '../model';
import type { Resource } from '../parse/resource';
import type { SchemaStore } from '../schema/catalogue';
import { warmUpSteps } from '../schema/validate';

export class WarmUp {
  /** Steps left by kind (group/version/kind); an empty list once the kind is warm. */
  private readonly steps = new Map<string, (() => void)[]>();

  constructor(
    private readonly store: () => SchemaStore,
    /** Where a precompiled validator that fails to load is reported, as the checker reports it on first use. */
    private readonly onError?: (fault: FaultReport) => void,
  ) {}

  /** Takes one step towards checking `r`; false when its kind needs none (check it now). */
  step(r: Resource): boolean {
    if (!r.group.endsWith('istio.io')) return false;
    const key = `${r.group}/${r.version}/${r.kind}`;
    let steps = this.steps.get(key);
    if (!steps) this.steps.set(key, (steps = warmUpSteps(this.store(), `${r.group}/${r.version}`, r.kind, this.onError, r.uri)));
    const next = steps.shift();
    if (!next) return false;
    next();
    return true;
  }
}

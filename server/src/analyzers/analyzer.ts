/**
 * The shape of an analyzer: one check with a stable code, a severity, a message built from the
 * state it found, and an optional fix built from the same state. Analyzers are pure functions of
 * (resource, index, settings); they never do I/O and never see LSP types.
 */
import { MAX_RELATED, type Finding, type Fix, type RelatedLocation, type Severity, type Span } from '../model';
import type { ParsedFile } from '../parse/parse';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import type { IndexReader } from '../index/workspace-index';
import type { Settings } from '../settings';

export interface AnalyzerContext {
  /** Lookups over the whole workspace; each query is recorded as a dependency of the file being checked. */
  index: IndexReader;
  settings: Settings;
}

/** One problem an analyzer found: where it is and the state its message and fix need. */
export interface Hit<S> extends Span {
  state: S;
  related?: RelatedLocation[];
  /** Overrides the analyzer's default severity, for checks whose harm depends on context. */
  severity?: Severity;
}

export interface FixContext {
  /** The file the finding is in, parsed from the editor's current text. */
  file: ParsedFile;
  /** The finding's range in that text. */
  span: Span;
}

/** A resource type: its API group and kind, since a kind name alone (`Gateway`) is used by several APIs. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** Kinds of Istio's networking API (`networking.istio.io`), which most analyzers check. */
export function istioNetworking(...kinds: string[]): GroupKind[] {
  return kinds.map((kind) => ({ group: ISTIO_NETWORKING, kind }));
}

/** Whether an analyzer checks a resource: its group and kind are among `appliesTo`, or it checks every kind. */
export function appliesTo(analyzer: Analyzer, r: { group: string; kind: string }): boolean {
  return analyzer.appliesTo === '*' || analyzer.appliesTo.some((t) => t.group === r.group && t.kind === r.kind);
}

export interface Analyzer<S = any> {
  /** Kebab-case, equal to the file name, never reused. */
  code: string;
  severity: Severity;
  /**
   * The group and kind of the resources this analyzer checks (the checker runs it on no other), or `*` for
   * every kind of the families the checker analyses.
   */
  appliesTo: '*' | readonly GroupKind[];
  /** Kinds it looks up in the index; registry.test.ts records the real lookups over the fixtures and checks this list against them. */
  reads: readonly string[];
  check(resource: Resource, ctx: AnalyzerContext): Iterable<Hit<S>>;
  message(state: S): string;
  /**
   * For an analyzer that holds many rules (Istio's validation of one kind): the rule a hit broke,
   * so users can tell the rules apart and silence one (`se-invalid/host-invalid`), and fixtures say which fired.
   */
  ruleOf?(state: S): string;
  /** Every rule id `ruleOf` can return, so that a setting naming a rule (`se-invalid/host-invalid`) can be checked. */
  readonly rules?: readonly string[];
  fix?(state: S, ctx: FixContext): Fix[];
}

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/**
 * Runs one analyzer on one resource and turns its hits into findings (its state becomes `data`). The checker runs
 * a dozen analyzers on each resource and nearly all of them find nothing, so no findings share one empty list.
 */
export function findingsOf<S>(analyzer: Analyzer<S>, resource: Resource, ctx: AnalyzerContext): readonly Finding[] {
  let out: Finding[] | undefined;
  for (const hit of analyzer.check(resource, ctx)) {
    const rule = analyzer.ruleOf?.(hit.state);
    (out ??= []).push({
      code: analyzer.code,
      ...(rule ? { rule } : {}),
      severity: hit.severity ?? analyzer.severity,
      message: analyzer.message(hit.state),
      start: hit.start,
      end: hit.end,
      data: hit.state,
      related: hit.related && hit.related.length > MAX_RELATED ? hit.related.slice(0, MAX_RELATED) : hit.related,
      ...(hit.related && hit.related.length > MAX_RELATED ? { relatedNotListed: hit.related.length - MAX_RELATED } : {}),
    });
  }
  return out ?? NO_FINDINGS;
}

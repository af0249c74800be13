/**
 * A collector for the per-kind `*-invalid` analyzers: each Istio validation rule that fails becomes a
 * hit on the exact key or value it concerns, with a `rule` id and the arguments its message is rendered from.
 * It owns placement, the state's shape and the typing of message tables, not the rules themselves.
 */
import type { FixContext, Hit } from '../analyzer';
import type { Fix } from '../../model';
import { replaceScalar } from '../../edits/yaml-edits';
import type { Resource } from '../../parse/resource';
import { spanAtPath, type YamlPath } from '../../parse/yaml-path';
import { isRecord, listOf, text } from '../../data';

/**
 * The message templates of a many-rule analyzer: one per rule id, each rendering the rule's arguments.
 * A rule with several wordings takes a `variant` among its arguments and switches on it.
 */
export type RuleMessages = Record<string, (args: any) => string>;

/** The arguments a rule's template takes (`unknown` for a template without arguments). */
type RuleArgs<M extends RuleMessages, R extends keyof M> = R extends keyof M ? (M[R] extends (args: infer A) => string ? A : never) : never;

/** A rule that failed with its arguments, as a predicate that does not place it returns it. */
export type RuleProblem<M extends RuleMessages> = { [R in keyof M & string]: { rule: R; args: RuleArgs<M, R>; replacement?: string } }[keyof M & string];

/**
 * The arguments of `RuleHits.error` after the path: a rule, its template's arguments, where to place it and
 * the replacement a fix writes. A union over the rules rather than a generic method, so that the hits of an
 * analyzer (whose table includes the shared rules) can be passed to the shared checks.
 */
type RuleCall<M extends RuleMessages> = {
  [R in keyof M & string]: [rule: R, args: RuleArgs<M, R>, prefer?: 'key' | 'value', replacement?: string];
}[keyof M & string];

type AnyCall = [rule: string, args: unknown, prefer?: 'key' | 'value', replacement?: string];

/** The state of every rule finding: which rule failed and the arguments its message is rendered from. */
export interface RuleState {
  rule: string;
  args: object;
  /** What a fix needs, for the few rules that offer one. */
  replacement?: string;
}

/**
 * An analyzer's table: the shared rules' templates and its own, which must not reuse a shared rule's id
 * (a shared check would otherwise render its arguments with another rule's template).
 */
export function ruleMessages<S extends RuleMessages, O extends RuleMessages>(shared: S, own: O & { [K in keyof S]?: never }): S & O {
  return { ...shared, ...own };
}

/** The text of a rule finding, rendered from its rule id and arguments. */
export function ruleMessage(messages: RuleMessages, s: RuleState): string {
  const template = messages[s.rule];
  return template ? template(s.args) : s.rule;
}

export class RuleHits<M extends RuleMessages> {
  readonly hits: Hit<RuleState>[] = [];

  constructor(readonly resource: Resource) {}

  /** An error on the value at `path` (or the key, with `prefer`), walking up to the nearest node that exists. */
  error(path: YamlPath, ...call: RuleCall<M>): void {
    this.add('error', path, ...(call as AnyCall));
  }

  warning(path: YamlPath, ...call: RuleCall<M>): void {
    this.add('warning', path, ...(call as AnyCall));
  }

  /** A problem a shared predicate returned, placed at `path`. */
  problem(severity: 'error' | 'warning', path: YamlPath, p: RuleProblem<M>, prefer: 'key' | 'value' = 'value'): void {
    this.add(severity, path, p.rule, p.args, prefer, p.replacement);
  }

  private add(severity: 'error' | 'warning', path: YamlPath, rule: string, args: unknown, prefer: 'key' | 'value' = 'value', replacement?: string): void {
    const span = spanAtPath(this.resource.document.ast, path, prefer, true);
    if (!span) return;
    const state: RuleState = { rule, args: args ?? {}, ...(replacement === undefined ? {} : { replacement }) };
    this.hits.push({ ...span, state, severity });
  }
}

export { isRecord, listOf, text };

/** The fix of rules that carry a `replacement`: write that value instead, keeping the quotes. */
export function replacementFix(s: RuleState, { file, span }: FixContext): Fix[] {
  if (s.replacement === undefined) return [];
  return [{ title: `Change to ${s.replacement}`, isPreferred: true, edits: [replaceScalar(file.text, span, s.replacement)] }];
}

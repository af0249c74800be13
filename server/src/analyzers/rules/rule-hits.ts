/**
 * A collector for the per-kind `*-invalid` analyzers: each Istio validation rule that fails becomes a
 * hit on the exact key or value it concerns, with a `rule` id and its text in plain words. It owns only
 * placement and the state's shape, not the rules themselves.
 */
import type { FixContext, Hit } from '../analyzer';
import type { Fix } from '../../model';
import { replaceScalar } from '../../edits/yaml-edits';
import type { Resource } from '../../parse/resource';
import { isMap, isSeq, type Document } from 'yaml';
import type { Span } from '../../model';
import { nodeAtPath, nodeSpan, type YamlPath } from '../../parse/yaml-path';
import { isRecord, listOf, text } from '../../data';

/** The state of every rule finding: which rule failed and what to tell the user. */
export interface RuleState {
  rule: string;
  text: string;
  /** What a fix needs, for the few rules that offer one. */
  replacement?: string;
}

export class RuleHits {
  readonly hits: Hit<RuleState>[] = [];

  constructor(readonly resource: Resource) {}

  /** An error on the value at `path` (or the key, with `prefer`), walking up to the nearest node that exists. */
  error(path: YamlPath, rule: string, text: string, prefer: 'key' | 'value' = 'value', replacement?: string): void {
    this.add('error', path, rule, text, prefer, replacement);
  }

  warning(path: YamlPath, rule: string, text: string, prefer: 'key' | 'value' = 'value', replacement?: string): void {
    this.add('warning', path, rule, text, prefer, replacement);
  }

  private add(severity: 'error' | 'warning', path: YamlPath, rule: string, text: string, prefer: 'key' | 'value', replacement?: string): void {
    const span = placeAt(this.resource.document.ast, path, prefer);
    if (!span) return;
    const state: RuleState = replacement === undefined ? { rule, text } : { rule, text, replacement };
    this.hits.push({ ...span, state, severity });
  }
}

export { isRecord, listOf, text };

/**
 * Where a finding about `path` sits: the key or the value as asked, walking up to the nearest node
 * that exists; a mapping or sequence narrows to its first key, so the squiggle stays on one line.
 */
export function placeAt(doc: Document, path: YamlPath, prefer: 'key' | 'value'): Span | undefined {
  for (let n = path.length; n >= 0; n--) {
    const found = nodeAtPath(doc, path.slice(0, n));
    if (!found) continue;
    const exact = n === path.length;
    if ((prefer === 'key' || !exact || !found.value) && found.key) return nodeSpan(found.key);
    let node: unknown = found.value;
    while (isSeq(node) && node.items.length > 0) node = node.items[0];
    if (isMap(node) && node.items.length > 0) return nodeSpan(node.items[0].key as never);
    const span = nodeSpan(node as never);
    if (span) return span;
  }
  return undefined;
}

/** The fix of rules that carry a `replacement`: write that value instead, keeping the quotes. */
export function replacementFix(s: RuleState, { file, span }: FixContext): Fix[] {
  if (s.replacement === undefined) return [];
  return [{ title: `Change to ${s.replacement}`, isPreferred: true, edits: [replaceScalar(file.text, span, s.replacement)] }];
}

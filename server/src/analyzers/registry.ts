/**
 * Every analyzer, in one sorted list. A new analyzer is one file, one fixture folder and one line here.
 */
import type { Analyzer } from './analyzer';
import { apiVersionDeprecated } from './api-version-deprecated';

export const ANALYZERS: readonly Analyzer[] = [apiVersionDeprecated];

const byCode = new Map(ANALYZERS.map((a) => [a.code, a]));

export function analyzerFor(code: string): Analyzer | undefined {
  return byCode.get(code);
}

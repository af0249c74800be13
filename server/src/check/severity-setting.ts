/**
 * Checks `istioEgress.severity` (and the CLI's `--severity`) against the codes and rule ids
 * istio-egress reports, so a misspelt code or level is reported to the user instead of being
 * silently ignored.
 */
import { isRecord } from '../data';
import { BUILTIN_CODES } from '../codes';
import { ANALYZERS } from '../analyzers/registry';
import { closestMatch } from '../schema/suggest';

const LEVELS = ['error', 'warning', 'information', 'hint', 'off'];

let known: string[] | undefined;
/** Every code, and every rule id as `code/rule`, that a severity setting may name. */
function knownIds(): string[] {
  return (known ??= [...BUILTIN_CODES.map((c) => c.code), ...ANALYZERS.flatMap((a) => [a.code, ...(a.rules ?? []).map((rule) => `${a.code}/${rule}`)])]);
}

/**
 * One sentence per entry of a severity setting that is ignored: a code or rule id istio-egress does
 * not report (with the closest one it does, when there is one), or a level it does not know.
 * `setting` names the setting in the sentence (`istioEgress.severity`, `--severity`).
 */
export function severityProblems(raw: unknown, setting: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) return [`${setting} must map codes to levels (${LEVELS.join(', ')}); it is ignored.`];
  const ids = knownIds();
  const problems: string[] = [];
  for (const [id, level] of Object.entries(raw)) {
    if (!ids.includes(id)) {
      const near = closestMatch(id, ids);
      problems.push(`${setting}: "${id}" is not a code istio-egress reports${near ? ` (did you mean "${near}"?)` : ''}; it is ignored.`);
    } else if (typeof level !== 'string' || !LEVELS.includes(level)) {
      problems.push(`${setting}: the level of "${id}" must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(level)}; it is ignored.`);
    }
  }
  return problems;
}

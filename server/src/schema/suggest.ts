/**
 * Did-you-mean for schema findings: the closest allowed name or value to what the user wrote.
 * It ranks candidates only; whether a suggestion is offered as a quick fix is the caller's choice.
 */

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/** `sni_hosts` and `sni-hosts` to `sniHosts`. */
export function toCamelCase(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Lower case without separators, so `SNI_HOSTS`, `sni-hosts` and `sniHosts` compare equal. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The candidate the user most likely meant by `input`, or undefined when none is close.
 * Exact matches after snake_case-to-camelCase or case folding win; otherwise the smallest edit
 * distance (compared case-insensitively) within about a third of the word's length, ties going
 * to the longer shared prefix; a tie that remains means no suggestion.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  if (!input || candidates.length === 0) return undefined;
  const camel = toCamelCase(input);
  const exact = candidates.find((c) => c === camel) ?? candidates.find((c) => fold(c) === fold(input));
  if (exact !== undefined) return exact === input ? undefined : exact;
  const folded = input.toLowerCase();
  const threshold = Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestPrefix = -1;
  let tied = false;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    if (Math.abs(candidate.length - input.length) > threshold) continue;
    const distance = editDistance(folded, candidate.toLowerCase());
    if (distance > threshold) continue;
    const prefix = sharedPrefix(folded, candidate.toLowerCase());
    if (distance < bestDistance || (distance === bestDistance && prefix > bestPrefix)) {
      best = candidate;
      bestDistance = distance;
      bestPrefix = prefix;
      tied = false;
    } else if (distance === bestDistance && prefix === bestPrefix) {
      tied = true;
    }
  }
  // `TLSV1_9` is as close to TLSV1_0 as to TLSV1_3: a guess would be a coin toss, so offer none.
  return tied ? undefined : best;
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Did-you-mean for schema findings: the closest allowed name or value to what the user wrote.
 * It ranks candidates only; whether a suggestion is offered as a quick fix is the caller's choice.
 */

/** Rows of `editDistance`, kept between calls: did-you-mean compares one word with thousands of names. */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). With `limit`,
 * a distance above it may be answered as `limit + 1`, as soon as every later row must exceed it.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (rows[0].length <= b.length) rows = rows.map(() => new Int32Array(2 * (b.length + 1)));
  let [prev2, prev, row] = rows;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, prev2[j - 2] + 1);
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // A cell of a later row is at least the least of this row, or of the previous one plus a transposition.
    if (Math.min(rowMin, prevMin + 1) > limit) return limit + 1;
    prevMin = rowMin;
    [prev2, prev, row] = [prev, row, prev2];
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
  const foldedInput = fold(input);
  const list = preparedList(candidates);
  const exact = list
    ? list.names.has(camel)
      ? camel
      : list.byFold.get(foldedInput)
    : candidates.includes(camel)
      ? camel
      : candidates.find((c) => foldsTo(c, foldedInput));
  if (exact !== undefined) return exact === input ? undefined : exact;
  const folded = input.toLowerCase();
  const threshold = Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestPrefix = -1;
  let tied = false;
  const inputSet = list && charSet(folded);
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i];
    if (candidate === input) continue;
    if (Math.abs(candidate.length - input.length) > threshold) continue;
    // Most candidates of a long list differ in more characters than the threshold allows: skip them before the edit distance.
    if (inputSet && charSetsDiffer(inputSet, list, i, threshold)) continue;
    if (bagDistanceExceeds(folded, candidate, threshold)) continue;
    const distance = editDistance(folded, candidate.toLowerCase(), threshold);
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

/**
 * What did-you-mean derives from a long frozen list of names (the index's names of a kind, compared
 * with one unknown name after another), so that each comparison skips most names cheaply: the names,
 * each name's first occurrence by its folded form (see `fold`), and each name's ASCII characters,
 * lower-cased, as 128 bits in four numbers (a name outside ASCII gets none, see `charSetsDiffer`).
 * Undefined for a short list, or one that is not frozen and so might change.
 */
interface PreparedList {
  names: ReadonlySet<string>;
  byFold: ReadonlyMap<string, string>;
  bits: Int32Array;
  ascii: Uint8Array;
}

/**
 * Prepared lists, and `null` for a list asked about once: while a workspace loads, the index's list changes
 * with every file, and a list asked about once is cheaper to scan than to prepare.
 */
const preparedLists = new WeakMap<readonly string[], PreparedList | null>();
const MIN_PREPARED_LIST = 64;

function preparedList(candidates: readonly string[]): PreparedList | undefined {
  if (candidates.length < MIN_PREPARED_LIST || !Object.isFrozen(candidates)) return undefined;
  let list = preparedLists.get(candidates);
  if (list === undefined) {
    preparedLists.set(candidates, null);
    return undefined;
  }
  if (list === null) {
    const byFold = new Map<string, string>();
    const bits = new Int32Array(4 * candidates.length);
    const ascii = new Uint8Array(candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      const folded = fold(candidates[i]);
      if (!byFold.has(folded)) byFold.set(folded, candidates[i]);
      const set = charSet(candidates[i]);
      if (set) {
        bits.set(set, 4 * i);
        ascii[i] = 1;
      }
    }
    list = { names: new Set(candidates), byFold, bits, ascii };
    preparedLists.set(candidates, list);
  }
  return list;
}

/** The characters of `s` lower-cased (ASCII letters only, as `bagDistanceExceeds` does), as 128 bits; undefined when `s` holds a character outside ASCII. */
function charSet(s: string): Int32Array | undefined {
  const bits = new Int32Array(4);
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 128) return undefined;
    if (c >= 65 && c <= 90) c += 32;
    bits[c >> 5] |= 1 << (c & 31);
  }
  return bits;
}

/**
 * Whether more than `limit` distinct characters are in one of `input` and candidate `i` but not in the other:
 * each is at least one character of difference between them as multisets, so `bagDistanceExceeds` holds too.
 * Four bitwise operations per word, instead of counting the characters of every name of a long list.
 */
function charSetsDiffer(input: Int32Array, list: PreparedList, i: number, limit: number): boolean {
  if (list.ascii[i] === 0) return false;
  let onlyInput = 0;
  let onlyCandidate = 0;
  for (let w = 0; w < 4; w++) {
    const a = input[w];
    const b = list.bits[4 * i + w];
    onlyInput += bitCount(a & ~b);
    onlyCandidate += bitCount(b & ~a);
  }
  return onlyInput > limit || onlyCandidate > limit;
}

function bitCount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** `fold(candidate) === folded`, without building the folded string for the candidates that differ. */
function foldsTo(candidate: string, folded: string): boolean {
  let j = 0;
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    // Outside ASCII, lower-casing may change the length: compare the folded strings.
    if (c >= 128) return fold(candidate) === folded;
    if (c === 95 || c === 45) continue;
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    if (j >= folded.length || folded.charCodeAt(j) !== lower) return false;
    j++;
  }
  return j === folded.length;
}

const bag = new Int32Array(128);

/**
 * Whether the characters of `a` and of `candidate` lower-cased differ by more than `limit` as
 * multisets (the bag distance), which no edit distance within `limit` allows: each insertion,
 * deletion, substitution or transposition changes that difference by at most one. `a` is lower case.
 * False when either holds a character outside ASCII.
 */
function bagDistanceExceeds(a: string, candidate: string, limit: number): boolean {
  let exceeds = false;
  let ascii = true;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c >= 128) ascii = false;
    else bag[c]++;
  }
  for (let i = 0; i < candidate.length; i++) {
    let c = candidate.charCodeAt(i);
    if (c >= 128) ascii = false;
    else bag[c >= 65 && c <= 90 ? (c += 32) : c]--;
  }
  if (ascii) {
    let surplus = 0;
    let missing = 0;
    for (let i = 0; i < a.length; i++) {
      const c = a.charCodeAt(i);
      if (bag[c] > 0) surplus += bag[c];
      bag[c] = 0;
    }
    for (let i = 0; i < candidate.length; i++) {
      let c = candidate.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      if (bag[c] < 0) missing -= bag[c];
      bag[c] = 0;
    }
    exceeds = Math.max(surplus, missing) > limit;
  } else {
    for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) < 128) bag[a.charCodeAt(i)] = 0;
    for (let i = 0; i < candidate.length; i++) {
      const c = candidate.charCodeAt(i);
      if (c < 128) bag[c >= 65 && c <= 90 ? c + 32 : c] = 0;
    }
  }
  return exceeds;
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Compact forms of the strings the index and its readers keep by the hundred thousand: content
 * fingerprints as short hashes instead of the content itself, and dependency keys shared between
 * every reader instead of one copy per reader.
 */

/**
 * A 53-bit hash of `text` from `start` to `end` (cyrb53: two 32-bit multiply-xor lanes), in base 32:
 * at most eleven characters whatever the length of the text. Equal texts give equal hashes; two
 * different texts give the same one with a chance of about one in 2^53.
 */
export function hashText(text: string, start = 0, end = text.length): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // The 53 bits as a 23-bit and a 30-bit half: small integers print several times faster than a
  // 53-bit number in a radix, and the index hashes two strings per document.
  const high = (2097151 & h2) * 4 + (h1 >>> 30);
  const low = h1 & 0x3fffffff;
  return high.toString(32) + low.toString(32).padStart(6, '0');
}

/**
 * Interned strings: equal strings built in different places come back as one shared copy, so a
 * key read by 20,000 documents is kept once rather than 20,000 times. The pool only saves memory
 * (strings compare by value whichever copy is kept), so when it grows past its bound, with keys of
 * names long gone, it starts afresh.
 */
const pool = new Map<string, string>();
const POOL_BOUND = 250_000;

export function intern(s: string): string {
  const shared = pool.get(s);
  if (shared !== undefined) return shared;
  // A key built from pieces (`tag|${kind}|${tag}`) is a chain of pieces in V8, about twice the memory
  // of the same characters in one piece; a JSON round trip gives the characters in one piece.
  return keep(JSON.parse(JSON.stringify(s)) as string);
}

/**
 * `intern` for a string known to be in one piece already, such as one copied from another thread or
 * read from a cache file (V8 deserializes a string as one piece): kept as it is, without a round trip.
 */
export function internWhole(s: string): string {
  return pool.get(s) ?? keep(s);
}

function keep(s: string): string {
  if (pool.size >= POOL_BOUND) pool.clear();
  pool.set(s, s);
  return s;
}

/**
 * Interned keys made of up to four parts (`tag|${kind}|${tag}`, `name|${group}|${kind}|${namespace}|${name}`),
 * found by their parts: a reader asks for hundreds of thousands of keys, mostly the same few tens of thousands,
 * and looking a key up by its parts (strings whose hashes V8 keeps) costs a fraction of building the joined
 * string and hashing it whole. A key is joined and interned once, the first time its parts are asked for;
 * parts not given are empty.
 */
export class KeysByParts {
  private readonly byFirst = new Map<string, Map<string, Map<string, Map<string, string>>>>();
  private size = 0;

  constructor(private readonly join: (a: string, b: string, c: string, d: string) => string) {}

  of(a: string, b = '', c = '', d = ''): string {
    // Like the pool, the table only saves work: past its bound, with parts of names long gone, it starts afresh.
    if (this.size >= POOL_BOUND) {
      this.byFirst.clear();
      this.size = 0;
    }
    const bySecond = getOrAdd(this.byFirst, a);
    const byThird = getOrAdd(bySecond, b);
    const byFourth = getOrAdd(byThird, c);
    let key = byFourth.get(d);
    if (key === undefined) {
      byFourth.set(d, (key = intern(this.join(a, b, c, d))));
      this.size++;
    }
    return key;
  }
}

function getOrAdd<V>(map: Map<string, Map<string, V>>, part: string): Map<string, V> {
  let inner = map.get(part);
  if (inner === undefined) map.set(part, (inner = new Map()));
  return inner;
}

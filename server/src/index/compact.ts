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
  // A key built from pieces (`tag|${kind}|${tag}`) is a chain of pieces in V8, about twice the memory of the same
  // characters in one piece. Reading a character joins the pieces into one in place, which also lets the pool hash
  // the characters without copying them first; the chain's own small header usually goes at the next young collection.
  s.charCodeAt(0);
  return pool.get(s) ?? keep(s);
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
 * Interned keys made of one, two or four parts (`kind|${kind}`, `tag|${kind}|${tag}`, `name|${group}|${kind}|${namespace}|${name}`),
 * found by their parts: a reader asks for hundreds of thousands of keys, mostly the same few tens of thousands,
 * and looking a key up by its parts (strings whose hashes V8 keeps) costs a fraction of building the joined
 * string and hashing it whole. A table has as many levels of maps as its `join` takes parts, so a key of two parts
 * is two lookups; a key is joined and interned once, the first time its parts are asked for.
 */
export class KeysByParts {
  private readonly root: Level = new Map();
  private readonly parts: number;
  private size = 0;

  /** `join` builds the key from its parts; it declares as many parameters as the table has parts (one, two or four). */
  constructor(private readonly join: (...parts: string[]) => string) {
    this.parts = join.length;
    if (this.parts !== 1 && this.parts !== 2 && this.parts !== 4) throw new Error(`a key of ${this.parts} parts`);
  }

  of(a: string, b = '', c = '', d = ''): string {
    // Like the pool, the table only saves work: past its bound, with parts of names long gone, it starts afresh.
    if (this.size >= POOL_BOUND) {
      this.root.clear();
      this.size = 0;
    }
    let level = this.root;
    let last = a;
    if (this.parts === 2) {
      level = inner(level, a);
      last = b;
    } else if (this.parts === 4) {
      level = inner(inner(inner(level, a), b), c);
      last = d;
    }
    let key = level.get(last) as string | undefined;
    if (key === undefined) {
      level.set(last, (key = intern(this.join(a, b, c, d))));
      this.size++;
    }
    return key;
  }
}

/** A level of a `KeysByParts` table: a part to the next level, or in the last level to the key. */
type Level = Map<string, Level | string>;

function inner(level: Level, part: string): Level {
  let next = level.get(part) as Level | undefined;
  if (next === undefined) level.set(part, (next = new Map()));
  return next;
}

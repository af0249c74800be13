/**
 * Running totals of the egress paths the summary keeps per resource: for each path key (`pathKey`),
 * which resources give a path with that key and whether theirs is broken, and the hosts and client
 * namespaces that have paths. Adding or removing one resource's paths costs as many steps as it has
 * paths, so a change updates the figures by the delta of the resources it touched. It computes no
 * path itself (see path-summary.ts).
 */

/** What the summary needs of one path: `key` is what the traffic map keeps one path per. */
export interface PathFacts {
  key: string;
  host: string;
  namespace: string;
  broken: boolean;
}

/** One resource's path with a key: `rank` is its kind's place in the order the map reads kinds in. */
interface Giver {
  rank: number;
  broken: boolean;
}

interface KeyTally {
  host: string;
  namespace: string;
  /** By the slot of the resource (see `slotOf`) that gives a path with this key. */
  givers: Map<string, Giver>;
  broken: number;
}

type Verdict = 'none' | 'clean' | 'broken' | 'mixed';

const verdictOf = (t: KeyTally | undefined): Verdict =>
  !t || t.givers.size === 0 ? 'none' : t.broken === 0 ? 'clean' : t.broken === t.givers.size ? 'broken' : 'mixed';

/** Counts of the values of a multiset; reports when a value comes or goes. */
function bump(counts: Map<string, number>, value: string, by: 1 | -1): boolean {
  const n = (counts.get(value) ?? 0) + by;
  if (n === 0) counts.delete(value);
  else counts.set(value, n);
  return n === (by === 1 ? 1 : 0);
}

export class PathTotals {
  private readonly keys = new Map<string, KeyTally>();
  /** How many keys each host and each client namespace has. */
  private readonly hostKeys = new Map<string, number>();
  private readonly namespaceKeys = new Map<string, number>();
  /** Keys whose every path is broken. */
  private allBroken = 0;
  /** Keys whose paths disagree: the path the map keeps (the first resource's, in its order) decides. */
  private readonly mixed = new Set<string>();
  private sortedHosts: string[] | undefined;
  private sortedNamespaces: string[] | undefined;

  /** `onNamespace` is told when a client namespace gets its first path or loses its last. */
  constructor(private readonly onNamespace: (namespace: string, present: boolean) => void = () => undefined) {}

  /** Adds the paths of the resource in `slot`, at most one per key. */
  add(slot: string, rank: number, paths: readonly PathFacts[]): void {
    for (const p of paths) {
      let tally = this.keys.get(p.key);
      if (!tally) {
        this.keys.set(p.key, (tally = { host: p.host, namespace: p.namespace, givers: new Map(), broken: 0 }));
        this.counted(p.host, p.namespace, 1);
      }
      const before = verdictOf(tally);
      tally.givers.set(slot, { rank, broken: p.broken });
      if (p.broken) tally.broken++;
      this.reclassify(p.key, before, verdictOf(tally));
    }
  }

  /** Takes away the paths `add` added for `slot`. */
  remove(slot: string, paths: readonly PathFacts[]): void {
    for (const p of paths) {
      const tally = this.keys.get(p.key);
      const giver = tally?.givers.get(slot);
      if (!tally || !giver) continue;
      const before = verdictOf(tally);
      tally.givers.delete(slot);
      if (giver.broken) tally.broken--;
      this.reclassify(p.key, before, verdictOf(tally));
      if (tally.givers.size === 0) {
        this.keys.delete(p.key);
        this.counted(tally.host, tally.namespace, -1);
      }
    }
  }

  private counted(host: string, namespace: string, by: 1 | -1): void {
    if (bump(this.hostKeys, host, by)) this.sortedHosts = undefined;
    if (bump(this.namespaceKeys, namespace, by)) {
      this.sortedNamespaces = undefined;
      this.onNamespace(namespace, by === 1);
    }
  }

  private reclassify(key: string, before: Verdict, after: Verdict): void {
    if (before === after) return;
    if (before === 'broken') this.allBroken--;
    if (after === 'broken') this.allBroken++;
    if (before === 'mixed') this.mixed.delete(key);
    if (after === 'mixed') this.mixed.add(key);
  }

  /** The external hosts with paths, sorted; the same array until one comes or goes. */
  hosts(): string[] {
    return (this.sortedHosts ??= [...this.hostKeys.keys()].sort());
  }

  /** The client namespaces with paths, sorted; the same array until one comes or goes. */
  namespaces(): string[] {
    return (this.sortedNamespaces ??= [...this.namespaceKeys.keys()].sort());
  }

  hasNamespace(namespace: string): boolean {
    return this.namespaceKeys.has(namespace);
  }

  /**
   * How many keys have a broken path as the map keeps them: the path of the first resource in the
   * map's order, which is the lowest kind rank and, among resources of that rank, the one `first`
   * picks from their slots (asked only when they disagree, which takes duplicate definitions).
   */
  brokenPaths(first: (slots: string[]) => string): number {
    let n = this.allBroken;
    for (const key of this.mixed) {
      const givers = [...this.keys.get(key)!.givers];
      const rank = Math.min(...givers.map(([, g]) => g.rank));
      const leaders = givers.filter(([, g]) => g.rank === rank);
      const broken = leaders.filter(([, g]) => g.broken).length;
      if (broken === leaders.length) n++;
      else if (broken > 0 && new Map(leaders).get(first(leaders.map(([slot]) => slot)))?.broken) n++;
    }
    return n;
  }

  clear(): void {
    this.keys.clear();
    this.hostKeys.clear();
    this.namespaceKeys.clear();
    this.allBroken = 0;
    this.mixed.clear();
    this.sortedHosts = undefined;
    this.sortedNamespaces = undefined;
  }
}

/**
 * Istio's reachability analysis of a VirtualService's routes (the IST0130 and IST0131 warnings of its
 * validation): a rule after a rule without matches is never used, a match equal to an earlier one is
 * never used, and an HTTP URI prefix match covered by an earlier prefix on the same port, method,
 * authority, headers and query parameters never applies. It follows Istio's comparison rules exactly,
 * including their limits (only prefix URI matches are compared for overlap).
 */
import { isRecord, listOf } from '../data';

export type RouteKind = 'http' | 'tcp' | 'tls';

export interface UnreachableRule {
  kind: RouteKind;
  index: number;
  /** `"name"` for a named HTTP rule, `#n` otherwise, as Istio prints it. */
  label: string;
  reason: 'only the last rule can have no matches' | 'route without matches defined before' | 'all matches used by prior rules';
  /** The rule without matches that hides this one, for the first two reasons. */
  catchAll?: number;
}

interface IneffectiveMatch {
  kind: RouteKind;
  index: number;
  matchIndex: number;
  label: string;
  matchLabel: string;
  /** The earlier rule whose match covers this one. */
  earlier: number;
  earlierLabel: string;
  /** The covering URI prefix, for overlaps (not exact duplicates). */
  prefix?: string;
}

interface Reachability {
  unreachable: UnreachableRule[];
  ineffective: IneffectiveMatch[];
}

const routeLabel = (kind: RouteKind, route: Record<string, any>, i: number) =>
  kind === 'http' && typeof route.name === 'string' && route.name !== '' ? `"${route.name}"` : `#${i}`;
const matchLabel = (kind: RouteKind, match: unknown, j: number) =>
  kind === 'http' && isRecord(match) && typeof match.name === 'string' && match.name !== '' ? `"${match.name}"` : `#${j}`;

/** A match as a comparable key: the fields that decide routing, defaults dropped, keys sorted. */
function matchKey(kind: RouteKind, match: unknown): string {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (!isRecord(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = clean(v[k]);
      if (x === undefined || x === null || x === false || x === 0) continue;
      if (Array.isArray(x) && x.length === 0) continue;
      if (isRecord(x) && Object.keys(x).length === 0) continue;
      out[k] = x;
    }
    return out;
  };
  const value = kind === 'http' && isRecord(match) ? { ...match, name: undefined } : match;
  return JSON.stringify(clean(value) ?? null);
}

interface PrefixMatch {
  index: number;
  matchIndex: number;
  label: string;
  matchLabel: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  queryParams: Map<string, string>;
  withoutHeaders: Map<string, string>;
}

const exactOrPrefix = (m: unknown) =>
  isRecord(m)
    ? typeof m.exact === 'string' && m.exact !== ''
      ? `exact:${m.exact}`
      : typeof m.prefix === 'string' && m.prefix !== ''
        ? `prefix:${m.prefix}`
        : ''
    : '';

function stringMatches(map: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (isRecord(map)) for (const [k, v] of Object.entries(map)) out.set(k, exactOrPrefix(v));
  return out;
}

/** Istio's `genMatchHTTPRoutes`: only matches with a URI prefix take part in the overlap check. */
function prefixMatch(route: Record<string, any>, match: unknown, index: number, matchIndex: number): PrefixMatch | undefined {
  if (!isRecord(match) || !isRecord(match.uri) || typeof match.uri.prefix !== 'string' || match.uri.prefix === '') return undefined;
  return {
    index,
    matchIndex,
    label: routeLabel('http', route, index),
    matchLabel: matchLabel('http', match, matchIndex),
    prefix: match.uri.prefix,
    port: typeof match.port === 'number' ? match.port : 0,
    // Without a method, Istio's comparison assumes GET.
    method: exactOrPrefix(match.method) || 'exact:GET',
    authority: exactOrPrefix(match.authority),
    headers: stringMatches(match.headers),
    queryParams: stringMatches(match.queryParams),
    withoutHeaders: stringMatches(match.withoutHeaders),
  };
}

function mapCovered(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || (v !== w && !v.startsWith(w))) return false;
  }
  return true;
}

/** Istio's `coveredValidation`: whether the earlier prefix match `a` takes all requests of `b`. */
function covered(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.queryParams, b.queryParams) && mapCovered(a.withoutHeaders, b.withoutHeaders);
}

/** The unreachable rules and ineffective matches of a VirtualService spec, per Istio's analysis. */
export function analyzeReachability(spec: Record<string, any>): Reachability {
  const out: Reachability = { unreachable: [], ineffective: [] };
  for (const kind of ['http', 'tcp', 'tls'] as const) {
    const routes = listOf(spec[kind]);
    const seen = new Map<string, number>();
    let catchAll = -1;
    const prefixes: PrefixMatch[] = [];
    routes.forEach((route, i) => {
      if (!isRecord(route)) return;
      const matches = listOf(route.match);
      const label = routeLabel(kind, route, i);
      if (matches.length === 0) {
        if (catchAll >= 0) out.unreachable.push({ kind, index: i, label, reason: 'only the last rule can have no matches', catchAll });
        catchAll = i;
        return;
      }
      if (catchAll >= 0) {
        out.unreachable.push({ kind, index: i, label, reason: 'route without matches defined before', catchAll });
        return;
      }
      let duplicates = 0;
      matches.forEach((match, j) => {
        const key = matchKey(kind, match);
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          out.ineffective.push({
            kind,
            index: i,
            matchIndex: j,
            label,
            matchLabel: matchLabel(kind, match, j),
            earlier,
            earlierLabel: routeLabel(kind, routes[earlier] as Record<string, any>, earlier),
          });
          duplicates++;
          return;
        }
        seen.set(key, i);
        if (kind === 'http') {
          const p = prefixMatch(route, match, i, j);
          if (p) prefixes.push(p);
        }
      });
      if (duplicates === matches.length) out.unreachable.push({ kind, index: i, label, reason: 'all matches used by prior rules' });
    });
    for (let a = 0; a < prefixes.length; a++) {
      for (let b = a + 1; b < prefixes.length; b++) {
        const [pa, pb] = [prefixes[a], prefixes[b]];
        if (pa.prefix === pb.prefix) continue;
        if (covered(pa, pb)) {
          out.ineffective.push({
            kind,
            index: pb.index,
            matchIndex: pb.matchIndex,
            label: pb.label,
            matchLabel: pb.matchLabel,
            earlier: pa.index,
            earlierLabel: pa.label,
            prefix: pa.prefix,
          });
        }
      }
    }
  }
  return out;
}

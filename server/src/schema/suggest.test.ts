/** Did-you-mean ranking: the suggestions users are offered, and when they are offered none. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { closestMatch, editDistance, toCamelCase } from './suggest';

test('edit distance counts adjacent transpositions as one edit', () => {
  assert.equal(editDistance('sniHost', 'sniHosts'), 1);
  assert.equal(editDistance('hsots', 'hosts'), 1);
  assert.equal(editDistance('REGISTER_ONLY', 'REGISTRY_ONLY'), 2);
  assert.equal(editDistance('', 'abc'), 3);
});

/** The edit distance as first written: the whole table, no limit. */
function plainEditDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

test('edit distance with a limit is exact within it and above it beyond', () => {
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-', 'x'), maxLength: 12 });
  fc.assert(
    fc.property(word, word, fc.nat(6), (a, b, limit) => {
      const exact = plainEditDistance(a, b);
      assert.equal(editDistance(a, b), exact);
      const bounded = editDistance(a, b, limit);
      if (exact <= limit) assert.equal(bounded, exact);
      else assert.ok(bounded > limit, `${a} ${b} ${limit}: ${bounded}`);
    }),
    { numRuns: 3000 },
  );
  // Longer words than any before grow the kept rows.
  assert.equal(editDistance('x'.repeat(200), 'y' + 'x'.repeat(199)), 1);
});

test('closest match: snake_case, case slips, typos, and no guess when tied or far', () => {
  assert.equal(toCamelCase('sni_hosts'), 'sniHosts');
  assert.equal(closestMatch('sni_hosts', ['port', 'sniHosts']), 'sniHosts');
  assert.equal(closestMatch('SNIHOSTS', ['port', 'sniHosts']), 'sniHosts');
  assert.equal(closestMatch('MESH_EXTENAL', ['MESH_EXTERNAL', 'MESH_INTERNAL']), 'MESH_EXTERNAL');
  assert.equal(closestMatch('ServiceEntri', ['Gateway', 'ServiceEntry', 'Sidecar']), 'ServiceEntry');
  assert.equal(closestMatch('v2', ['v1', 'v1alpha3', 'v1beta1']), 'v1');
  assert.equal(closestMatch('TLSV1_9', ['TLSV1_0', 'TLSV1_1', 'TLSV1_2']), undefined);
  assert.equal(closestMatch('completelyDifferent', ['hosts', 'ports']), undefined);
  assert.equal(closestMatch('hosts', ['hosts']), undefined);
});

/** closestMatch as first written: every candidate's edit distance, no shortcuts. */
function plainClosestMatch(input: string, candidates: readonly string[]): string | undefined {
  if (!input || candidates.length === 0) return undefined;
  const fold = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const exact = candidates.find((c) => c === toCamelCase(input)) ?? candidates.find((c) => fold(c) === fold(input));
  if (exact !== undefined) return exact === input ? undefined : exact;
  const threshold = Math.max(1, Math.floor(input.length / 3));
  const ranked = candidates
    .filter((c) => c !== input)
    .map((c) => {
      const a = input.toLowerCase();
      const b = c.toLowerCase();
      let prefix = 0;
      while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
      return { c, distance: editDistance(a, b), prefix };
    })
    .filter((x) => x.distance <= threshold)
    .sort((x, y) => x.distance - y.distance || y.prefix - x.prefix);
  if (ranked.length === 0) return undefined;
  const [best, next] = ranked;
  return next && next.distance === best.distance && next.prefix === best.prefix ? undefined : best.c;
}

test('closest match among many names suggests what comparing with each of them would', () => {
  const gateways = Array.from({ length: 2000 }, (_, i) => `egress-${i}`);
  assert.equal(closestMatch('egress-1234-typo', gateways), plainClosestMatch('egress-1234-typo', gateways));
  assert.equal(closestMatch('egres-1234', gateways), 'egress-1234');
  assert.equal(closestMatch('EGRESS_1234', gateways), 'egress-1234');
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '-', '_', 'é', 'İ', 'ß', '1'), maxLength: 8 });
  fc.assert(
    fc.property(word, fc.array(word, { maxLength: 30 }), (input, candidates) => {
      const unique = [...new Set(candidates)];
      assert.equal(closestMatch(input, unique), plainClosestMatch(input, unique));
    }),
    { numRuns: 2000 },
  );
});

test('a long frozen list (the index keeps its names so), prepared once asked about twice, gets the suggestions an unfrozen copy gets', () => {
  const gateways = Object.freeze(Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? `Egress_${i}` : `egress-${i}`)));
  for (const input of ['egress-1234-typo', 'egres-1234', 'EGRESS_1234', 'egress_14', 'egress-14', 'egress-1é', 'İgress-12', 'xyz'])
    assert.equal(closestMatch(input, gateways), closestMatch(input, [...gateways]), input);
  assert.equal(closestMatch('egress-14', gateways), 'Egress_14');
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '-', '_', 'é', 'İ', 'ß', '1'), maxLength: 8 });
  fc.assert(
    fc.property(word, fc.array(word, { minLength: 64, maxLength: 120 }), (input, candidates) => {
      const unique = Object.freeze([...new Set(candidates)]);
      const plain = plainClosestMatch(input, unique);
      assert.equal(closestMatch(input, unique), plain);
      assert.equal(closestMatch(input, unique), plain);
    }),
    { numRuns: 500 },
  );
});

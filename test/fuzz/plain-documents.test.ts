/**
 * Property-based check of the plain reading of documents (server/src/parse/plain-documents.ts), which
 * parse workers use instead of composing: on mutated corpus files it must give what composing gives,
 * data, ranges and problems alike, or leave the file to the composer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkBothWays } from '../../server/src/parse/assert-same-plain';
import { fcParams, loadSeeds, mutate, mutation, runs, Tally } from './corpus';

const seeds = loadSeeds();

test('fuzz: mutated corpus files read plainly give what composing gives', { skip: typeof seeds === 'string' ? seeds : false, timeout: 10 * 60_000 }, () => {
  if (typeof seeds === 'string') return;
  const tally = new Tally();
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, mutations) => {
      const seed = seeds[pick % seeds.length];
      const text = mutations.reduce(mutate, seed.text);
      tally.add('files');
      if (checkBothWays(`file:///ws/${seed.name}`, text)) tally.add('read plainly');
    }),
    fcParams(runs(300)),
  );
  console.log(`plain documents fuzz: ${tally.toString()}`);
  // The comparison of data runs only for files read plainly: some must have been.
  assert.ok((tally.counts.get('read plainly') ?? 0) > 0, `no mutated file was read plainly: ${tally.toString()}`);
});

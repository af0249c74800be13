/**
 * A schema problem is placed from a document's outline where its syntax tree places it: on every path of
 * every outlined document of the corpora, for each kind of anchor, and a resource validated with its
 * tree dropped gets the findings it gets with its tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, type ParsedFile } from '../parse/parse';
import { UNSURE } from '../parse/block-outline';
import { outlineOf, reparsedTrees, setSyntaxBudget } from '../parse/syntax-trees';
import { nodeAtPath } from '../parse/yaml-path';
import { placeInOutline, placeProblem, validateResource } from './validate';
import { loadSchemaStore } from '../node/schemas';
import { needsShared, sharedYamlFiles } from '../shared-corpus';
import { isSeq } from 'yaml';
import { pathsOf } from '../parse/paths-of';

const ANCHORS = [
  ['key', undefined],
  ['value', undefined],
  ['object', undefined],
  ['object', 'name'],
  ['object', 'zz-missing'],
] as const;

function parsedWithTrees(uri: string, text: string): ParsedFile {
  const previous = setSyntaxBudget(Infinity);
  try {
    return parseFile(uri, text);
  } finally {
    setSyntaxBudget(previous);
  }
}

test('schema problems are placed from the outline where the tree places them, over the shared corpora', needsShared('corpus'), () => {
  let answers = 0;
  let sequences = 0;
  for (const { uri, text } of sharedYamlFiles('corpus')) {
    const file = parsedWithTrees(uri, text);
    const trees = file.documents.map((d) => d.ast);
    file.syntax?.drop();
    file.documents.forEach((doc, i) => {
      const outline = outlineOf(doc.ast);
      if (!outline) return;
      for (const p of pathsOf(doc.value)) {
        for (const [anchor, missing] of ANCHORS) {
          for (const isResource of [true, false]) {
            const quick = placeInOutline(outline, p, anchor, missing, isResource);
            if (quick === UNSURE) continue;
            answers++;
            assert.deepEqual(quick, placeProblem(trees[i], p, anchor, missing, isResource), `${uri} #${i} ${JSON.stringify(p)} ${anchor} ${missing}`);
          }
        }
        const seq = nodeAtPath(trees[i], p)?.value;
        if (isSeq(seq) && !seq.flow && seq.items.length > 0) sequences++;
      }
    });
  }
  assert.ok(answers > 100_000, `${answers} answers`);
  assert.ok(sequences > 1000, `${sequences} block sequences`);
});

const BROKEN = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext
  namespace: shop
spec:
  hosts:
  - "api.example.com"
  ports:
  - number: 99999
    name: 'tls'
    protocl: TLS
  resolution: MAYBE
  location:
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: dr
spec:
  trafficPolicy:
    tls:
      mode: SIMPLE
      sni: 7
  subsets: [{name: 7}]
`;

test('a resource validated with its tree dropped gets the findings it gets with its tree, mostly without parsing it', () => {
  const store = loadSchemaStore();
  const file = parsedWithTrees('file:///ws/broken.yaml', BROKEN);
  const expected = file.resources.map((r) => validateResource(r, store));
  assert.ok(expected.flat().length >= 6, JSON.stringify(expected));
  file.syntax?.drop();
  const before = reparsedTrees();
  assert.deepEqual(
    file.resources.map((r) => validateResource(r, store)),
    expected,
  );
  // The DestinationRule's flow sequence is placed by its tree: one document parsed.
  assert.equal(reparsedTrees() - before, 1);
});

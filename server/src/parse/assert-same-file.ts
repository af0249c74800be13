/**
 * For tests only: whether a parsed file equals what `parseFile` gives for the same text, syntax trees
 * included, so that files parsed elsewhere (parsed-record.ts, node/parse-pool.ts) can be compared with it.
 */
import assert from 'node:assert/strict';
import { isAlias, isCollection, isPair, isScalar, type Document } from 'yaml';
import { cutFileText, parseFile, type ParsedFile } from './parse';

/** The shape of a syntax tree: every node's kind, range and scalar value, and the document's errors and comments. */
function treeShape(ast: Document.Parsed): unknown {
  const walk = (node: unknown): unknown => {
    if (isPair(node)) return ['pair', walk(node.key), walk(node.value)];
    // The merge key `<<` is a fresh Symbol in each parse.
    if (isScalar(node))
      return ['scalar', node.range, typeof node.value === 'symbol' ? String(node.value) : node.value, node.type, node.comment, node.commentBefore];
    if (isCollection(node)) return [node.constructor.name, node.range, node.flow ?? false, node.comment, node.commentBefore, node.items.map(walk)];
    if (isAlias(node)) return ['alias', node.source, node.range];
    return node === null || node === undefined ? null : typeof node;
  };
  return {
    range: ast.range,
    contents: walk(ast.contents),
    errors: ast.errors.map((e) => [e.code, e.pos]),
    warnings: ast.warnings.map((e) => [e.code, e.pos]),
    comment: ast.comment,
    commentBefore: ast.commentBefore,
    directives: ast.directives?.yaml.version,
  };
}

/** Asserts that `actual` is the file `parseFile(uri, text)` gives: documents, values, syntax trees, resources, problems. */
export function assertSameFile(actual: ParsedFile, uri: string, text: string): void {
  const expected = parseFile(uri, text);
  const label = uri;
  assert.equal(actual.text, text);
  assert.deepEqual(actual.problems, expected.problems, label);
  assert.equal(actual.owned, expected.owned, label);
  assert.equal(actual.skipped, expected.skipped, label);
  assert.deepEqual(actual.kustomization, expected.kustomization, label);
  assert.deepEqual(Object.keys(actual), Object.keys(expected), label);
  assert.equal(actual.syntax === undefined, expected.syntax === undefined, `${label}: syntax trees`);
  assert.equal(actual.documents.length, expected.documents.length, label);
  for (const [i, doc] of expected.documents.entries()) {
    const got = actual.documents[i];
    assert.deepEqual([got.index, got.start, got.end], [doc.index, doc.start, doc.end], `${label} document ${i}`);
    assert.deepEqual(got.value, doc.value, `${label} document ${i} value`);
    assert.deepEqual(treeShape(got.ast), treeShape(doc.ast), `${label} document ${i} tree`);
    assert.equal(got.resource === undefined, doc.resource === undefined, `${label} document ${i} resource`);
  }
  assert.equal(actual.resources.length, expected.resources.length, label);
  for (const [i, r] of expected.resources.entries()) {
    const { document, meshConfig, ...rest } = actual.resources[i];
    const { document: expectedDocument, meshConfig: expectedMesh, ...expectedRest } = r;
    assert.deepEqual(rest, expectedRest, `${label} resource ${i}`);
    assert.equal(document, actual.documents[expectedDocument.index], `${label} resource ${i} points to its document`);
    assert.equal(document.resource, actual.resources[i]);
    assert.equal(meshConfig?.value === undefined, expectedMesh?.value === undefined);
    assert.deepEqual(meshConfig?.value, expectedMesh?.value);
  }
}

const SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: httpbin # keep me
  namespace: shop
  labels: {app: web, version: 2}
spec:
  hosts:
  - httpbin.org
  resolution: DNS
`;

const aliasBomb = (() => {
  const lines = ['apiVersion: networking.istio.io/v1', 'kind: ServiceEntry', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
})();

/** Texts that parse in every way the parser knows: broken YAML, line breaks, templates, binary, aliases, directives, kustomizations, mesh config. */
export const PARSE_CASES: Record<string, string> = {
  'multi.yaml': `${SE}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n# only a comment\n---\n`,
  'crlf-bom.yaml': `\ufeff${SE}---\n${SE.replace('httpbin', 'two')}`.replace(/\n/g, '\r\n'),
  'lone-cr.yaml': `# egress\r${SE.split('\n').join('\r')}---\r${SE.replace('httpbin', 'two').split('\n').join('\r')}`,
  'mixed-breaks.yaml': `${SE.replace(/\n/g, '\r\n')}---\r${SE.replace('httpbin', 'two').split('\n').join('\r')}`,
  'broken.yaml': `${SE}---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  servers: [a, b\n---\n${SE}`,
  'bad-indent.yaml': `${SE}  oops: [\n bad: : :\n---\n${SE}`,
  'duplicate-keys.yaml': `${SE}---\n${SE}  resolution: NONE\n`,
  'collection-key.yaml': `${SE}---\n? [a, b]\n: c\n`,
  'helm.yaml': `${SE}---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: {{ .Values.name }}\n`,
  'binary.yaml': 'apiVersion: networking.istio.io/v1\n\u0000\u0001\u0002binary',
  'alias-bomb.yaml': aliasBomb,
  'self-alias.yaml': `${SE}---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: x\nspec:\n  exportTo: &r [*r]\n`,
  'aliases.yaml':
    'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\n  labels: &l {app: x}\n' +
    'spec:\n  hosts: &h [a.example.com]\n  x: *h\n  y: *l\n',
  'deep.yaml': `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nspec: ${'['.repeat(600)}${']'.repeat(600)}\n`,
  'too-large.yaml': cutFileText(SE, 3 * 1024 * 1024),
  'directives.yaml': `%YAML 1.2\n---\n${SE}...\n%YAML 1.2\n---\n${SE.replace('httpbin', 'two')}`,
  'yaml-1.1.yaml': `%YAML 1.1\n---\n${SE}  set: !!set {a, b}\n  when: 2001-12-14\n  pairs: !!omap [a: 1]\n  bytes: !!binary aGVsbG8=\n  <<: {merged: 1}\n`,
  'doc-end.yaml': `${SE}...\n---\n${SE.replace('httpbin', 'two')}...\n`,
  'stray.yaml': `${SE}--- |\n  text\n---\n${SE}`,
  'proto.yaml': `${SE}  __proto__: {polluted: true}\n  special: [.nan, .inf, -.inf, -0, 0x1F, 1e3, ~, null, true]\n`,
  'empty.yaml': '',
  'comments.yaml': '# a\n\n# b\n',
  'kustomization.yaml': 'namespace: shop\nresources:\n- a.yaml\n- https://example.com/x.yaml\n',
  Kustomization: 'resources: [base]\n',
  'mesh-configmap.yaml':
    'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: istio\r\n  namespace: istio-system\r\ndata:\r\n  mesh: |-\r\n' +
    `    outboundTrafficPolicy:\r\n      mode: REGISTRY_ONLY\r\n---\r\n${SE.replace(/\n/g, '\r\n')}`,
  'istio-operator.yaml':
    'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  meshConfig:\n    outboundTrafficPolicy:\n      mode: REGISTRY_ONLY\n',
  'huge.yaml': Array.from({ length: 2000 }, (_, i) => SE.replace('httpbin', `svc-${i}`)).join('---\n'),
  'unicode.yaml': `${SE}  note: "caf\u00e9 \ud83d\ude80 \ud800 lone surrogate"\n`,
};

/**
 * Edge labels on the map: a long broken-link message is wrapped into short lines, cut after a few
 * with `…`, and kept whole in the edge's tooltip, so one message cannot make its edge as wide as the map.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EDGE_LINE, edgeLines, svgTree, wrapLine, type SvgElement } from './map-svg';

const SUBSET = '✗ subset "api" is not defined for istio-egressgateway.istio-system.svc.cluster.local';
const LONG = `✗ ${'no route at the egress gateway for a-very-long-host-name.example.com:443 '.repeat(4).trim()}`;

test('a long message is wrapped between words, and a long host name after a dot', () => {
  assert.deepEqual(wrapLine(SUBSET), ['✗ subset "api" is not defined for', 'istio-egressgateway.istio-system.svc.', 'cluster.local']);
  assert.deepEqual(wrapLine('80 HTTP · ISTIO_MUTUAL'), ['80 HTTP · ISTIO_MUTUAL']);
});

test('a message longer than the lines allowed is cut, and its last line says so', () => {
  const lines = wrapLine(LONG);
  assert.equal(lines.length, EDGE_LINE.lines);
  for (const line of lines) assert.ok(line.length <= EDGE_LINE.chars, line);
  assert.ok(lines[lines.length - 1].endsWith('…'));
  assert.ok(LONG.startsWith(lines[0]));
});

test('the drawn edge shows the wrapped lines, its tooltip the whole message', () => {
  const edge = { id: 'a->b', labels: ['80 HTTP'], broken: [LONG.slice(2)], notes: ['VirtualService api'], dashed: false, points: [], labelX: 0, labelY: 0 };
  const tree = svgTree({ nodes: [], edges: [edge], width: 100, height: 100 });
  const all: SvgElement[] = [];
  const walk = (e: SvgElement) => (all.push(e), e.children.forEach((c) => typeof c !== 'string' && walk(c)));
  walk(tree);
  const texts = all.filter((e) => e.tag === 'text');
  assert.deepEqual(
    texts.map((t) => t.children[0]),
    edgeLines(edge),
  );
  assert.deepEqual(
    texts.map((t) => t.attrs.class),
    ['edge-text', 'edge-text broken-text', 'edge-text broken-text', 'edge-text broken-text'],
  );
  const title = all.find((e) => e.tag === 'title')!;
  assert.equal(title.children[0], `80 HTTP\n${LONG}\nVirtualService api`);
});

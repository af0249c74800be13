/** The layout leaves room for an edge's wrapped label, not for the whole of a long message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutMap } from './map-layout';
import type { TrafficMapModel } from './traffic-map';

const model = (broken: string[]): TrafficMapModel => ({
  nodes: [
    { id: 'sidecar:shop', kind: 'sidecar', label: 'sidecar', caption: 'shop', broken: false },
    { id: 'host:api.example.com', kind: 'host', label: 'api.example.com', caption: 'ServiceEntry api', broken: true },
  ],
  edges: [{ id: 'e', from: 'sidecar:shop', to: 'host:api.example.com', labels: ['443 HTTPS'], broken, notes: [], dashed: false }],
  policy: { mode: 'ALLOW_ANY', origin: 'setting', overrides: [] },
  hosts: ['api.example.com'],
  namespaces: ['shop'],
  brokenPaths: 1,
});

test('a long broken-link message does not widen the map', () => {
  const message = `no route at the egress gateway for api.example.com:443 ${'because nothing in the workspace routes it there '.repeat(6)}`;
  const short = layoutMap(model(['no route']));
  const long = layoutMap(model([message]));
  // The message alone, on one line, would be about 2,400 pixels wide.
  assert.ok(long.width < short.width + 300, `${short.width} → ${long.width}`);
  assert.ok(long.height > short.height, 'the wrapped lines take height instead');
});

/**
 * Istio's resolution rules in mesh.ts, table-tested against the Istio functions they follow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayRefNameSpan, parseGatewayRef } from '../mesh/gateways';

// Follows pilot/pkg/model/config.go resolveGatewayName: `ns/name`, `./name`, a short name, and the
// legacy dotted forms whose second label is the namespace.
for (const c of [
  { ref: 'istio-system/egress', want: 'istio-system/egress', name: 'egress' },
  { ref: './egress', want: 'shop/egress', name: 'egress' },
  { ref: 'egress', want: 'shop/egress', name: 'egress' },
  { ref: 'egress.istio-system', want: 'istio-system/egress', name: 'egress' },
  { ref: 'egress.istio-system.svc.cluster.local', want: 'istio-system/egress', name: 'egress' },
  { ref: 'mesh', want: undefined, name: 'mesh' },
]) {
  test(`resolveGatewayName: "${c.ref}" in namespace shop is ${c.want ?? 'the mesh'}`, () => {
    const r = parseGatewayRef(c.ref, 'shop');
    assert.equal(r ? `${r.namespace}/${r.name}` : undefined, c.want);
    const span = gatewayRefNameSpan(c.ref);
    assert.equal(c.ref.slice(span.start, span.end), c.name);
  });
}

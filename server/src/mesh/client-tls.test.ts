/**
 * Client TLS merging, table-tested against pilot/pkg/networking/util/util.go `MergeSubsetTrafficPolicy`
 * and `GetPortLevelTrafficPolicy`, and pilot/pkg/model/destination_rule.go `MergeTrafficPolicy`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documents, resource, workspace } from './test-workspace';
import { effectiveDestinationRule } from './destination-rules';
import { clientTls } from './client-tls';

const API = 'api.example.com';
const simple = { tls: { mode: 'SIMPLE', sni: API } };

for (const c of [
  { what: 'no DestinationRule: no TLS origination', rules: [], port: 443, want: 'DISABLE' },
  { what: 'top-level tls applies to every port', rules: [{ trafficPolicy: simple }], port: 443, want: 'SIMPLE' },
  {
    what: 'a port-level entry replaces the top-level tls for its port',
    rules: [{ trafficPolicy: { ...simple, portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'DISABLE' } }] } }],
    port: 80,
    want: 'DISABLE',
  },
  {
    what: 'a port-level entry without tls still replaces the whole policy: no TLS on that port',
    rules: [{ trafficPolicy: { ...simple, portLevelSettings: [{ port: { number: 443 }, connectionPool: { tcp: { maxConnections: 10 } } }] } }],
    port: 443,
    want: 'DISABLE',
  },
  {
    what: "another port's entry leaves the top-level tls in place",
    rules: [{ trafficPolicy: { ...simple, portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'DISABLE' } }] } }],
    port: 443,
    want: 'SIMPLE',
  },
  {
    what: "a subset's tls overrides the top-level tls",
    rules: [{ trafficPolicy: simple, subsets: [{ name: 'v1', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }] }],
    subset: 'v1',
    port: 443,
    want: 'ISTIO_MUTUAL',
  },
  {
    what: 'a subset without tls keeps the top-level tls (field by field)',
    rules: [{ trafficPolicy: simple, subsets: [{ name: 'v1', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } } }] }],
    subset: 'v1',
    port: 443,
    want: 'SIMPLE',
  },
  {
    what: "a subset's port-level entry replaces every field, tls included",
    rules: [{ trafficPolicy: simple, subsets: [{ name: 'v1', trafficPolicy: { portLevelSettings: [{ port: { number: 443 } }] } }] }],
    subset: 'v1',
    port: 443,
    want: 'DISABLE',
  },
  {
    what: "the merged rule's first trafficPolicy counts; a later rule's is ignored",
    rules: [{ trafficPolicy: { tls: { mode: 'DISABLE' } } }, { trafficPolicy: simple }],
    port: 443,
    want: 'DISABLE',
  },
  { what: 'an undefined subset has no settings', rules: [{ trafficPolicy: simple }], subset: 'v9', port: 443, want: undefined },
]) {
  test(`MergeSubsetTrafficPolicy: ${c.what}`, () => {
    const index = workspace({ 'a.yaml': documents(...c.rules.map((spec, i) => resource('DestinationRule', `shop/r${i}`, { host: API, ...spec }))) });
    const tls = clientTls(effectiveDestinationRule(index, 'shop', API), c.subset, c.port);
    assert.equal(tls?.mode, c.want);
  });
}

test('the settings say where the tls in effect is written, for messages and fixes', () => {
  const index = workspace({
    'a.yaml': resource('DestinationRule', 'shop/r', {
      host: API,
      trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: API } }] },
      subsets: [{ name: 'v1' }],
    }),
  });
  const tls = clientTls(effectiveDestinationRule(index, 'shop', API), 'v1', 443);
  assert.deepEqual(tls?.tlsPath, ['spec', 'trafficPolicy', 'portLevelSettings', 0, 'tls']);
  assert.deepEqual(tls?.policyPath, ['spec', 'subsets', 0, 'trafficPolicy']);
  assert.equal(tls?.sni, API);
  assert.equal(tls?.rule?.name, 'r');
});

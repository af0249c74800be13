/**
 * `exportTo`, table-tested against pilot/pkg/model/push_context.go `IsServiceVisible` (a namespace
 * sees a resource exported to `*`, to its name, or to `.` from the resource's own namespace; `~` is
 * no one) and pilot/pkg/serviceregistry/kube/conversion.go `ConvertService` (a Kubernetes Service's
 * exportTo is its `networking.istio.io/exportTo` annotation, comma-separated).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documents, resource, workspace } from './test-workspace';
import { exportScopes, scopesOverlap } from './export-to';
import { isVisibleIn } from './export-defaults';

const se = (id: string, exportTo?: string[]) =>
  resource('ServiceEntry', id, { hosts: [`${id.replace('/', '-')}.example.com`], ...(exportTo ? { exportTo } : {}) });
const service = (id: string, annotation?: string) => {
  const [namespace, name] = id.split('/');
  const annotations = annotation === undefined ? '' : `\n  annotations:\n    networking.istio.io/exportTo: "${annotation}"`;
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${namespace}${annotations}\nspec:\n  ports:\n  - port: 80\n`;
};

for (const c of [
  { what: 'no exportTo: every namespace', doc: se('egress/a'), seenFrom: 'shop', want: true },
  { what: '"." from its own namespace', doc: se('egress/a', ['.']), seenFrom: 'egress', want: true },
  { what: '"." from another namespace', doc: se('egress/a', ['.']), seenFrom: 'shop', want: false },
  { what: 'a namespace by name', doc: se('egress/a', ['shop']), seenFrom: 'shop', want: true },
  { what: 'another namespace by name', doc: se('egress/a', ['team']), seenFrom: 'shop', want: false },
  { what: '"~": no one, not even its own namespace', doc: se('egress/a', ['~']), seenFrom: 'egress', want: false },
  { what: "a Service's annotation, comma-separated", doc: service('egress/api', 'team, shop'), seenFrom: 'shop', want: true },
  { what: 'a Service\'s annotation "." from another namespace', doc: service('egress/api', '.'), seenFrom: 'shop', want: false },
  { what: 'a Service without the annotation: every namespace', doc: service('egress/api'), seenFrom: 'shop', want: true },
]) {
  test(`IsServiceVisible: ${c.what} ${c.want ? 'sees' : 'does not see'} it`, () => {
    const index = workspace({ 'a.yaml': c.doc });
    const [r] = index.ofKind(c.doc.includes('kind: Service\n') ? 'Service' : 'ServiceEntry');
    assert.equal(isVisibleIn(index, r, c.seenFrom), c.want);
  });
}

test('exportScopes resolves "." to the namespace and leaves "~" out; scopesOverlap needs a namespace that sees both', () => {
  const index = workspace({ 'a.yaml': documents(se('egress/a', ['.']), se('egress/b', ['shop', 'egress']), se('shop/c', ['.']), se('team/d', ['~'])) });
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => index.ofKind('ServiceEntry').find((r) => r.name === name)!);
  assert.deepEqual([...exportScopes(a)], ['egress']);
  assert.deepEqual([...exportScopes(d)], []);
  assert.equal(scopesOverlap(a, b), true);
  assert.equal(scopesOverlap(a, c), false);
  assert.equal(scopesOverlap(b, d), false);
});

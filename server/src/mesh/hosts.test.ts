import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostAsIstioNamesIt, hostsOf } from './hosts';
import { documents, resource, workspace } from './test-workspace';

// ServiceEntry hosts follow pilot/pkg/serviceregistry/serviceentry/conversion.go (taken as written);
// VirtualService and DestinationRule hosts follow pilot/pkg/model/config.go ResolveShortnameToFQDN.
for (const c of [
  { kind: 'ServiceEntry', host: 'payments', want: 'payments' },
  { kind: 'ServiceEntry', host: 'API.Example.com.', want: 'api.example.com' },
  { kind: 'VirtualService', host: 'payments', want: 'payments.shop.svc.cluster.local' },
  { kind: 'DestinationRule', host: 'payments', want: 'payments.shop.svc.cluster.local' },
  { kind: 'DestinationRule', host: 'payments.other', want: 'payments.other' },
  { kind: 'VirtualService', host: '*', want: '*' },
]) {
  test(`${c.kind} host "${c.host}" in namespace shop is ${c.want}`, () => {
    assert.equal(hostAsIstioNamesIt(c.kind, c.host, 'shop'), c.want);
  });
}

test('the index files a short ServiceEntry host as written, so it does not define the Kubernetes name', () => {
  const index = workspace({
    'a.yaml': documents(
      resource('ServiceEntry', 'shop/short', { hosts: ['payments'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }),
      resource('VirtualService', 'shop/route', { hosts: ['payments'], http: [{ route: [{ destination: { host: 'payments' } }] }] }),
    ),
  });
  assert.deepEqual(
    index.withHost('ServiceEntry', 'payments').map((r) => r.name),
    ['short'],
  );
  assert.deepEqual(index.withHost('ServiceEntry', 'payments.shop.svc.cluster.local'), []);
  assert.deepEqual(hostsOf(index.ofKind('VirtualService')[0]), ['payments.shop.svc.cluster.local']);
});

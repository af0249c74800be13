/**
 * Gateway servers, table-tested against pilot/pkg/networking/core/gateway.go `pickMatchingGatewayHosts`
 * (a `ns/host` server entry admits only VirtualServices of that namespace, `./` being the Gateway's
 * after merging; hosts match in either direction as host.Name.Matches) and networking/v1alpha3
 * gateway.proto ServerTLSSettings, whose mode defaults to PASSTHROUGH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resource, workspace } from './test-workspace';
import { gatewayServers, isPassthroughServer, serverHostAdmits } from './gateway-servers';

for (const c of [
  { entry: 'edition.cnn.com', host: 'edition.cnn.com', want: true },
  { entry: '*.cnn.com', host: 'edition.cnn.com', want: true },
  { entry: 'edition.cnn.com', host: '*.cnn.com', want: true },
  { entry: 'edition.cnn.com', host: 'www.cnn.com', want: false },
  { entry: 'shop/edition.cnn.com', host: 'edition.cnn.com', want: true },
  { entry: 'team/edition.cnn.com', host: 'edition.cnn.com', want: false },
  { entry: './edition.cnn.com', host: 'edition.cnn.com', want: false },
  { entry: '*/edition.cnn.com', host: 'edition.cnn.com', want: true },
]) {
  test(
    `pickMatchingGatewayHosts: server host "${c.entry}" ${c.want ? 'admits' : 'does not admit'} ${c.host} of a ` +
      'VirtualService in shop (Gateway in istio-system)',
    () => {
      assert.equal(serverHostAdmits(c.entry, c.host, 'shop', 'istio-system'), c.want);
    },
  );
}

test('gatewayServers reads port, protocol and TLS mode; a tls block without mode is PASSTHROUGH', () => {
  const index = workspace({
    'a.yaml': resource('Gateway', 'istio-system/egress', {
      selector: { istio: 'egressgateway' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'http' }, hosts: ['edition.cnn.com'] },
        { port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['edition.cnn.com'], tls: {} },
        { port: { number: 8443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'istio_mutual' } },
      ],
    }),
  });
  const servers = gatewayServers(index.ofKind('Gateway')[0]);
  assert.deepEqual(
    servers.map((s) => `${s.port} ${s.protocol} ${s.tlsMode ?? '-'} ${s.tlsModeExplicit}`),
    ['80 HTTP - false', '443 TLS PASSTHROUGH false', '8443 HTTPS ISTIO_MUTUAL true'],
  );
  assert.deepEqual(servers.map(isPassthroughServer), [false, true, false]);
});

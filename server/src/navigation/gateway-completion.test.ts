/**
 * Completion of a VirtualService match's `port`, a Gateway server's `hosts`, a Gateway API route's
 * `hostnames` and a DestinationRule's `tls.sni`. A match runs where its own `gateways`, or else the
 * VirtualService's, say (pilot/pkg/networking/core/route/route.go `sourceMatchHTTP`); on a Gateway its
 * port is one of the servers whose hosts admit the VirtualService's host (networking/core/gateway.go
 * `pickMatchingGatewayHosts`), on the mesh one the registry declares for the host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { workspaceCompletions } from './completion';

const FILES: Record<string, string> = {
  'file:///ws/gateway.yaml': `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egressgw
  namespace: istio-system
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - edition.cnn.com
  - port:
      number: 443
      name: tls
      protocol: TLS
    hosts:
    - "*.wikipedia.org"
    tls:
      mode: PASSTHROUGH
`,
  'file:///ws/cnn.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cnn
  namespace: default
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 80
    name: http
    protocol: HTTP
  - number: 443
    name: tls
    protocol: TLS
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: wiki
  namespace: default
spec:
  hosts:
  - "*.wikipedia.org"
  - en.wikipedia.org
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: hidden
  namespace: shop
spec:
  exportTo:
  - "."
  hosts:
  - secret.example.com
---
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
spec:
  ports:
  - port: 9080
`,
};

function completeIn(text: string): string[] {
  const index = new WorkspaceIndex();
  for (const [uri, t] of Object.entries(FILES)) index.setFile(parseFile(uri, t));
  const file = parseFile('file:///ws/new.yaml', text.replace('|', ''));
  index.setFile(file);
  return workspaceCompletions(file, text.indexOf('|'), { index, settings: DEFAULT_SETTINGS }).map((c) => `${c.label} — ${c.detail}`);
}

const vs = (spec: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: cnn\n  namespace: default\nspec:\n${spec}`;
const cnnHosts = '  hosts:\n  - edition.cnn.com\n';

test('a match port on a Gateway completes the ports of its servers that admit the VirtualService host', () => {
  const spec =
    `${cnnHosts}  gateways:\n  - istio-system/egressgw\n  - mesh\n  http:\n  - match:\n    - gateways:\n` + '      - istio-system/egressgw\n      port: |\n';
  assert.deepEqual(completeIn(vs(spec)), ['80 — port of Gateway istio-system/egressgw, server 1 (HTTP)']);
  // A TLS route for a wikipedia host binds to the passthrough server only.
  const tls =
    '  hosts:\n  - en.wikipedia.org\n  gateways:\n  - istio-system/egressgw\n' +
    '  tls:\n  - match:\n    - sniHosts:\n      - en.wikipedia.org\n      port: |\n';
  assert.deepEqual(completeIn(vs(tls)), ['443 — port of Gateway istio-system/egressgw, server 2 (TLS)']);
});

test('a match port on the mesh completes the ports the registry declares for the VirtualService hosts', () => {
  const spec = `${cnnHosts}  gateways:\n  - istio-system/egressgw\n  tcp:\n  - match:\n    - gateways:\n      - mesh\n      port: |\n`;
  assert.deepEqual(completeIn(vs(spec)), ['80 — port of ServiceEntry default/cnn (http, HTTP)', '443 — port of ServiceEntry default/cnn (tls, TLS)']);
  // Without gateways of its own, a match runs where the VirtualService does: here, the mesh (no gateways).
  assert.deepEqual(completeIn(vs(`${cnnHosts}  http:\n  - match:\n    - port: |\n`)), [
    '80 — port of ServiceEntry default/cnn (http, HTTP)',
    '443 — port of ServiceEntry default/cnn (tls, TLS)',
  ]);
  // A Gateway that admits none of the hosts offers nothing.
  assert.deepEqual(completeIn(vs(`  hosts:\n  - api.example.com\n  gateways:\n  - istio-system/egressgw\n  http:\n  - match:\n    - port: |\n`)), []);
});

test('a Gateway server host completes namespace/host for VirtualServices it sees and */host for ServiceEntry hosts', () => {
  const gw = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: g\n  namespace: istio-system\nspec:\n  servers:\n  - port:\n`;
  const text = `${gw}      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - |\n`;
  // The VirtualService exported only to "shop" is not offered; the file's own VirtualService is.
  const extra = `---\n${vs(cnnHosts)}`;
  assert.deepEqual(completeIn(text + extra), [
    'default/edition.cnn.com — VirtualService default/cnn',
    '*/edition.cnn.com — ServiceEntry default/cnn',
    '*/*.wikipedia.org — ServiceEntry default/wiki',
    '*/en.wikipedia.org — ServiceEntry default/wiki',
  ]);
});

test('a Gateway API route hostname completes the ServiceEntry hosts and Service FQDNs its namespace sees', () => {
  const route = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: default\nspec:\n  hostnames:\n  - |\n';
  assert.deepEqual(completeIn(route), [
    'edition.cnn.com — ServiceEntry default/cnn',
    '*.wikipedia.org — ServiceEntry default/wiki',
    'en.wikipedia.org — ServiceEntry default/wiki',
    'reviews.shop.svc.cluster.local — Service shop/reviews',
  ]);
});

test('a DestinationRule tls.sni completes its host first, then the hosts of the ServiceEntries it covers', () => {
  const dr = (host: string, tls: string) =>
    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: d\n  namespace: default\nspec:\n  host: ${host}\n  trafficPolicy:\n${tls}`;
  const sni = '    tls:\n      mode: SIMPLE\n      sni: |\n';
  assert.deepEqual(completeIn(dr('edition.cnn.com', sni)), [
    'edition.cnn.com — host of DestinationRule default/d',
    // The ServiceEntry's host is the same name, so it is not offered twice.
  ]);
  // A wildcard rule is no server name: the concrete hosts of the ServiceEntries under it are offered.
  assert.deepEqual(completeIn(dr('"*.wikipedia.org"', `    portLevelSettings:\n    - port:\n        number: 443\n  ${sni.replace(/\n(?!$)/g, '\n  ')}`)), [
    'en.wikipedia.org — host of ServiceEntry default/wiki',
  ]);
});

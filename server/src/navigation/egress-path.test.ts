/**
 * The egress path of every host and port on the scenarios of Istio's egress tasks
 * (../shared/corpus/istio-docs), written out as the docs describe the traffic, and broken paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsShared, sharedPath } from '../shared-corpus';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { pathTitle, serviceEntryPaths, servicePaths, virtualServicePaths } from './egress-path';
import { meshPartition } from '../index/meshes';
import { vsUnknownHost } from '../analyzers/vs-unknown-host';
import { vsWildcardOnlyHost } from '../analyzers/vs-wildcard-only-host';

const CORPUS = sharedPath('corpus', 'istio-docs');
const NEEDS_CORPUS = needsShared('corpus', 'istio-docs');

function indexOf(files: Record<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const [name, text] of Object.entries(files)) index.setFile(parseFile(`file:///ws/${name}`, text));
  return index;
}

function scenario(folder: string): Record<string, string> {
  const dir = path.join(CORPUS, folder);
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

/** Every path lens of the workspace: `Kind name: host:port: path`, sorted. */
function lenses(index: WorkspaceIndex): string[] {
  const ctx = { index, settings: DEFAULT_SETTINGS };
  return [
    ...index.ofKind('ServiceEntry').flatMap((se) => serviceEntryPaths(se, ctx).map((p) => `ServiceEntry ${se.name}: ${pathTitle(p)}`)),
    ...index.ofKind('Service').flatMap((s) => servicePaths(s, ctx).map((p) => `Service ${s.name}: ${pathTitle(p)}`)),
    ...index.ofKind('VirtualService').flatMap((vs) => virtualServicePaths(vs, ctx).map((p) => `VirtualService ${vs.name}: ${pathTitle(p)}`)),
  ].sort();
}

const EXPECTED: Record<string, string[]> = {
  'egress-control/service-entries': [
    'ServiceEntry google: www.google.com:443: default → sidecar → www.google.com:443 (REGISTRY_ONLY: allowed by ServiceEntry google)',
    'ServiceEntry httpbin-ext: httpbin.org:80: default → sidecar → httpbin.org:80 (REGISTRY_ONLY: ' +
      'allowed by ServiceEntry httpbin-ext; VirtualService httpbin-ext)',
    'VirtualService httpbin-ext: httpbin.org:80: default → sidecar → httpbin.org:80 (REGISTRY_ONLY: ' +
      'allowed by ServiceEntry httpbin-ext; VirtualService httpbin-ext)',
  ],
  'egress-tls-origination/simple': [
    'ServiceEntry edition-cnn-com: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (ALLOW_ANY)',
    'ServiceEntry edition-cnn-com: edition.cnn.com:80: default → sidecar → edition.cnn.com:443 (TLS originated; ALLOW_ANY)',
  ],
  'egress-tls-origination/mutual': [
    'ServiceEntry originate-mtls-for-nginx: my-nginx.mesh-external.svc.cluster.local:443: ' +
      'default → sidecar → my-nginx.mesh-external.svc.cluster.local:443 (ALLOW_ANY)',
    'ServiceEntry originate-mtls-for-nginx: my-nginx.mesh-external.svc.cluster.local:80: ' +
      'default → sidecar → my-nginx.mesh-external.svc.cluster.local:443 (mutual TLS originated; ALLOW_ANY)',
  ],
  'egress-gateway/http': [
    'ServiceEntry cnn: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (ALLOW_ANY)',
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80',
    'VirtualService direct-cnn-through-egress-gateway: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (ALLOW_ANY)',
    'VirtualService direct-cnn-through-egress-gateway: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80',
  ],
  'egress-gateway/https-passthrough': [
    'ServiceEntry cnn: edition.cnn.com:443: default → sidecar → istio-egressgateway:443 (TLS passthrough) → edition.cnn.com:443',
    'VirtualService direct-cnn-through-egress-gateway: edition.cnn.com:443: ' +
      'default → sidecar → istio-egressgateway:443 (TLS passthrough) → edition.cnn.com:443',
  ],
  'egress-gateway-tls-origination/simple': [
    // The DestinationRule that originates TLS at the gateway has no workloadSelector, so the sidecars use it on 443 too.
    'ServiceEntry cnn: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (TLS originated; ALLOW_ANY)',
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 (ISTIO_MUTUAL) → edition.cnn.com:443 (TLS originated)',
    'VirtualService direct-cnn-through-egress-gateway: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (TLS originated; ALLOW_ANY)',
    'VirtualService direct-cnn-through-egress-gateway: edition.cnn.com:80: ' +
      'default → sidecar → istio-egressgateway:80 (ISTIO_MUTUAL) → edition.cnn.com:443 (TLS originated)',
  ],
  'egress-gateway-tls-origination/mutual': [
    // The host is the Kubernetes Service my-nginx (port 443); the VirtualService's mesh rule matches port 80.
    'VirtualService direct-nginx-through-egress-gateway: my-nginx.mesh-external.svc.cluster.local:443: ' +
      'default → sidecar → my-nginx.mesh-external.svc.cluster.local:443 (mutual TLS originated; ALLOW_ANY)',
    'VirtualService direct-nginx-through-egress-gateway: my-nginx.mesh-external.svc.cluster.local:80: ' +
      'default → sidecar → istio-egressgateway:443 (ISTIO_MUTUAL) → ' +
      'my-nginx.mesh-external.svc.cluster.local:443 (mutual TLS originated)',
  ],
  'wildcard-egress-hosts/direct': [
    'ServiceEntry wikipedia: *.wikipedia.org:443: default → sidecar → *.wikipedia.org:443 (REGISTRY_ONLY: allowed by ServiceEntry wikipedia)',
  ],
  'wildcard-egress-hosts/single-host': [
    'ServiceEntry www-wikipedia: www.wikipedia.org:443: default → sidecar → istio-egressgateway:443 (TLS passthrough) → www.wikipedia.org:443',
    'VirtualService direct-wikipedia-through-egress-gateway: www.wikipedia.org:443: ' +
      'default → sidecar → istio-egressgateway:443 (TLS passthrough) → www.wikipedia.org:443',
  ],
  // An ExternalName Service is an alias of httpbin.org, which no ServiceEntry defines: the sidecar passes the call through (ALLOW_ANY).
  'egress-kubernetes-services/externalname': [
    'Service my-httpbin: my-httpbin.default.svc.cluster.local:80: default → sidecar → httpbin.org:80 (ALLOW_ANY; ExternalName Service my-httpbin)',
  ],
  // A Service without a selector leads to the addresses of its Endpoints; its DestinationRule disables TLS, so none is originated.
  'egress-kubernetes-services/service-with-endpoints': [
    'Service my-wikipedia: my-wikipedia.default.svc.cluster.local:443: ' +
      'default → sidecar → 198.35.26.96:443, 208.80.153.224:443 (ALLOW_ANY; Endpoints my-wikipedia)',
  ],
  'http-proxy/https-proxy': ['ServiceEntry proxy: my-company-proxy.com:3128: default → sidecar → my-company-proxy.com:3128 (ALLOW_ANY)'],
  'egress-gateway/http-gateway-api': [
    'ServiceEntry cnn: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (ALLOW_ANY)',
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 → edition.cnn.com:80',
  ],
  'egress-gateway-tls-origination/simple-gateway-api': [
    'ServiceEntry cnn: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (TLS originated; ALLOW_ANY)',
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 (ISTIO_MUTUAL) → edition.cnn.com:443 (TLS originated)',
  ],
  'egress-gateway-tls-origination/mutual-gateway-api': [
    // A VirtualService sends port 80 to the Service Istio deploys for the Gateway API Gateway; its HTTPRoute's backend is the Kubernetes Service my-nginx.
    'VirtualService direct-nginx-to-egress-gateway: my-nginx.mesh-external.svc.cluster.local:443: ' +
      'default → sidecar → my-nginx.mesh-external.svc.cluster.local:443 (mutual TLS originated; ALLOW_ANY)',
    'VirtualService direct-nginx-to-egress-gateway: my-nginx.mesh-external.svc.cluster.local:80: ' +
      'default → sidecar → nginx-egressgateway-istio:443 (ISTIO_MUTUAL) → ' +
      'my-nginx.mesh-external.svc.cluster.local:443 (mutual TLS originated)',
  ],
  'egress-gateway/https-passthrough-gateway-api': [
    'ServiceEntry cnn: edition.cnn.com:443: default → sidecar → cnn-egress-gateway-istio:443 (TLS passthrough) → edition.cnn.com:443',
  ],
  'egress-control/service-entries-gateway-api': [
    'ServiceEntry google: www.google.com:443: default → sidecar → www.google.com:443 (REGISTRY_ONLY: allowed by ServiceEntry google)',
    'ServiceEntry httpbin-ext: httpbin.org:80: default → sidecar → httpbin.org:80 (REGISTRY_ONLY: allowed by ServiceEntry httpbin-ext; HTTPRoute httpbin-ext)',
  ],
  'wildcard-egress-hosts/single-host-gateway-api': [
    // The gateway's TLSRoute sends every *.wikipedia.org name it admits to its backend, the Hostname www.wikipedia.org.
    'ServiceEntry wikipedia: *.wikipedia.org:443: default → sidecar → wikipedia-egress-gateway-istio:443 (TLS passthrough) → www.wikipedia.org:443',
    'ServiceEntry www-wikipedia: www.wikipedia.org:443: default → sidecar → www.wikipedia.org:443 (REGISTRY_ONLY: allowed by ServiceEntry www-wikipedia)',
  ],
  // Only the sidecar's includeOutboundIPRanges: no resource declares an external host.
  'egress-control/direct-access-include-ip-ranges': [],
  'egress-gateway/network-policy': [
    'ServiceEntry cnn: edition.cnn.com:443: default → sidecar → istio-egressgateway:443 (TLS passthrough) → edition.cnn.com:443',
    'VirtualService direct-cnn-through-egress-gateway: edition.cnn.com:443: ' +
      'default → sidecar → istio-egressgateway:443 (TLS passthrough) → edition.cnn.com:443',
  ],
  'egress-gateway/network-policy-gateway-api': [
    'ServiceEntry cnn: edition.cnn.com:443: default → sidecar → cnn-egress-gateway-istio:443 (TLS passthrough) → edition.cnn.com:443',
  ],
  'egress-tls-origination/mutual-networking-v1': [
    'ServiceEntry originate-mtls-for-nginx: my-nginx.mesh-external.svc.cluster.local:443: ' +
      'default → sidecar → my-nginx.mesh-external.svc.cluster.local:443 (ALLOW_ANY)',
    'ServiceEntry originate-mtls-for-nginx: my-nginx.mesh-external.svc.cluster.local:80: ' +
      'default → sidecar → my-nginx.mesh-external.svc.cluster.local:443 (mutual TLS originated; ALLOW_ANY)',
  ],
  'egress-tls-origination/simple-networking-v1': [
    'ServiceEntry edition-cnn-com: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (ALLOW_ANY)',
    'ServiceEntry edition-cnn-com: edition.cnn.com:80: default → sidecar → edition.cnn.com:443 (TLS originated; ALLOW_ANY)',
  ],
  'legacy/egress-gateway-tls-origination-sds/simple': [
    'VirtualService direct-nginx-through-egress-gateway: my-nginx.mesh-external.svc.cluster.local:443: ' +
      'default → sidecar → my-nginx.mesh-external.svc.cluster.local:443 (TLS originated; ALLOW_ANY)',
    'VirtualService direct-nginx-through-egress-gateway: my-nginx.mesh-external.svc.cluster.local:80: ' +
      'default → sidecar → istio-egressgateway:443 (ISTIO_MUTUAL) → ' +
      'my-nginx.mesh-external.svc.cluster.local:443 (TLS originated)',
  ],
  'legacy/proxy/ingress-gateway-as-external-proxy': [
    // The mesh rules send both hosts to localhost.local, the ServiceEntry for the ingress gateway that proxies them.
    'ServiceEntry google: www.google.com:443: default → sidecar → localhost.local:443 (ALLOW_ANY; VirtualService google)',
    'ServiceEntry httpbin-ext: httpbin.org:80: default → sidecar → localhost.local:80 (ALLOW_ANY; VirtualService httpbin)',
    'ServiceEntry localhost: localhost.local:443: default → sidecar → localhost.local:443 (ALLOW_ANY)',
    'ServiceEntry localhost: localhost.local:80: default → sidecar → localhost.local:80 (ALLOW_ANY)',
    'VirtualService google: www.google.com:443: default → sidecar → localhost.local:443 (ALLOW_ANY; VirtualService google)',
    'VirtualService httpbin: httpbin.org:80: default → sidecar → localhost.local:80 (ALLOW_ANY; VirtualService httpbin)',
  ],
  // The VirtualService sends the mesh's traffic to istio-egressgateway-with-sni-proxy, whose Service and pods the corpus leaves out
  // (istioctl installs them): the sidecar sends to that Service, which lives outside the workspace (as vs-unknown-host judges a
  // namespace whose Services the workspace does not describe), so the path stops there rather than going to the host directly.
  'legacy/wildcard-egress-hosts/arbitrary-domains': [
    'ServiceEntry sni-proxy: sni-proxy.local:8443: default → sidecar → sni-proxy.local:8443 (REGISTRY_ONLY: allowed by ServiceEntry sni-proxy)',
    'ServiceEntry wikipedia: *.wikipedia.org:443: default → sidecar → VirtualService direct-wikipedia-through-egress-gateway ' +
      '(destination istio-egressgateway-with-sni-proxy.istio-system.svc.cluster.local is not in the workspace)',
    'VirtualService direct-wikipedia-through-egress-gateway: *.wikipedia.org:443: ' +
      'default → sidecar → VirtualService direct-wikipedia-through-egress-gateway ' +
      '(destination istio-egressgateway-with-sni-proxy.istio-system.svc.cluster.local is not in the workspace)',
  ],
};

test('every scenario of the docs corpus has its paths written here', NEEDS_CORPUS, () => {
  const folders = (dir: string): string[] =>
    fs.readdirSync(path.join(CORPUS, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      return e.isDirectory() ? folders(rel) : e.name.endsWith('.yaml') && dir ? [dir] : [];
    });
  assert.deepEqual([...new Set(folders(''))].sort(), Object.keys(EXPECTED).sort());
});

for (const [folder, expected] of Object.entries(EXPECTED)) {
  test(`egress paths of ${folder}`, NEEDS_CORPUS, () => {
    assert.deepEqual(lenses(indexOf(scenario(folder))), expected);
  });
}

test('a broken link is shown broken: no route at the egress gateway, or a subset that does not exist', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http');
  const vsFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  // Without the gateway-side rule, the sidecars send to the egress gateway, which has nowhere to send.
  const meshOnly = files[vsFile].replace(/ {2}- match:\n {4}- gateways:\n {6}- istio-egressgateway[\s\S]*$/, '');
  assert.notEqual(meshOnly, files[vsFile]);
  assert.deepEqual(
    lenses(indexOf({ ...files, [vsFile]: meshOnly })).filter((l) => l.startsWith('ServiceEntry cnn: edition.cnn.com:80')),
    ['ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 ✗ no route at the egress gateway for edition.cnn.com:80'],
  );
  const wrongSubset = files[vsFile].replace('subset: cnn', 'subset: cnnn');
  assert.deepEqual(
    lenses(indexOf({ ...files, [vsFile]: wrongSubset })).filter((l) => l.startsWith('ServiceEntry cnn: edition.cnn.com:80')),
    [
      'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 ✗ subset "cnnn" is ' +
        'not defined for istio-egressgateway.istio-system.svc.cluster.local',
    ],
  );
  // The broken link points at the subset as written, where vs-unknown-subset reports it.
  const index = indexOf({ ...files, [vsFile]: wrongSubset });
  const [broken] = serviceEntryPaths(index.ofKind('ServiceEntry')[0], { index, settings: DEFAULT_SETTINGS }).filter((p) => p.broken);
  assert.equal(broken.brokenAt?.uri, `file:///ws/${vsFile}`);
  assert.equal(wrongSubset.slice(broken.brokenAt.start, broken.brokenAt.end), 'cnnn');
});

test('an egress gateway declared in the workspace is a hop, and it originates TLS with the DestinationRule its own namespace sees', () => {
  const platform = `apiVersion: apps/v1
kind: Deployment
metadata: {name: egress-gateway, namespace: egress}
spec:
  template:
    metadata:
      labels: {app: egress-gateway, istio: egress-custom}
---
apiVersion: v1
kind: Service
metadata: {name: egress-gateway, namespace: egress}
spec:
  selector: {app: egress-gateway}
  ports: [{name: http, port: 80}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: egress-gateway, namespace: egress}
spec:
  selector: {istio: egress-custom}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [api.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: egress}
spec:
  hosts: [api.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}, {number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
---
# Private to the gateway's namespace: only the gateway originates TLS with it.
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api-tls, namespace: egress}
spec:
  host: api.example.com
  exportTo: ["."]
  trafficPolicy:
    portLevelSettings: [{port: {number: 443}, tls: {mode: SIMPLE}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: egress}
spec:
  hosts: [api.example.com]
  gateways: [mesh, egress-gateway]
  http:
  - match: [{gateways: [mesh], port: 80}]
    route: [{destination: {host: egress-gateway.egress.svc.cluster.local, port: {number: 80}}}]
  - match: [{gateways: [egress-gateway], port: 80}]
    route: [{destination: {host: api.example.com, port: {number: 443}}}]
`;
  assert.deepEqual(
    lenses(indexOf({ 'platform.yaml': platform })).filter((l) => l.startsWith('ServiceEntry api: api.example.com:80')),
    ['ServiceEntry api: api.example.com:80: egress → sidecar → egress-gateway:80 → api.example.com:443 (TLS originated)'],
  );
});

test('a subset is found in whichever DestinationRule for the host defines it, as vs-unknown-subset finds it', NEEDS_CORPUS, () => {
  // Two rules for the egress gateway in one namespace, each adding a subset (pilot/pkg/model/destination_rule.go mergeDestinationRule).
  const other = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-httpbin
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: httpbin
`;
  const index = indexOf({ '00-other.yaml': other, ...scenario('egress-gateway/http') });
  assert.deepEqual(
    lenses(index).filter((l) => l.startsWith('ServiceEntry cnn: edition.cnn.com:80')),
    ['ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80'],
  );
});

test('a Gateway API route is followed to the Gateway API egress gateway, and a missing forward route is a broken link', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http-gateway-api');
  const routesFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const withoutForward = files[routesFile].replace(/---\n[^]*name: forward-cnn-from-egress-gateway[^]*$/, '');
  assert.notEqual(withoutForward, files[routesFile]);
  assert.deepEqual(
    lenses(indexOf({ ...files, [routesFile]: withoutForward })).filter((l) => l.includes(':80:')),
    ['ServiceEntry cnn: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 ✗ no route at Gateway cnn-egress-gateway for edition.cnn.com:80'],
  );
});

/** The docs' Gateway API scenario with the HTTPRoute that sends the mesh's traffic given another backendRef, plus extra files. */
function withMeshBackend(backendRef: string, extra: Record<string, string> = {}): Record<string, string> {
  const files = scenario('egress-gateway/http-gateway-api');
  const routesFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const routes = files[routesFile].replace(/ {4}- name: cnn-egress-gateway-istio\n {6}port: 80\n/, backendRef);
  assert.notEqual(routes, files[routesFile]);
  return { ...files, [routesFile]: routes, ...extra };
}

const cnn80 = (index: WorkspaceIndex) => lenses(index).filter((l) => l.includes(':80:'));

test('a Gateway API route whose backendRef is the Istio egress gateway Service is followed through its Gateway and VirtualService', NEEDS_CORPUS, () => {
  // The docs' Istio egress gateway (egress-gateway/http) with only its gateway-side rule, reached by the docs' HTTPRoute
  // (conversion.go buildDestination: a Service backend is `<name>.<namespace>.svc.cluster.local`).
  const http = scenario('egress-gateway/http');
  const gatewayFile = Object.keys(http).find((f) => f.startsWith('02-'))!;
  const vsFile = Object.keys(http).find((f) => f.startsWith('03-'))!;
  const gatewaySide = http[vsFile].replace(/ {2}- mesh\n/, '').replace(/ {2}- match:\n {4}- gateways:\n {6}- mesh[\s\S]*?weight: 100\n/, '');
  assert.doesNotMatch(gatewaySide, /mesh/);
  const files = withMeshBackend('    - name: istio-egressgateway\n      namespace: istio-system\n      port: 80\n', {
    'istio-gateway.yaml': http[gatewayFile],
    'istio-forward.yaml': gatewaySide,
  });
  // The gateway-side VirtualService's lens shows the same path.
  assert.deepEqual(cnn80(indexOf(files)), [
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80',
    'VirtualService direct-cnn-through-egress-gateway: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80',
  ]);
  // Without the gateway-side rule the egress gateway has nowhere to send it: a broken link on the route.
  const withoutForward = Object.fromEntries(Object.entries(files).filter(([name]) => name !== 'istio-forward.yaml'));
  assert.deepEqual(cnn80(indexOf(withoutForward)), [
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 ✗ no route at the egress gateway for edition.cnn.com:80',
  ]);
});

test('a backendRef that is an ExternalName Service goes where its externalName goes (ENABLE_EXTERNAL_NAME_ALIAS)', NEEDS_CORPUS, () => {
  const alias = (name: string, externalName: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: ` +
    `ExternalName\n  externalName: ${externalName}\n  ports:\n  - name: http\n    protocol: ` +
    'TCP\n    port: 80\n';
  // An alias of the Service Istio deploys for the docs' Gateway API egress gateway: the path goes through that gateway.
  const toGateway = withMeshBackend('    - name: cnn-egress\n      port: 80\n', {
    'alias.yaml': alias('cnn-egress', 'cnn-egress-gateway-istio.default.svc.cluster.local'),
  });
  assert.deepEqual(cnn80(indexOf(toGateway)), ['ServiceEntry cnn: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 → edition.cnn.com:80']);
  // An alias of an external host that a ServiceEntry defines (egress-control/service-entries-gateway-api's httpbin-ext): the sidecar calls that host.
  const httpbinEntry = scenario('egress-control/service-entries-gateway-api')['01-serviceentry-httpbin-ext.yaml'];
  const toHost = withMeshBackend('    - name: my-httpbin\n      port: 80\n', {
    'alias.yaml': alias('my-httpbin', 'httpbin.org'),
    'httpbin.yaml': httpbinEntry,
  });
  assert.deepEqual(
    cnn80(indexOf(toHost)),
    [
      'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → httpbin.org:80 (ALLOW_ANY; ' +
        'HTTPRoute direct-cnn-to-egress-gateway; ExternalName Service my-httpbin)',
      'ServiceEntry httpbin-ext: httpbin.org:80: default → sidecar → httpbin.org:80 (ALLOW_ANY)',
      // The alias has a lens of its own too.
      'Service my-httpbin: my-httpbin.default.svc.cluster.local:80: default → sidecar → httpbin.org:80 (ALLOW_ANY; ExternalName Service my-httpbin)',
    ].sort(),
  );
});

test(
  'a route to an ExternalName Service of a host the registry lacks has no cluster, whatever the outbound policy ' +
    "(conversion.go buildDestination keeps the Service host; route.go GetDestinationCluster names the externalName's cluster, which CDS never builds)",
  NEEDS_CORPUS,
  () => {
    const alias = externalName('my-httpbin', 'httpbin.org');
    const files = withMeshBackend('    - name: my-httpbin\n      port: 80\n', { 'alias.yaml': alias });
    const broken =
      'ServiceEntry cnn: edition.cnn.com:80: default → sidecar ✗ HTTPRoute direct-cnn-to-egress-gateway sends to httpbin.org ' +
      '(ExternalName Service my-httpbin), which has no cluster: no ServiceEntry or Service visible from namespace "default" defines it';
    // Called directly, the alias is passed through by ALLOW_ANY (it has no listener of its own); through the route it is not.
    assert.deepEqual(cnn80(indexOf(files)), [
      'Service my-httpbin: my-httpbin.default.svc.cluster.local:80: default → sidecar → httpbin.org:80 (ALLOW_ANY; ExternalName Service my-httpbin)',
      broken,
    ]);
    // The broken link points at the backendRef's name.
    const index = indexOf(files);
    const [path] = serviceEntryPaths(index.ofKind('ServiceEntry')[0], { index, settings: DEFAULT_SETTINGS }).filter((p) => p.broken);
    const routesFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
    assert.equal(path.brokenAt?.uri, `file:///ws/${routesFile}`);
    assert.equal(files[routesFile].slice(path.brokenAt.start, path.brokenAt.end), 'my-httpbin');
  },
);

test('a backendRef Service that is no egress gateway, or that the workspace lacks, is named where the path stops', NEEDS_CORPUS, () => {
  const proxy = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: proxy\nspec:\n  selector:\n    app: proxy\n  ports:\n  - port: 80\n';
  assert.deepEqual(cnn80(indexOf(withMeshBackend('    - name: proxy\n      port: 80\n', { 'proxy.yaml': proxy }))), [
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → HTTPRoute direct-cnn-to-egress-gateway (backend proxy is not an egress gateway)',
  ]);
  assert.deepEqual(cnn80(indexOf(withMeshBackend('    - name: proxy\n      port: 80\n'))), [
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → HTTPRoute direct-cnn-to-egress-gateway ' +
      '(backend proxy.default.svc.cluster.local is not in the workspace)',
  ]);
});

test(
  'scenarios side by side in one repository, each folder a mesh (istioEgress.clusters): each path uses its own mesh, as the diagnostics do',
  NEEDS_CORPUS,
  () => {
    // Both folders define Gateway default/cnn-egress-gateway (for port 80 in one, 443 in the other) and a route the gateway forwards by.
    const folders = ['egress-gateway/http-gateway-api', 'egress-gateway/https-passthrough-gateway-api'];
    const files = Object.fromEntries(folders.flatMap((folder) => Object.entries(scenario(folder)).map(([name, text]) => [`${folder}/${name}`, text])));
    const index = indexOf(files);
    index.setMeshes(meshPartition(['egress-gateway/*'], ['file:///ws']));
    const ctx = { index, settings: DEFAULT_SETTINGS };
    const paths = index
      .ofKind('ServiceEntry')
      .flatMap((se) => serviceEntryPaths(se, ctx).map((p) => `${se.uri.split('/').slice(-2, -1)[0]}: ${pathTitle(p)}`))
      .sort();
    assert.deepEqual(paths, [
      'http-gateway-api: edition.cnn.com:443: default → sidecar → edition.cnn.com:443 (ALLOW_ANY)',
      'http-gateway-api: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 → edition.cnn.com:80',
      'https-passthrough-gateway-api: edition.cnn.com:443: default → sidecar → cnn-egress-gateway-istio:443 (TLS passthrough) → edition.cnn.com:443',
    ]);
  },
);

test(
  "the mesh config's defaultServiceExportTo hides a ServiceEntry from other namespaces' paths, " +
    'as the diagnostics see it (push_context.go IsServiceVisible)',
  () => {
    const files = (exportTo: string) => ({
      'mesh-config.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    defaultServiceExportTo: ["."]
`,
      'egress.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: egress}
spec:
  hosts: [api.example.com]
${exportTo}  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
`,
      'shop.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: calls, namespace: shop}
spec:
  hosts: ["*.example.com"]
  tls:
  - match: [{port: 443, sniHosts: ["*.example.com"]}]
    route: [{destination: {host: "*.example.com"}}]
`,
    });
    const paths = (exportTo: string) => lenses(indexOf(files(exportTo))).filter((l) => l.startsWith('VirtualService calls:'));
    assert.deepEqual(paths(''), [], 'without exportTo the ServiceEntry stays in its own namespace, so shop routes no path through it');
    assert.equal(paths('  exportTo: ["*"]\n').length, 1, 'exported to every namespace, it is on the path of the wildcard route');
  },
);

/** An ExternalName Service in `default`, with the ports given as YAML lines (none: no `ports:`). */
const externalName = (name: string, target: string, ports = '  ports:\n  - name: http\n    protocol: TCP\n    port: 80\n') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: ExternalName\n  externalName: ${target}\n${ports}`;

const servicePathsOf = (index: WorkspaceIndex) => lenses(index).filter((l) => l.startsWith('Service '));

test(
  'an ExternalName Service takes the path of the host it stands for, when the registry defines that host (conversion.go ConvertService: model.Alias)',
  NEEDS_CORPUS,
  () => {
    // egress-gateway/http routes edition.cnn.com:80 through the egress gateway; an alias of edition.cnn.com goes the same way
    // (httproute.go generateVirtualHostDomains adds the alias to edition.cnn.com's domains).
    const files = { ...scenario('egress-gateway/http'), 'alias.yaml': externalName('cnn', 'edition.cnn.com') };
    assert.deepEqual(servicePathsOf(indexOf(files)), [
      'Service cnn: cnn.default.svc.cluster.local:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80 (ExternalName Service cnn)',
    ]);
    // Kubernetes needs no ports on an ExternalName Service and Istio ignores them: the host's ports are the ones that match.
    const portless = { ...scenario('egress-gateway/http'), 'alias.yaml': externalName('cnn', 'EDITION.CNN.COM.', '') };
    assert.deepEqual(servicePathsOf(indexOf(portless)), [
      'Service cnn: cnn.default.svc.cluster.local:443: default → sidecar → edition.cnn.com:443 (ALLOW_ANY; ExternalName Service cnn)',
      'Service cnn: cnn.default.svc.cluster.local:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80 (ExternalName Service cnn)',
    ]);
  },
);

test(
  'under REGISTRY_ONLY an ExternalName Service of a host no ServiceEntry defines is a broken link (an alias gets no cluster: cluster.go skips model.Alias)',
  NEEDS_CORPUS,
  () => {
    const registryOnly = fs.readFileSync(path.join(CORPUS, 'egress-control/service-entries/mesh.yaml'), 'utf8');
    const files: Record<string, string> = { ...scenario('egress-kubernetes-services/externalname'), 'mesh.yaml': registryOnly };
    const index = indexOf(files);
    assert.deepEqual(servicePathsOf(index), [
      'Service my-httpbin: my-httpbin.default.svc.cluster.local:80: default → sidecar ✗ REGISTRY_ONLY: ' +
        'no ServiceEntry defines httpbin.org, which ExternalName Service my-httpbin stands for',
    ]);
    // The broken link points at the externalName, so the lens shows the diagnostics written there.
    const [broken] = servicePaths(index.ofKind('Service')[0], { index, settings: DEFAULT_SETTINGS });
    const serviceFile = Object.keys(files).find((f) => f.startsWith('01-'))!;
    assert.equal(files[serviceFile].slice(broken.brokenAt!.start, broken.brokenAt!.end), 'httpbin.org');
    // With the docs' ServiceEntry for httpbin.org, the registry defines it and the alias follows its path.
    const withEntry = indexOf({ ...files, ...scenario('egress-control/service-entries') });
    assert.deepEqual(servicePathsOf(withEntry), [
      'Service my-httpbin: my-httpbin.default.svc.cluster.local:80: ' +
        'default → sidecar → httpbin.org:80 (REGISTRY_ONLY: allowed by ServiceEntry httpbin-ext; ' +
        'VirtualService httpbin-ext; ExternalName Service my-httpbin)',
    ]);
  },
);

test(
  'an ExternalName Service of another is resolved to the last (push_context.go resolveServiceAliases); ' + 'a loop and an in-cluster Service are no egress',
  () => {
    const chain = indexOf({ 'a.yaml': externalName('outer', 'inner.default.svc.cluster.local'), 'b.yaml': externalName('inner', 'api.example.com') });
    assert.deepEqual(servicePathsOf(chain), [
      'Service inner: inner.default.svc.cluster.local:80: default → sidecar → api.example.com:80 (ALLOW_ANY; ExternalName Service inner)',
      'Service outer: outer.default.svc.cluster.local:80: default → sidecar → api.example.com:80 (ALLOW_ANY; ExternalName Service outer)',
    ]);
    const loop = indexOf({ 'a.yaml': externalName('a', 'b.default.svc.cluster.local'), 'b.yaml': externalName('b', 'a.default.svc.cluster.local') });
    assert.deepEqual(servicePathsOf(loop), []);
    const inCluster =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\n' + 'spec:\n  selector:\n    app: backend\n  ports:\n  - name: http\n    port: 80\n';
    assert.deepEqual(servicePathsOf(indexOf({ 'a.yaml': externalName('api', 'backend.default.svc.cluster.local'), 'b.yaml': inCluster })), []);
  },
);

test(
  'a Service without a selector leads to the addresses of its EndpointSlices, matched by port name; FQDN slices are skipped (endpointslice.go)',
  NEEDS_CORPUS,
  () => {
    const files = scenario('egress-kubernetes-services/service-with-endpoints');
    const endpointsFile = Object.keys(files).find((f) => f.startsWith('02-'))!;
    const slice = (addressType: string, addresses: string) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: my-wikipedia-1
  labels:
    kubernetes.io/service-name: my-wikipedia
addressType: ${addressType}
ports:
- name: tls
  port: 443
endpoints:
- addresses: [${addresses}]
`;
    const withSlice = (addressType: string, addresses: string) => {
      const out = { ...files, 'slice.yaml': slice(addressType, addresses) };
      delete (out as Record<string, string>)[endpointsFile];
      return out;
    };
    assert.deepEqual(servicePathsOf(indexOf(withSlice('IPv4', '"198.35.26.96", "208.80.153.224", "208.80.154.224", "91.198.174.192"'))), [
      'Service my-wikipedia: my-wikipedia.default.svc.cluster.local:443: ' +
        'default → sidecar → 198.35.26.96:443, 208.80.153.224:443, 208.80.154.224:443 and 1 more (ALLOW_ANY; ' +
        'EndpointSlice my-wikipedia-1)',
    ]);
    assert.deepEqual(servicePathsOf(indexOf(withSlice('FQDN', '"en.wikipedia.org"'))), [], 'Istio does not read FQDN EndpointSlices');
    // A Service whose selector picks pods is inside the mesh, whatever Endpoints the workspace writes.
    const selected = files[Object.keys(files).find((f) => f.startsWith('01-'))!].replace('spec:\n', 'spec:\n  selector:\n    app: wikipedia\n');
    assert.deepEqual(servicePathsOf(indexOf({ ...files, '01-service-my-wikipedia.yaml': selected })), []);
  },
);

/** A Service `cnn` in `default` whose pods run in the mesh, and an HTTPRoute in `namespace` attached to it by the parentRef given (GAMMA). */
function gamma(parentRef: string, namespace = 'default', backend = 'edition.cnn.com'): Record<string, string> {
  return {
    'service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cnn\nspec:\n  selector:\n    app: cnn-stub\n  ports:\n  - name: http\n    port: 80\n',
    [`route-${namespace}.yaml`]: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cnn-${namespace}
  namespace: ${namespace}
spec:
  parentRefs:
${parentRef}
  rules:
  - backendRefs:
    - group: networking.istio.io
      kind: Hostname
      name: ${backend}
      port: 80
`,
  };
}

test(
  'a Gateway API route attached to a Service (GAMMA) steers its traffic: ' +
    'the Service gets the path of the route (route_collections.go: a mesh parent is the Service host)',
  NEEDS_CORPUS,
  () => {
    const cnn = scenario('egress-control/service-entries-gateway-api');
    const google = Object.keys(cnn).find((f) => f.startsWith('02-'))!;
    const entries = {
      ...cnn,
      'cnn-entry.yaml': cnn[google]
        .replace(/google/g, 'cnn')
        .replace('www.cnn.com', 'edition.cnn.com')
        .replace(/443/g, '80')
        .replace(/https/g, 'http')
        .replace('HTTPS', 'HTTP'),
    };
    const servicePart = '  - group: ""\n    kind: Service\n    name: cnn\n    port: 80';
    assert.deepEqual(servicePathsOf(indexOf({ ...entries, ...gamma(servicePart) })), [
      'Service cnn: cnn.default.svc.cluster.local:80: default → sidecar → edition.cnn.com:80 ' +
        '(REGISTRY_ONLY: allowed by ServiceEntry cnn; HTTPRoute cnn-default)',
    ]);
    // A consumer route in the client's namespace overrides the Service's own for that namespace (push_context.go VirtualServicesForGateway).
    const consumer = gamma('  - group: ""\n    kind: Service\n    name: cnn\n    namespace: default', 'shop', 'httpbin.org');
    assert.deepEqual(servicePathsOf(indexOf({ ...entries, ...gamma(servicePart), ...consumer })), [
      'Service cnn: cnn.default.svc.cluster.local:80: default → sidecar → edition.cnn.com:80 ' +
        '(REGISTRY_ONLY: allowed by ServiceEntry cnn; HTTPRoute cnn-default)',
      'Service cnn: cnn.default.svc.cluster.local:80: shop → sidecar → httpbin.org:80 (REGISTRY_ONLY: allowed by ServiceEntry httpbin-ext; HTTPRoute cnn-shop)',
    ]);
    // Istio reads a parentRef's group as the Gateway API's unless written (conversion.go toInternalParentReference): `kind: Service` alone attaches nothing.
    assert.deepEqual(servicePathsOf(indexOf({ ...entries, ...gamma('  - kind: Service\n    name: cnn') })), []);
    // A parentRef for another port leaves port 80 alone.
    assert.deepEqual(servicePathsOf(indexOf({ ...entries, ...gamma('  - group: ""\n    kind: Service\n    name: cnn\n    port: 8080') })), []);
  },
);

test(
  'a consumer route of another namespace attached to a ServiceEntry gives that namespace its own path (push_context.go VirtualServicesForGateway)',
  NEEDS_CORPUS,
  () => {
    const consumer = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: httpbin-shop
  namespace: shop
spec:
  parentRefs:
  - kind: ServiceEntry
    group: networking.istio.io
    name: httpbin-ext
    namespace: default
  rules:
  - backendRefs:
    - kind: Hostname
      group: networking.istio.io
      name: httpbin.org
      port: 80
`;
    const files: Record<string, string> = { ...scenario('egress-control/service-entries-gateway-api'), 'shop.yaml': consumer };
    assert.deepEqual(
      lenses(indexOf(files)).filter((l) => l.startsWith('ServiceEntry httpbin-ext')),
      [
        'ServiceEntry httpbin-ext: httpbin.org:80: default → sidecar → httpbin.org:80 (REGISTRY_ONLY: ' +
          'allowed by ServiceEntry httpbin-ext; HTTPRoute httpbin-ext)',
        'ServiceEntry httpbin-ext: httpbin.org:80: shop → sidecar → httpbin.org:80 (REGISTRY_ONLY: ' +
          'allowed by ServiceEntry httpbin-ext; HTTPRoute httpbin-shop)',
      ],
    );
    // A ServiceEntry that shop does not see gives it no path.
    const hidden = files['01-serviceentry-httpbin-ext.yaml'].replace('spec:\n', 'spec:\n  exportTo: ["."]\n');
    assert.equal(lenses(indexOf({ ...files, '01-serviceentry-httpbin-ext.yaml': hidden })).filter((l) => l.includes(': shop →')).length, 0);
  },
);

/** A ServiceEntry for api.example.com:443 and a VirtualService whose mesh rule sends it to `destination`, plus extra documents. */
function routedElsewhere(destination: string, extra = ''): Record<string, string> {
  return {
    'api.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api}
spec:
  hosts: [api.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api}
spec:
  hosts: [api.example.com]
  tls:
  - match: [{port: 443, sniHosts: [api.example.com]}]
    route:
    - destination:
        host: ${destination}
        port: {number: 443}
${extra}`,
  };
}

test(
  'a mesh route to a host the registry lacks has no cluster (route.go GetDestinationCluster): ' +
    'a broken link where vs-unknown-host and vs-wildcard-only-host report it, under either outbound policy',
  NEEDS_CORPUS,
  () => {
    const settings = DEFAULT_SETTINGS;
    const check = (files: Record<string, string>, analyzer: typeof vsUnknownHost | typeof vsWildcardOnlyHost) => {
      const index = indexOf(files);
      const vs = index.ofKind('VirtualService')[0];
      const findings = [...analyzer.check(vs, { index, settings })];
      const [path] = serviceEntryPaths(index.ofKind('ServiceEntry')[0], { index, settings });
      return { index, findings, path };
    };
    const unknown = routedElsewhere('proxy.corp.example');
    const { findings, path: unknownPath } = check(unknown, vsUnknownHost);
    assert.equal(
      pathTitle(unknownPath),
      'api.example.com:443: default → sidecar ✗ VirtualService api sends to proxy.corp.example, which has no cluster: ' +
        'no ServiceEntry or Service visible from namespace "default" defines it',
    );
    // The broken link is where the diagnostic is, so the lens shows its code.
    assert.equal(findings.length, 1);
    assert.deepEqual({ start: unknownPath.brokenAt?.start, end: unknownPath.brokenAt?.end }, { start: findings[0].start, end: findings[0].end });
    // REGISTRY_ONLY (the docs' mesh config) blocks the passthrough too, but the route fails the same way first.
    const registryOnly = fs.readFileSync(path.join(CORPUS, 'egress-control/service-entries/mesh.yaml'), 'utf8');
    assert.equal(check({ ...unknown, 'mesh.yaml': registryOnly }, vsUnknownHost).path.broken, unknownPath.broken);
    // Only a wildcard ServiceEntry covers the destination: Istio builds the wildcard's cluster, not the host's (vs-wildcard-only-host).
    const wildcard = `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: corp}
spec:
  hosts: ["*.corp.example"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
`;
    const onlyWildcard = check(routedElsewhere('proxy.corp.example', wildcard), vsWildcardOnlyHost);
    assert.equal(
      onlyWildcard.path.broken,
      'VirtualService api sends to proxy.corp.example, which has no cluster: only the wildcard ServiceEntry corp covers it',
    );
    assert.equal(onlyWildcard.findings.length, 1);
    assert.equal(onlyWildcard.path.brokenAt?.start, onlyWildcard.findings[0].start);
    // A ServiceEntry for the exact host gives it a cluster: the sidecar calls that host.
    const exact = wildcard.replace('"*.corp.example"', 'proxy.corp.example');
    assert.equal(
      pathTitle(check(routedElsewhere('proxy.corp.example', exact), vsUnknownHost).path),
      'api.example.com:443: default → sidecar → proxy.corp.example:443 (ALLOW_ANY; VirtualService api)',
    );
  },
);

test(
  'a weighted split and every mesh rule are followed, one path per destination with its weight ' +
    '(route.go BuildHTTPRoutesForVirtualService translates every rule and weighted cluster, applyHTTPRouteDestination skips a weight of 0)',
  NEEDS_CORPUS,
  () => {
    const files = scenario('egress-gateway/http');
    const vsFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
    // 80% through the egress gateway, 20% straight to the host, none to www.google.com (route.go applyHTTPRouteDestination drops a weight of 0);
    // a later rule for /direct sends to the host as well (one path for both).
    const split = files[vsFile].replace(
      '      weight: 100\n  - match:\n    - gateways:\n      - istio-egressgateway',
      '      weight: 80\n    - destination:\n        host: edition.cnn.com\n        port:\n          number: 80\n      weight: 20\n' +
        '    - destination:\n        host: www.google.com\n        port:\n          number: 80\n      weight: 0\n' +
        '  - match:\n    - gateways:\n      - mesh\n      uri:\n        prefix: /direct\n    route:\n    - destination:\n        host: edition.cnn.com\n' +
        '  - match:\n    - gateways:\n      - istio-egressgateway',
    );
    assert.notEqual(split, files[vsFile]);
    const index = indexOf({ ...files, [vsFile]: split });
    assert.deepEqual(
      lenses(index).filter((l) => l.startsWith('ServiceEntry cnn: edition.cnn.com:80')),
      [
        'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → edition.cnn.com:80 (weight 20; ALLOW_ANY; VirtualService direct-cnn-through-egress-gateway)',
        'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 (weight 80) → edition.cnn.com:80',
      ],
    );
    // The map draws both branches out of the sidecar, each edge with its weight.
    const paths = serviceEntryPaths(index.ofKind('ServiceEntry')[0], { index, settings: DEFAULT_SETTINGS }).filter((p) => p.port === 80);
    assert.deepEqual(
      paths.map((p) => `${p.via}: ${p.steps[1].kind} ${p.steps[1].name} weight ${p.steps[1].weight}`),
      [
        'istio-egressgateway.istio-system.svc.cluster.local:80/cnn: egress-gateway istio-egressgateway.istio-system.svc.cluster.local weight 80',
        'edition.cnn.com:80: host edition.cnn.com weight 20',
      ],
    );
  },
);

test(
  'every backend of a Gateway API route is followed, with its weight; a weight of 0 gets no traffic (conversion.go buildHTTPDestination)',
  NEEDS_CORPUS,
  () => {
    const httpbinEntry = scenario('egress-control/service-entries-gateway-api')['01-serviceentry-httpbin-ext.yaml'];
    const backends =
      '    - name: cnn-egress-gateway-istio\n      port: 80\n      weight: 3\n' +
      '    - group: networking.istio.io\n      kind: Hostname\n      name: httpbin.org\n      port: 80\n      weight: 1\n' +
      '    - name: unused\n      port: 80\n      weight: 0\n';
    assert.deepEqual(cnn80(indexOf(withMeshBackend(backends, { 'httpbin.yaml': httpbinEntry }))), [
      'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 (weight 3) → edition.cnn.com:80',
      'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → httpbin.org:80 (weight 1; ALLOW_ANY; HTTPRoute direct-cnn-to-egress-gateway)',
      'ServiceEntry httpbin-ext: httpbin.org:80: default → sidecar → httpbin.org:80 (ALLOW_ANY)',
    ]);
  },
);

test(
  'an HTTP route attached to an ExternalName Service (GAMMA) steers the alias: route.go BuildSidecarVirtualHostWrapper gives it a virtual host; ' +
    'a TCP route does not, as the alias has no listener (listener.go buildSidecarOutboundListener)',
  NEEDS_CORPUS,
  () => {
    const files = { ...scenario('egress-control/service-entries-gateway-api'), 'alias.yaml': externalName('my-httpbin', 'httpbin.org') };
    const route = (kind: string, port: number) => `apiVersion: gateway.networking.k8s.io/${kind === 'HTTPRoute' ? 'v1' : 'v1alpha2'}
kind: ${kind}
metadata:
  name: my-httpbin-${kind.toLowerCase()}
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: my-httpbin
    port: ${port}
  rules:
  - backendRefs:
    - group: networking.istio.io
      kind: Hostname
      name: www.google.com
      port: 443
`;
    const aliasLenses = (extra: Record<string, string>) => servicePathsOf(indexOf({ ...files, ...extra }));
    const alias =
      'Service my-httpbin: my-httpbin.default.svc.cluster.local:80: default → sidecar → httpbin.org:80 ' +
      '(REGISTRY_ONLY: allowed by ServiceEntry httpbin-ext; HTTPRoute httpbin-ext; ExternalName Service my-httpbin)';
    assert.deepEqual(aliasLenses({}), [alias]);
    assert.deepEqual(aliasLenses({ 'route.yaml': route('HTTPRoute', 80) }), [
      'Service my-httpbin: my-httpbin.default.svc.cluster.local:80: default → sidecar → www.google.com:443 ' +
        '(REGISTRY_ONLY: allowed by ServiceEntry google; HTTPRoute my-httpbin-httproute)',
    ]);
    assert.deepEqual(aliasLenses({ 'route.yaml': route('TCPRoute', 80) }), [alias]);
  },
);

/**
 * The docs' egress gateway scenario (egress-gateway/http) whose gateway-side rule splits the traffic 80/20 between
 * edition.cnn.com and httpbin.org (and gives www.google.com a weight of 0), plus a second VirtualService for the host
 * bound to the egress gateway that sends /sport to www.cnn.com.
 */
function gatewaySplit(): Record<string, string> {
  const files = scenario('egress-gateway/http');
  const vsFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const split = files[vsFile].replace(
    /( {4}- destination:\n {8}host: edition\.cnn\.com\n {8}port:\n {10}number: 80\n {6}weight: )100\n$/,
    '$180\n    - destination:\n        host: httpbin.org\n        port:\n          number: 80\n      weight: 20\n' +
      '    - destination:\n        host: www.google.com\n        port:\n          number: 80\n      weight: 0\n',
  );
  assert.notEqual(split, files[vsFile]);
  const sport = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: cnn-sport
spec:
  hosts:
  - edition.cnn.com
  gateways:
  - istio-egressgateway
  http:
  - match:
    - uri:
        prefix: /sport
    route:
    - destination:
        host: www.cnn.com
`;
  const httpbin = scenario('egress-control/service-entries')['01-serviceentry-httpbin-ext.yaml'];
  return { ...files, [vsFile]: split, 'cnn-sport.yaml': sport, 'httpbin.yaml': httpbin };
}

test(
  'the egress gateway follows every rule bound to it for the host, of every VirtualService, and every weighted destination: ' +
    'gateway.go buildGatewayHTTPRouteConfig appends the routes of each VirtualService VirtualServicesForGateway gives for the host ' +
    'to its one virtual host; route.go drops a destination of weight 0 from a split',
  NEEDS_CORPUS,
  () => {
    const index = indexOf(gatewaySplit());
    assert.deepEqual(
      lenses(index).filter((l) => l.startsWith('ServiceEntry cnn: edition.cnn.com:80')),
      [
        'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → edition.cnn.com:80 (weight 80)',
        'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → httpbin.org:80 (weight 20)',
        'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 → www.cnn.com:80',
      ],
    );
    // Each path names the destination it follows, so that the map and the summary keep all three; the weight is on the last link.
    const paths = serviceEntryPaths(
      index.ofKind('ServiceEntry').find((se) => se.name === 'cnn')!,
      { index, settings: DEFAULT_SETTINGS },
    );
    assert.deepEqual(
      paths
        .filter((p) => p.port === 80)
        .map((p) => `${p.via}: ${p.steps.map((s) => `${s.kind} ${s.name}${s.weight !== undefined ? ` ${s.weight}` : ''}`).join(', ')}`),
      [
        'edition.cnn.com:80: sidecar default, egress-gateway istio-egressgateway.istio-system.svc.cluster.local, host edition.cnn.com 80',
        'httpbin.org:80: sidecar default, egress-gateway istio-egressgateway.istio-system.svc.cluster.local, host httpbin.org 20',
        'www.cnn.com:80: sidecar default, egress-gateway istio-egressgateway.istio-system.svc.cluster.local, host www.cnn.com',
      ],
    );
  },
);

test('every backendRef of the route at a Gateway API egress gateway is followed, with its weight (conversion.go buildHTTPDestination)', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http-gateway-api');
  const routesFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const forward = files[routesFile].replace(
    /( {4}- kind: Hostname\n {6}group: networking\.istio\.io\n {6}name: edition\.cnn\.com\n {6}port: 80\n)$/,
    '$1      weight: 3\n    - kind: Hostname\n      group: networking.istio.io\n      name: httpbin.org\n      port: 80\n      weight: 1\n',
  );
  assert.notEqual(forward, files[routesFile]);
  assert.deepEqual(cnn80(indexOf({ ...files, [routesFile]: forward })), [
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 → edition.cnn.com:80 (weight 3)',
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 → httpbin.org:80 (weight 1)',
  ]);
});

test('a split at the sidecar and at the egress gateway gives a path per pair of choices, named by both', NEEDS_CORPUS, () => {
  const files = gatewaySplit();
  const vsFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  // 90% of the mesh's traffic through the egress gateway, 10% straight to the host.
  const both = files[vsFile].replace(
    '      weight: 100\n  - match:\n    - gateways:\n      - istio-egressgateway',
    '      weight: 90\n    - destination:\n        host: edition.cnn.com\n        port:\n          number: 80\n      weight: 10\n' +
      '  - match:\n    - gateways:\n      - istio-egressgateway',
  );
  assert.notEqual(both, files[vsFile]);
  const index = indexOf({ ...files, [vsFile]: both });
  const cnn = index.ofKind('ServiceEntry').find((se) => se.name === 'cnn')!;
  assert.deepEqual(
    serviceEntryPaths(cnn, { index, settings: DEFAULT_SETTINGS })
      .filter((p) => p.port === 80)
      .map((p) => `${p.via}: ${p.text}`),
    [
      'istio-egressgateway.istio-system.svc.cluster.local:80/cnn → edition.cnn.com:80: ' +
        'default → sidecar → istio-egressgateway:80 (weight 90) → edition.cnn.com:80 (weight 80)',
      'istio-egressgateway.istio-system.svc.cluster.local:80/cnn → httpbin.org:80: ' +
        'default → sidecar → istio-egressgateway:80 (weight 90) → httpbin.org:80 (weight 20)',
      'istio-egressgateway.istio-system.svc.cluster.local:80/cnn → www.cnn.com:80: default → sidecar → istio-egressgateway:80 (weight 90) → www.cnn.com:80',
      'edition.cnn.com:80: default → sidecar → edition.cnn.com:80 (weight 10; ALLOW_ANY; VirtualService direct-cnn-through-egress-gateway)',
    ],
  );
});

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
import { pathTitle, serviceEntryPaths, virtualServicePaths } from './egress-path';
import { meshPartition } from '../index/meshes';

const CORPUS = sharedPath('corpus', 'istio-docs');
const NEEDS_CORPUS = needsShared('corpus', 'istio-docs');
// A custom egress gateway's Deployment and Service in namespace egress, shared with mesh/gateways.test.ts.
const CUSTOM_GATEWAY = fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/custom-egress-gateway.yaml'), 'utf8');

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

/** Every path lens of the workspace: `Kind name: host:port: path`, ServiceEntries first. */
function lenses(index: WorkspaceIndex): string[] {
  const ctx = { index, settings: DEFAULT_SETTINGS };
  return [
    ...index.ofKind('ServiceEntry').flatMap((se) => serviceEntryPaths(se, ctx).map((p) => `ServiceEntry ${se.name}: ${pathTitle(p)}`)),
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
      'default → sidecar → istio-egressgateway:443 (ISTIO_MUTUAL) → my-nginx.mesh-external.svc.cluster.local:443 ' +
      '(mutual TLS originated)',
  ],
  'wildcard-egress-hosts/direct': [
    'ServiceEntry wikipedia: *.wikipedia.org:443: default → sidecar → *.wikipedia.org:443 (REGISTRY_ONLY: allowed by ServiceEntry wikipedia)',
  ],
  'wildcard-egress-hosts/single-host': [
    'ServiceEntry www-wikipedia: www.wikipedia.org:443: default → sidecar → istio-egressgateway:443 (TLS passthrough) → www.wikipedia.org:443',
    'VirtualService direct-wikipedia-through-egress-gateway: www.wikipedia.org:443: ' +
      'default → sidecar → istio-egressgateway:443 (TLS passthrough) → www.wikipedia.org:443',
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
};

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
      'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → istio-egressgateway:80 ✗ subset "cnnn" is not ' +
        'defined for istio-egressgateway.istio-system.svc.cluster.local',
    ],
  );
  // The broken link points at the subset as written, where vs-unknown-subset reports it.
  const index = indexOf({ ...files, [vsFile]: wrongSubset });
  const [broken] = serviceEntryPaths(index.ofKind('ServiceEntry')[0], { index, settings: DEFAULT_SETTINGS }).filter((p) => p.broken);
  assert.equal(broken.brokenAt?.uri, `file:///ws/${vsFile}`);
  assert.equal(wrongSubset.slice(broken.brokenAt.start, broken.brokenAt.end), 'cnnn');
});

test('an egress gateway declared in the workspace is a hop, and it originates TLS with the DestinationRule its own namespace sees', () => {
  const platform = `${CUSTOM_GATEWAY}---
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
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: ExternalName\n  externalName: ` +
    `${externalName}\n  ports:\n  - name: http\n    protocol: TCP\n    port: 80\n`;
  // An alias of the Service Istio deploys for the docs' Gateway API egress gateway: the path goes through that gateway.
  const toGateway = withMeshBackend('    - name: cnn-egress\n      port: 80\n', {
    'alias.yaml': alias('cnn-egress', 'cnn-egress-gateway-istio.default.svc.cluster.local'),
  });
  assert.deepEqual(cnn80(indexOf(toGateway)), ['ServiceEntry cnn: edition.cnn.com:80: default → sidecar → cnn-egress-gateway-istio:80 → edition.cnn.com:80']);
  // An alias of an external host (egress-kubernetes-services/externalname): the sidecar calls that host.
  const toHost = withMeshBackend('    - name: my-httpbin\n      port: 80\n', { 'alias.yaml': alias('my-httpbin', 'httpbin.org') });
  assert.deepEqual(cnn80(indexOf(toHost)), [
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → httpbin.org:80 (ALLOW_ANY; ' +
      'HTTPRoute direct-cnn-to-egress-gateway; ExternalName Service my-httpbin)',
  ]);
});

test('a backendRef Service that is no egress gateway, or that the workspace lacks, is named where the path stops', NEEDS_CORPUS, () => {
  const proxy = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: proxy\nspec:\n  selector:\n    app: proxy\n  ports:\n  - port: 80\n';
  assert.deepEqual(cnn80(indexOf(withMeshBackend('    - name: proxy\n      port: 80\n', { 'proxy.yaml': proxy }))), [
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → HTTPRoute direct-cnn-to-egress-gateway (backend proxy is not an egress gateway)',
  ]);
  assert.deepEqual(cnn80(indexOf(withMeshBackend('    - name: proxy\n      port: 80\n'))), [
    'ServiceEntry cnn: edition.cnn.com:80: default → sidecar → HTTPRoute direct-cnn-to-egress-gateway (backend ' +
      'proxy.default.svc.cluster.local is not in the workspace)',
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

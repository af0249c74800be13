/**
 * The traffic map of every scenario of Istio's egress tasks (../shared/corpus/istio-docs), with the
 * expected edges written out, and a broken link drawn red. The map is built from the egress paths,
 * so each edge here is a hop of a code lens in egress-path.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsShared, sharedPath } from '../shared-corpus';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { trafficMap, type TrafficMapModel } from './traffic-map';
import { PathSummary } from './path-summary';
import { meshPartition } from '../index/meshes';

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

/** Each edge as `from -> to: labels | ✗ broken`, with `(dashed)` for a link the map cannot follow. */
function edges(map: TrafficMapModel): string[] {
  return map.edges.map((e) => `${e.from} -> ${e.to}: ${[...e.labels, ...e.broken.map((b) => `✗ ${b}`)].join(' | ')}${e.dashed ? ' (dashed)' : ''}`).sort();
}

const mapOf = (files: Record<string, string>) => trafficMap({ index: indexOf(files), settings: DEFAULT_SETTINGS });

const GW = 'gateway:istio-egressgateway.istio-system.svc.cluster.local';

const EXPECTED: Record<string, string[]> = {
  'egress-control/direct-access-include-ip-ranges': [],
  'egress-control/service-entries': [
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    'sidecar:default -> host:httpbin.org: 80 HTTP',
    'sidecar:default -> host:www.google.com: 443 HTTPS',
  ],
  'egress-control/service-entries-gateway-api': [
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    'sidecar:default -> host:httpbin.org: 80 HTTP',
    'sidecar:default -> host:www.google.com: 443 HTTPS',
  ],
  'egress-gateway-tls-origination/mutual': [
    `${GW} -> host:my-nginx.mesh-external.svc.cluster.local: 443 · mutual TLS originated`,
    'namespace:default -> sidecar:default: 80',
    `sidecar:default -> ${GW}: 443 HTTPS · ISTIO_MUTUAL`,
  ],
  'egress-gateway-tls-origination/mutual-gateway-api': [
    'gateway:nginx-egressgateway-istio.default.svc.cluster.local -> host:my-nginx.mesh-external.svc.cluster.local: 443 · mutual TLS originated',
    'namespace:default -> sidecar:default: 80',
    'sidecar:default -> gateway:nginx-egressgateway-istio.default.svc.cluster.local: 443 HTTPS · ISTIO_MUTUAL',
  ],
  'egress-gateway-tls-origination/simple': [
    `${GW} -> host:edition.cnn.com: 443 HTTPS · TLS originated`,
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    `sidecar:default -> ${GW}: 80 HTTPS · ISTIO_MUTUAL`,
    'sidecar:default -> host:edition.cnn.com: 443 HTTPS · TLS originated',
  ],
  'egress-gateway-tls-origination/simple-gateway-api': [
    'gateway:cnn-egress-gateway-istio.default.svc.cluster.local -> host:edition.cnn.com: 443 HTTPS · TLS originated',
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    'sidecar:default -> gateway:cnn-egress-gateway-istio.default.svc.cluster.local: 80 HTTPS · ISTIO_MUTUAL',
    'sidecar:default -> host:edition.cnn.com: 443 HTTPS · TLS originated',
  ],
  'egress-gateway/http': [
    `${GW} -> host:edition.cnn.com: 80 HTTP`,
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    `sidecar:default -> ${GW}: 80 HTTP`,
    'sidecar:default -> host:edition.cnn.com: 443 HTTPS',
  ],
  'egress-gateway/http-gateway-api': [
    'gateway:cnn-egress-gateway-istio.default.svc.cluster.local -> host:edition.cnn.com: 80 HTTP',
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    'sidecar:default -> gateway:cnn-egress-gateway-istio.default.svc.cluster.local: 80 HTTP',
    'sidecar:default -> host:edition.cnn.com: 443 HTTPS',
  ],
  'egress-gateway/https-passthrough': [
    `${GW} -> host:edition.cnn.com: 443 TLS · TLS from the application`,
    'namespace:default -> sidecar:default: 443 TLS',
    `sidecar:default -> ${GW}: 443 TLS · TLS passthrough`,
  ],
  'egress-gateway/https-passthrough-gateway-api': [
    'gateway:cnn-egress-gateway-istio.default.svc.cluster.local -> host:edition.cnn.com: 443 TLS · TLS from the application',
    'namespace:default -> sidecar:default: 443 TLS',
    'sidecar:default -> gateway:cnn-egress-gateway-istio.default.svc.cluster.local: 443 TLS · TLS passthrough',
  ],
  'egress-gateway/network-policy': [
    `${GW} -> host:edition.cnn.com: 443 TLS · TLS from the application`,
    'namespace:default -> sidecar:default: 443 TLS',
    `sidecar:default -> ${GW}: 443 TLS · TLS passthrough`,
  ],
  'egress-gateway/network-policy-gateway-api': [
    'gateway:cnn-egress-gateway-istio.default.svc.cluster.local -> host:edition.cnn.com: 443 TLS · TLS from the application',
    'namespace:default -> sidecar:default: 443 TLS',
    'sidecar:default -> gateway:cnn-egress-gateway-istio.default.svc.cluster.local: 443 TLS · TLS passthrough',
  ],
  // The ExternalName Service my-httpbin stands for httpbin.org; the Service my-wikipedia for the addresses of its Endpoints.
  'egress-kubernetes-services/externalname': ['namespace:default -> sidecar:default: 80 HTTP', 'sidecar:default -> host:httpbin.org: 80 HTTP'],
  'egress-kubernetes-services/service-with-endpoints': [
    'namespace:default -> sidecar:default: 443 TLS',
    'sidecar:default -> host:198.35.26.96, 208.80.153.224: 443 TLS',
  ],
  'egress-tls-origination/mutual': [
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    'sidecar:default -> host:my-nginx.mesh-external.svc.cluster.local: 443 HTTPS · mutual TLS originated | 443 HTTPS',
  ],
  'egress-tls-origination/mutual-networking-v1': [
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    'sidecar:default -> host:my-nginx.mesh-external.svc.cluster.local: 443 HTTPS · mutual TLS originated | 443 HTTPS',
  ],
  'egress-tls-origination/simple': [
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    'sidecar:default -> host:edition.cnn.com: 443 HTTPS · TLS originated | 443 HTTPS',
  ],
  'egress-tls-origination/simple-networking-v1': [
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    'sidecar:default -> host:edition.cnn.com: 443 HTTPS · TLS originated | 443 HTTPS',
  ],
  'http-proxy/https-proxy': ['namespace:default -> sidecar:default: 3128 TCP', 'sidecar:default -> host:my-company-proxy.com: 3128 TCP'],
  'legacy/egress-gateway-tls-origination-sds/simple': [
    `${GW} -> host:my-nginx.mesh-external.svc.cluster.local: 443 · TLS originated`,
    'namespace:default -> sidecar:default: 80',
    `sidecar:default -> ${GW}: 443 HTTPS · ISTIO_MUTUAL`,
  ],
  // The mesh rules send httpbin.org and www.google.com to localhost.local (the ingress gateway that proxies them).
  'legacy/proxy/ingress-gateway-as-external-proxy': [
    'namespace:default -> sidecar:default: 80 HTTP | 443 TLS',
    'sidecar:default -> host:localhost.local: 80 HTTP | 443 TLS',
  ],
  // The mesh rule sends *.wikipedia.org to a gateway Service the workspace does not hold: the rest of the way is dashed.
  'legacy/wildcard-egress-hosts/arbitrary-domains': [
    'namespace:default -> sidecar:default: 8443 TCP | 443 TLS',
    'route:default/VirtualService direct-wikipedia-through-egress-gateway -> host:*.wikipedia.org:  (dashed)',
    'sidecar:default -> host:sni-proxy.local: 8443 TCP',
    'sidecar:default -> route:default/VirtualService direct-wikipedia-through-egress-gateway: ' +
      'destination istio-egressgateway-with-sni-proxy.istio-system.svc.cluster.local is not in the workspace',
  ],
  'wildcard-egress-hosts/direct': ['namespace:default -> sidecar:default: 443 HTTPS', 'sidecar:default -> host:*.wikipedia.org: 443 HTTPS'],
  'wildcard-egress-hosts/single-host': [
    `${GW} -> host:www.wikipedia.org: 443 HTTPS · TLS from the application`,
    'namespace:default -> sidecar:default: 443 HTTPS',
    `sidecar:default -> ${GW}: 443 HTTPS · TLS passthrough`,
  ],
  'wildcard-egress-hosts/single-host-gateway-api': [
    'gateway:wikipedia-egress-gateway-istio.default.svc.cluster.local -> host:www.wikipedia.org: 443 HTTPS · TLS from the application',
    'namespace:default -> sidecar:default: 443 HTTPS',
    'sidecar:default -> gateway:wikipedia-egress-gateway-istio.default.svc.cluster.local: 443 TLS · TLS passthrough',
    'sidecar:default -> host:www.wikipedia.org: 443 HTTPS',
  ],
};

test('the scenarios of the docs corpus are all listed here', NEEDS_CORPUS, () => {
  const folders: string[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith('.yaml'))) folders.push(path.relative(CORPUS, dir).split(path.sep).join('/'));
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(CORPUS);
  assert.deepEqual(folders.sort(), Object.keys(EXPECTED).sort());
});

for (const [folder, expected] of Object.entries(EXPECTED)) {
  test(`traffic map of ${folder}`, NEEDS_CORPUS, () => {
    assert.deepEqual(edges(mapOf(scenario(folder))), expected);
  });
}

test('a broken link is a red edge with the reason, and the host is still drawn, reached by a dashed link', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http');
  const vsFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const wrongSubset = files[vsFile].replace('subset: cnn', 'subset: cnnn');
  assert.notEqual(wrongSubset, files[vsFile]);
  const map = mapOf({ ...files, [vsFile]: wrongSubset });
  assert.deepEqual(edges(map), [
    `${GW} -> host:edition.cnn.com:  (dashed)`,
    'namespace:default -> sidecar:default: 80 HTTP | 443 HTTPS',
    `sidecar:default -> ${GW}: 80 HTTP | ✗ subset "cnnn" is not defined for istio-egressgateway.istio-system.svc.cluster.local`,
    'sidecar:default -> host:edition.cnn.com: 443 HTTPS',
  ]);
  assert.equal(map.nodes.find((n) => n.id === GW)?.broken, true);
  assert.equal(map.brokenPaths, 1);
});

test('nodes open the resource that defines them; the policy names its origin; filters keep the whole lists', NEEDS_CORPUS, () => {
  const files = scenario('egress-control/service-entries');
  const map = trafficMap({ index: indexOf(files), settings: DEFAULT_SETTINGS }, { host: 'google' });
  assert.deepEqual(
    map.nodes.map((n) => `${n.id} (${n.caption})`),
    ['namespace:default (namespace)', 'sidecar:default (default)', 'host:www.google.com (ServiceEntry google)'],
  );
  const host = map.nodes.find((n) => n.kind === 'host')!;
  const text = files[host.at!.uri.replace('file:///ws/', '')];
  assert.match(text.slice(host.at!.offset), /^google\n/);
  assert.deepEqual(map.policy, { mode: 'REGISTRY_ONLY', origin: 'mesh-config', overrides: [] });
  assert.deepEqual(map.hosts, ['httpbin.org', 'www.google.com']);
  assert.deepEqual(trafficMap({ index: indexOf(files), settings: DEFAULT_SETTINGS }, { namespace: 'other' }).nodes, []);
});

test('a namespace whose Sidecar sets another outbound policy is named as an override', () => {
  const index = indexOf({
    'se.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api.example.com]
  ports: [{ number: 443, name: https, protocol: HTTPS }]
  resolution: DNS
`,
    'sidecar.yaml': `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: shop
spec:
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
`,
  });
  const map = trafficMap({ index, settings: DEFAULT_SETTINGS });
  assert.deepEqual(map.policy, { mode: 'ALLOW_ANY', origin: 'setting', overrides: [{ namespace: 'shop', mode: 'REGISTRY_ONLY' }] });
  // The sidecar node opens the namespace's Sidecar.
  assert.equal(map.nodes.find((n) => n.id === 'sidecar:shop')?.at?.uri, 'file:///ws/sidecar.yaml');
});

test('a route the map cannot follow says why; an ExternalName backend ends at the host it stands for, opened at its Service', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http-gateway-api');
  const routesFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const withBackend = (name: string) => files[routesFile].replace('- name: cnn-egress-gateway-istio', `- name: ${name}`);
  const unknown = mapOf({ ...files, [routesFile]: withBackend('proxy') });
  assert.deepEqual(
    unknown.nodes.filter((n) => n.kind === 'route').map((n) => `${n.label}: ${n.caption}`),
    ['HTTPRoute direct-cnn-to-egress-gateway: backend proxy.default.svc.cluster.local is not in the workspace'],
  );
  const alias = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: my-httpbin\nspec:\n  type: ExternalName\n  externalName: httpbin.org\n';
  // Without a ServiceEntry for httpbin.org the route has no cluster (route.go GetDestinationCluster): a red edge with the reason.
  const noCluster = mapOf({ ...files, [routesFile]: withBackend('my-httpbin'), 'alias.yaml': alias });
  assert.ok(
    edges(noCluster).includes(
      'sidecar:default -> host:httpbin.org: 80 | ✗ HTTPRoute direct-cnn-to-egress-gateway sends to httpbin.org (ExternalName Service my-httpbin), ' +
        'which has no cluster: no ServiceEntry or Service visible from namespace "default" defines it',
    ),
    edges(noCluster).join('\n'),
  );
  const httpbinEntry = scenario('egress-control/service-entries-gateway-api')['01-serviceentry-httpbin-ext.yaml'];
  const map = mapOf({ ...files, [routesFile]: withBackend('my-httpbin'), 'alias.yaml': alias, 'httpbin.yaml': httpbinEntry });
  assert.ok(edges(map).includes('sidecar:default -> host:httpbin.org: 80 HTTP'), edges(map).join('\n'));
  const host = map.nodes.find((n) => n.id === 'host:httpbin.org')!;
  assert.equal(`${host.label} (${host.caption})`, 'httpbin.org (Service my-httpbin)');
  assert.equal(host.at?.uri, 'file:///ws/alias.yaml');
});

test('a Kubernetes Service for egress is on the map: its external host opens the Service, its endpoint addresses open the Endpoints', NEEDS_CORPUS, () => {
  for (const [folder, label, caption, file, line] of [
    ['egress-kubernetes-services/externalname', 'httpbin.org', 'Service my-httpbin', '01-service-my-httpbin.yaml', 'name: my-httpbin'],
    [
      'egress-kubernetes-services/service-with-endpoints',
      '198.35.26.96, 208.80.153.224',
      'Endpoints my-wikipedia',
      '02-endpoints-my-wikipedia.yaml',
      'name: my-wikipedia',
    ],
  ]) {
    const files = scenario(folder);
    const map = mapOf(files);
    const host = map.nodes.find((n) => n.kind === 'host')!;
    assert.equal(`${host.label} (${host.caption})`, `${label} (${caption})`);
    assert.equal(host.at?.uri, `file:///ws/${file}`);
    assert.equal(files[file].slice(host.at.offset).split('\n')[0], line.slice('name: '.length));
    // The map's host list names the host the applications call, which its filter finds.
    assert.equal(map.hosts.length, 1);
    assert.equal(trafficMap({ index: indexOf(files), settings: DEFAULT_SETTINGS }, { host: map.hosts[0] }).nodes.length, 3);
  }
});

test(
  'the same namespace in two meshes (istioEgress.clusters) is drawn once per mesh, each node saying its mesh; the status bar counts as the map does',
  NEEDS_CORPUS,
  () => {
    // Two scenarios side by side, each folder a mesh: both have clients in `default` and a Gateway default/cnn-egress-gateway.
    const index = new WorkspaceIndex();
    for (const folder of ['egress-gateway/http-gateway-api', 'egress-gateway/https-passthrough-gateway-api'])
      for (const [name, text] of Object.entries(scenario(folder))) index.setFile(parseFile(`file:///ws/${folder}/${name}`, text));
    index.setMeshes(meshPartition(['egress-gateway/*'], ['file:///ws']));
    const map = trafficMap({ index, settings: DEFAULT_SETTINGS });
    const http = 'file:///ws/egress-gateway/http-gateway-api';
    const passthrough = 'file:///ws/egress-gateway/https-passthrough-gateway-api';
    const gw = 'gateway:cnn-egress-gateway-istio.default.svc.cluster.local';
    assert.deepEqual(edges(map), [
      `${gw}@${http} -> host:edition.cnn.com@${http}: 80 HTTP`,
      `${gw}@${passthrough} -> host:edition.cnn.com@${passthrough}: 443 TLS · TLS from the application`,
      `namespace:default@${http} -> sidecar:default@${http}: 80 HTTP | 443 HTTPS`,
      `namespace:default@${passthrough} -> sidecar:default@${passthrough}: 443 TLS`,
      `sidecar:default@${http} -> ${gw}@${http}: 80 HTTP`,
      `sidecar:default@${http} -> host:edition.cnn.com@${http}: 443 HTTPS`,
      `sidecar:default@${passthrough} -> ${gw}@${passthrough}: 443 TLS · TLS passthrough`,
    ]);
    assert.deepEqual(
      map.nodes.filter((n) => n.kind === 'namespace').map((n) => `${n.label} (${n.caption})`),
      ['default (namespace · http-gateway-api)', 'default (namespace · https-passthrough-gateway-api)'],
    );
    // Each gateway opens its own mesh's Gateway.
    assert.deepEqual(
      map.nodes.filter((n) => n.kind === 'egress-gateway').map((n) => n.at?.uri.split('/').slice(-2).join('/')),
      ['http-gateway-api/02-k8s-gateway-cnn-egress-gateway.yaml', 'https-passthrough-gateway-api/02-k8s-gateway-tlsroutes-cnn.yaml'],
    );
    // Neither mesh's path is broken by the other's Gateway, in the map or in the status bar's summary.
    const summary = new PathSummary(index, DEFAULT_SETTINGS).summary();
    assert.deepEqual([summary.brokenPaths, summary.hosts, summary.namespaces], [map.brokenPaths, map.hosts, map.namespaces]);
    assert.equal(map.brokenPaths, 0);
    // One mesh: no mesh in the ids or captions, and no mesh filter.
    const single = mapOf(scenario('egress-gateway/http-gateway-api'));
    assert.deepEqual(single.nodes.find((n) => n.kind === 'namespace')?.caption, 'namespace');
    assert.equal(single.meshes, undefined);
    // The mesh filter, by the names the captions use, keeps one mesh's paths; the lists and counts stay those of the workspace.
    assert.deepEqual(map.meshes, ['http-gateway-api', 'https-passthrough-gateway-api']);
    const passthroughOnly = trafficMap({ index, settings: DEFAULT_SETTINGS }, { mesh: 'https-passthrough-gateway-api' });
    assert.deepEqual(edges(passthroughOnly), [
      `${gw}@${passthrough} -> host:edition.cnn.com@${passthrough}: 443 TLS · TLS from the application`,
      `namespace:default@${passthrough} -> sidecar:default@${passthrough}: 443 TLS`,
      `sidecar:default@${passthrough} -> ${gw}@${passthrough}: 443 TLS · TLS passthrough`,
    ]);
    assert.deepEqual([passthroughOnly.hosts, passthroughOnly.meshes], [map.hosts, map.meshes]);
    assert.equal(trafficMap({ index, settings: DEFAULT_SETTINGS }, { mesh: 'staging' }).nodes.length, 0);
  },
);

test('a weighted split is drawn as one edge out of the sidecar per destination, each with its weight', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http');
  const vsFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const split = files[vsFile].replace(
    '      weight: 100\n  - match:\n    - gateways:\n      - istio-egressgateway',
    '      weight: 80\n    - destination:\n        host: edition.cnn.com\n      weight: 20\n  - match:\n    - gateways:\n      - istio-egressgateway',
  );
  assert.notEqual(split, files[vsFile]);
  const map = mapOf({ ...files, [vsFile]: split });
  assert.deepEqual(
    edges(map).filter((e) => e.startsWith('sidecar:')),
    [`sidecar:default -> ${GW}: 80 HTTP · weight 80`, 'sidecar:default -> host:edition.cnn.com: 80 HTTP · weight 20 | 443 HTTPS'],
  );
});

test('a weighted split at the egress gateway is drawn as one edge out of the gateway per destination, each with its weight', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http');
  const vsFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const split = files[vsFile].replace(
    /( {4}- destination:\n {8}host: edition\.cnn\.com\n {8}port:\n {10}number: 80\n {6}weight: )100\n$/,
    '$180\n    - destination:\n        host: httpbin.org\n        port:\n          number: 80\n      weight: 20\n',
  );
  assert.notEqual(split, files[vsFile]);
  const httpbin = scenario('egress-control/service-entries')['01-serviceentry-httpbin-ext.yaml'];
  const map = mapOf({ ...files, [vsFile]: split, 'httpbin.yaml': httpbin });
  assert.deepEqual(
    edges(map).filter((e) => e.startsWith(`${GW} ->`)),
    [`${GW} -> host:edition.cnn.com: 80 HTTP · weight 80`, `${GW} -> host:httpbin.org: 80 HTTP · weight 20`],
  );
  // The second destination is a host node of its own, opened at the ServiceEntry that declares it.
  assert.ok(map.nodes.some((n) => n.id === 'host:httpbin.org' && n.caption === 'ServiceEntry httpbin-ext'));
});

test('a Gateway API egress gateway with two backendRefs is drawn with one edge to each, with its weight', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http-gateway-api');
  const routesFile = Object.keys(files).find((f) => f.startsWith('03-'))!;
  const forward = files[routesFile].replace(
    /( {4}- kind: Hostname\n {6}group: networking\.istio\.io\n {6}name: edition\.cnn\.com\n {6}port: 80\n)$/,
    '$1      weight: 3\n    - kind: Hostname\n      group: networking.istio.io\n      name: httpbin.org\n      port: 80\n      weight: 1\n',
  );
  assert.notEqual(forward, files[routesFile]);
  const gateway = 'gateway:cnn-egress-gateway-istio.default.svc.cluster.local';
  assert.deepEqual(
    edges(mapOf({ ...files, [routesFile]: forward })).filter((e) => e.startsWith(`${gateway} ->`)),
    [`${gateway} -> host:edition.cnn.com: 80 HTTP · weight 3`, `${gateway} -> host:httpbin.org: 80 HTTP · weight 1`],
  );
});

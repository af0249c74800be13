import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { generateBundle } from './bundle';
import { BUNDLE_MODES, API_VERSIONS, type BundleMode } from '../protocol';
import { buildIndex } from '../analyzers/fixture-harness';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';
import { DEFAULT_SETTINGS } from '../settings';
import { needsShared, sharedPath } from '../shared-corpus';

const store = loadSchemaStore();
const CORPUS = sharedPath('corpus', 'istio-docs');
const GATEWAY_HOST = DEFAULT_SETTINGS.egressGateway.host;

function loud(files: Map<string, string>): string[] {
  const { index } = buildIndex(files);
  const checker = new Checker(index, store, DEFAULT_SETTINGS);
  return [...files.keys()].flatMap((name) =>
    checker
      .findings(`file:///ws/${name}`)
      .filter((f) => f.severity === 'error' || f.severity === 'warning')
      .map((f) => `${name}: ${f.code}: ${f.message}`),
  );
}

for (const mode of BUNDLE_MODES) {
  for (const apiVersion of API_VERSIONS) {
    const hosts = mode === 'passthrough' ? ['api.example.com', '*.example.com'] : ['api.example.com'];
    for (const host of hosts) {
      test(`generate ${mode} ${apiVersion} ${host}: analyses clean and parses back to the same resources`, () => {
        const result = generateBundle({ host, mode, apiVersion, registryOnly: true, networkPolicy: true });
        assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
        const docs = YAML.parseAllDocuments(result.yaml).map((d) => d.toJS());
        assert.deepEqual(
          docs,
          result.resources.map((r) => r.value),
        );
        for (const d of docs) if (String(d.apiVersion).startsWith('networking.istio.io')) assert.equal(d.apiVersion, `networking.istio.io/${apiVersion}`);
        // Information-level advice (such as the older API versions) is allowed; nothing louder.
        assert.deepEqual(loud(new Map([['bundle.yaml', result.yaml]])), []);
      });
    }
  }
}

test('bad input is refused with a clear message', () => {
  const cases: [Parameters<typeof generateBundle>[0], RegExp][] = [
    [{ host: 'not a host', mode: 'http' }, /not a valid host name/],
    [{ host: '*.example.com', mode: 'tls-origination' }, /cannot serve the wildcard host/],
    [{ host: 'api.example.com', mode: 'http', port: 0 }, /out of range/],
    [{ host: 'api.example.com', mode: 'bogus' as BundleMode }, /Unknown mode/],
    [{ host: 'api.example.com', mode: 'http', namespace: 'Bad_NS' }, /not a valid namespace/],
  ];
  for (const [options, message] of cases) {
    const r = generateBundle(options);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.errors.join('\n') : '', message);
  }
});

test('names do not collide with existing resources', () => {
  const taken = new Set(['ServiceEntry/default/api-example-com', 'VirtualService/default/direct-api-example-com-through-egress-gateway']);
  const r = generateBundle({ host: 'api.example.com', mode: 'http', isTaken: (k, ns, n) => taken.has(`${k}/${ns}/${n}`) });
  assert.ok(r.ok);
  const names = r.resources.map((x) => `${x.kind}/${x.name}`);
  assert.ok(names.includes('ServiceEntry/api-example-com-2'));
  assert.ok(names.includes('VirtualService/direct-api-example-com-through-egress-gateway-2'));
});

/** What a scenario does, independent of names: kinds, hosts, ports, TLS modes and route structure. */
function signature(resources: Record<string, any>[], host: string) {
  const isIstio = (r: Record<string, any>) => String(r.apiVersion).startsWith('networking.istio.io');
  // HTTPS and TLS mean the same to a passthrough server or a ServiceEntry port the sidecar does not terminate.
  const tlsFamily = (protocol: string, tlsMode?: string) => (protocol === 'HTTPS' && (tlsMode === 'PASSTHROUGH' || tlsMode === undefined) ? 'TLS' : protocol);
  const leg = (h: string) => (h === GATEWAY_HOST ? 'egress-gateway' : h === host || h.startsWith('www.') ? 'external' : h);
  const modes = (tp: Record<string, any> | undefined) =>
    [tp?.tls?.mode, ...(tp?.portLevelSettings ?? []).map((p: Record<string, any>) => p.tls?.mode)].filter(Boolean);
  return {
    kinds: resources
      .filter(isIstio)
      .map((r) => r.kind)
      .sort(),
    serviceEntryPorts: resources
      .filter((r) => r.kind === 'ServiceEntry')
      .flatMap((r) => r.spec.ports.map((p: Record<string, any>) => `${p.number}/${tlsFamily(p.protocol)}${p.targetPort ? `->${p.targetPort}` : ''}`))
      .sort(),
    gatewayServers: resources
      .filter((r) => r.kind === 'Gateway' && isIstio(r))
      .flatMap((r) =>
        r.spec.servers.map(
          (s: Record<string, any>) => `${s.tls?.mode === 'PASSTHROUGH' ? tlsFamily(s.port.protocol, 'PASSTHROUGH') : s.port.protocol}/${s.tls?.mode ?? 'none'}`,
        ),
      ),
    destinationRules: resources
      .filter((r) => r.kind === 'DestinationRule')
      .map(
        (r) =>
          `${leg(r.spec.host)}:` +
          [...modes(r.spec.trafficPolicy), ...(r.spec.subsets ?? []).flatMap((s: Record<string, any>) => modes(s.trafficPolicy))].join(',') +
          (r.spec.workloadSelector ? ':selector' : ''),
      )
      .sort(),
    routes: resources
      .filter((r) => r.kind === 'VirtualService')
      .flatMap((r) =>
        ['http', 'tls', 'tcp'].flatMap((section) =>
          (r.spec[section] ?? []).map((rule: Record<string, any>) => {
            const from = (rule.match ?? []).flatMap((m: Record<string, any>) => m.gateways ?? []).map((g: string) => (g === 'mesh' ? 'mesh' : 'gateway'));
            const to = rule.route.map(
              (x: Record<string, any>) => `${leg(x.destination.host)}${leg(x.destination.host) === 'external' ? `:${x.destination.port?.number}` : ''}`,
            );
            return `${section} ${from.join('+')} -> ${to.join('+')}`;
          }),
        ),
      ),
  };
}

const SCENARIOS: { mode: BundleMode; folder: string; host: string; port?: number; skipKinds?: string[] }[] = [
  { mode: 'http', folder: 'egress-gateway/http', host: 'edition.cnn.com' },
  { mode: 'passthrough', folder: 'egress-gateway/https-passthrough', host: 'edition.cnn.com' },
  { mode: 'passthrough', folder: 'wildcard-egress-hosts/single-host', host: '*.wikipedia.org' },
  { mode: 'tls-origination', folder: 'egress-gateway-tls-origination/simple', host: 'edition.cnn.com' },
  { mode: 'mtls-origination', folder: 'egress-gateway-tls-origination/mutual', host: 'my-nginx.mesh-external.svc.cluster.local' },
  { mode: 'sidecar-tls-origination', folder: 'egress-tls-origination/simple', host: 'edition.cnn.com' },
  { mode: 'sidecar-mtls-origination', folder: 'egress-tls-origination/mutual', host: 'my-nginx.mesh-external.svc.cluster.local' },
];

for (const s of SCENARIOS) {
  test(`generate ${s.mode} ${s.host} matches Istio's task ${s.folder}`, needsShared('corpus', 'istio-docs'), () => {
    const dir = path.join(CORPUS, s.folder);
    const docs = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && f !== 'mesh.yaml')
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()))
      .filter((d) => d && typeof d === 'object');
    const result = generateBundle({ host: s.host, mode: s.mode, port: s.port });
    assert.ok(result.ok);
    const expected = signature(docs, s.host);
    const actual = signature(
      result.resources.map((r) => r.value),
      s.host,
    );
    // The mutual TLS tasks reach an in-cluster nginx through its Kubernetes Service, where the
    // generator (for external hosts) writes a ServiceEntry; everything else must match.
    if (!docs.some((d) => d.kind === 'ServiceEntry')) {
      actual.kinds = actual.kinds.filter((k) => k !== 'ServiceEntry');
      actual.serviceEntryPorts = [];
    }
    assert.deepEqual(actual, expected);
  });
}

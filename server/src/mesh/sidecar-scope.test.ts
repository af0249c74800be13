/**
 * The sidecar scope, table-tested against pilot/pkg/model/sidecar.go: DefaultSidecarScopeForNamespace
 * and ConvertToSidecarScope (which Sidecar applies), selectServices and hostClassification.Matches
 * (SubsetOf host matching, `~` exclusions), SelectVirtualServices, "Infer more possible destinations
 * from virtual services", initSidecarScopeInternalIndexes (the outbound traffic policy), and egress
 * listener ports (serviceMatchingListenerPort, needsPortMatch, GetEgressListenerForRDS).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documents, resource, workspace } from './test-workspace';
import {
  importedAsDestination,
  importsService,
  importsServiceOnPort,
  importsVirtualService,
  namespaceSidecar,
  outboundPolicy,
  sidecarScope,
} from './sidecar-scope';
import { DEFAULT_SETTINGS } from '../settings';

const sidecar = (id: string, hosts: string[] | undefined, extra: Record<string, unknown> = {}) =>
  resource('Sidecar', id, { ...(hosts ? { egress: [{ hosts }] } : {}), ...extra });
const meshConfig = (mode: string, root?: string) =>
  'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: istio\n  namespace: ' +
  'istio-system\nspec:\n  meshConfig:\n    outboundTrafficPolicy:\n      mode: ' +
  `${mode}\n${root ? `    rootNamespace: ${root}\n` : ''}`;

test('DefaultSidecarScopeForNamespace: a namespace without its own Sidecar uses the root namespace Sidecar without workloadSelector', () => {
  const index = workspace({
    'a.yaml': documents(
      sidecar('istio-system/selected', ['./*'], { workloadSelector: { labels: { app: 'x' } } }),
      sidecar('istio-system/default', ['./*', 'istio-system/*']),
      sidecar('shop/default', ['./*']),
    ),
  });
  assert.equal(namespaceSidecar(index, 'shop')?.namespace, 'shop');
  assert.equal(namespaceSidecar(index, 'payments')?.name, 'default');
  assert.equal(namespaceSidecar(index, 'payments')?.namespace, 'istio-system');
});

test('ConvertToSidecarScope: "." in the root namespace Sidecar means the workload namespace', () => {
  const index = workspace({ 'a.yaml': sidecar('istio-system/default', ['./*']) });
  const scope = sidecarScope(index, 'payments');
  assert.equal(importsService(scope, 'payments', 'api.payments.svc.cluster.local'), true);
  assert.equal(importsService(scope, 'istio-system', 'istiod.istio-system.svc.cluster.local'), false);
});

test('the root namespace follows meshConfig.rootNamespace', () => {
  const index = workspace({
    'a.yaml': documents(meshConfig('ALLOW_ANY', 'mesh-root'), sidecar('istio-system/default', ['./*']), sidecar('mesh-root/default', ['*/*'])),
  });
  assert.equal(namespaceSidecar(index, 'payments')?.namespace, 'mesh-root');
});

for (const c of [
  { hosts: ['egress/api.example.com'], ns: 'egress', host: 'api.example.com', want: true },
  { hosts: ['egress/api.example.com'], ns: 'egress', host: '*.example.com', want: false },
  { hosts: ['egress/*.example.com'], ns: 'egress', host: 'api.example.com', want: true },
  { hosts: ['egress/*'], ns: 'other', host: 'api.example.com', want: false },
  { hosts: ['*/api.example.com'], ns: 'other', host: 'api.example.com', want: true },
  { hosts: ['egress/*', '~egress/api.example.com'], ns: 'egress', host: 'api.example.com', want: false },
  { hosts: ['*/*', '~*/*.example.com'], ns: 'egress', host: 'api.example.com', want: false },
  { hosts: ['*/*', '~egress/*.example.com'], ns: 'egress', host: 'www.example.org', want: true },
]) {
  test(`selectServices: [${c.hosts.join(', ')}] ${c.want ? 'imports' : 'does not import'} ${c.ns}/${c.host}`, () => {
    const index = workspace({ 'a.yaml': sidecar('shop/default', c.hosts) });
    assert.equal(importsService(sidecarScope(index, 'shop'), c.ns, c.host), c.want);
  });
}

test('SelectVirtualServices: by the VirtualService namespace and hosts, wildcards matching both ways', () => {
  const vs = (id: string, host: string) => resource('VirtualService', id, { hosts: [host], http: [{ route: [{ destination: { host } }] }] });
  const index = workspace({
    'a.yaml': documents(
      sidecar('shop/default', ['./*', 'egress/*.example.com']),
      vs('shop/local', 'api.partner.com'),
      vs('egress/api', 'api.example.com'),
      vs('egress/wild', '*.com'),
      vs('egress/other', 'api.example.org'),
    ),
  });
  const scope = sidecarScope(index, 'shop');
  const names = index
    .ofKind('VirtualService')
    .filter((v) => importsVirtualService(scope, v))
    .map((v) => `${v.namespace}/${v.name}`);
  assert.deepEqual(names.sort(), ['egress/api', 'egress/wild', 'shop/local']);
});

test('Infer more possible destinations from virtual services: the egress gateway an imported VirtualService routes to is reachable with "./*"', () => {
  const gateway = 'istio-egressgateway.istio-system.svc.cluster.local';
  const index = workspace({
    'a.yaml': documents(
      sidecar('shop/default', ['./*']),
      resource('VirtualService', 'shop/cnn', { hosts: ['edition.cnn.com'], http: [{ route: [{ destination: { host: gateway } }] }] }),
      resource('VirtualService', 'other/cnn', { hosts: ['www.cnn.com'], http: [{ route: [{ destination: { host: 'api.example.com' } }] }] }),
    ),
  });
  const scope = sidecarScope(index, 'shop');
  assert.equal(importsService(scope, 'istio-system', gateway), false);
  assert.equal(importedAsDestination(index, scope, gateway), true);
  assert.equal(importedAsDestination(index, scope, 'api.example.com'), false, 'a VirtualService the Sidecar does not import brings nothing');
});

for (const c of [
  {
    what: "the namespace Sidecar's policy",
    docs: [meshConfig('ALLOW_ANY'), sidecar('shop/default', ['./*'], { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })],
    want: 'REGISTRY_ONLY sidecar',
  },
  {
    what: "the mesh config's when the namespace Sidecar sets none, not the root Sidecar's",
    docs: [
      meshConfig('REGISTRY_ONLY'),
      sidecar('shop/default', ['./*']),
      sidecar('istio-system/default', ['./*'], { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }),
    ],
    want: 'REGISTRY_ONLY mesh-config',
  },
  {
    what: "the root Sidecar's for a namespace without its own",
    docs: [meshConfig('ALLOW_ANY'), sidecar('istio-system/default', ['./*'], { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })],
    want: 'REGISTRY_ONLY sidecar',
  },
  { what: 'the setting when nothing sets one', docs: [sidecar('shop/default', ['./*'])], want: 'ALLOW_ANY setting' },
]) {
  test(`initSidecarScopeInternalIndexes: the outbound traffic policy is ${c.what}`, () => {
    const index = workspace({ 'a.yaml': documents(...c.docs) });
    const p = outboundPolicy(index, DEFAULT_SETTINGS, 'shop');
    assert.equal(`${p.mode} ${p.origin}`, c.want);
  });
}

const API = 'api.example.com';
const listeners = (...egress: Record<string, unknown>[]) => workspace({ 'a.yaml': resource('Sidecar', 'shop/default', { egress }) });

for (const c of [
  {
    what: 'a listener with a port imports a service that declares that port',
    egress: [{ port: { number: 443, protocol: 'TLS', name: 'tls' }, hosts: ['egress/*'] }],
    ports: [443],
    want: true,
  },
  {
    what: 'a listener with a port does not import a service without that port (serviceMatchingListenerPort)',
    egress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, hosts: ['egress/*'] }],
    ports: [443],
    want: false,
  },
  {
    what: 'an HTTP_PROXY listener is a generic proxy: it imports whatever the port (needsPortMatch)',
    egress: [{ port: { number: 3128, protocol: 'HTTP_PROXY', name: 'proxy' }, hosts: ['egress/*'] }],
    ports: [443],
    want: true,
  },
  {
    what: 'a catch-all listener beside a port listener imports the service',
    egress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, hosts: ['./*'] }, { hosts: ['egress/*'] }],
    ports: [443],
    want: true,
  },
]) {
  test(`convertIstioListenerToWrapper/selectServices: ${c.what}`, () => {
    assert.equal(importsService(sidecarScope(listeners(...c.egress), 'shop'), 'egress', API, c.ports), c.want);
  });
}

for (const c of [
  {
    what: 'traffic to a port with its own listener is routed by that listener only',
    egress: [{ port: { number: 443, protocol: 'TLS', name: 'tls' }, hosts: ['./*'] }, { hosts: ['egress/*'] }],
    port: 443,
    want: false,
  },
  {
    what: 'traffic to another port is routed by the catch-all listener',
    egress: [{ port: { number: 443, protocol: 'TLS', name: 'tls' }, hosts: ['./*'] }, { hosts: ['egress/*'] }],
    port: 80,
    want: true,
  },
  {
    what: 'without a catch-all listener, traffic to another port has no listener',
    egress: [{ port: { number: 443, protocol: 'TLS', name: 'tls' }, hosts: ['egress/*'] }],
    port: 80,
    want: false,
  },
  {
    what: 'the port listener imports the service on its port',
    egress: [{ port: { number: 443, protocol: 'TLS', name: 'tls' }, hosts: ['egress/*'] }],
    port: 443,
    want: true,
  },
]) {
  test(`GetEgressListenerForRDS: ${c.what}`, () => {
    assert.equal(importsServiceOnPort(sidecarScope(listeners(...c.egress), 'shop'), 'egress', API, c.port, [80, 443]), c.want);
  });
}

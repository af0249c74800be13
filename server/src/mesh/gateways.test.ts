/**
 * Gateway references, gateway placement and egress gateways, table-tested against the Istio functions they follow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { generateBundle } from '../generate/bundle';
import {
  egressGatewayNamespace,
  gatewayBehindHost,
  gatewayPlacement,
  gatewayRefNameSpan,
  resolveGatewayName,
  serviceHostNamespace,
  parseGatewayRef,
} from './gateways';

// Follows pilot/pkg/model/config.go resolveGatewayName, including its edge cases: only the first `/`
// splits, `./` is the VirtualService's namespace, and the dotted legacy forms take the second label.
for (const c of [
  { ref: 'istio-system/egress', want: 'istio-system/egress' },
  { ref: './egress', want: 'shop/egress' },
  { ref: 'egress', want: 'shop/egress' },
  { ref: 'egress.istio-system', want: 'istio-system/egress' },
  { ref: 'egress.istio-system.svc.cluster.local', want: 'istio-system/egress' },
  { ref: 'egress.istio-system.svc', want: 'istio-system/egress' },
  { ref: 'a/b/c', want: 'a/b/c' },
  { ref: 'ns/egress.v2', want: 'ns/egress.v2' },
  { ref: 'egress.', want: '/egress' },
]) {
  test(`resolveGatewayName: "${c.ref}" in namespace shop is ${c.want}`, () => {
    const r = resolveGatewayName(c.ref, 'shop');
    assert.equal(`${r.namespace}/${r.name}`, c.want);
    // parseGatewayRef, which analyzers and navigation use, gives the same answer.
    const p = parseGatewayRef(c.ref, 'shop');
    assert.equal(p && `${p.namespace}/${p.name}`, c.want);
  });
}

test('resolveGatewayName: a short reference is unqualified, every other form is qualified', () => {
  assert.equal(parseGatewayRef('egress', 'shop')?.qualified, false);
  for (const ref of ['./egress', 'ns/egress', 'egress.ns', 'egress.ns.svc.cluster.local']) assert.equal(parseGatewayRef(ref, 'shop')?.qualified, true, ref);
});

// The Gateway's name in each form resolveGatewayName reads: the part a rename replaces.
for (const c of [
  { ref: 'istio-system/egress', name: 'egress' },
  { ref: './egress', name: 'egress' },
  { ref: 'egress', name: 'egress' },
  { ref: 'egress.istio-system', name: 'egress' },
  { ref: 'egress.istio-system.svc.cluster.local', name: 'egress' },
]) {
  test(`gatewayRefNameSpan: the Gateway's name in "${c.ref}" is ${c.name}`, () => {
    const span = gatewayRefNameSpan(c.ref);
    assert.equal(c.ref.slice(span.start, span.end), c.name);
  });
}

test('resolveGatewayName: "mesh" is the sidecars, not a Gateway', () => {
  assert.equal(parseGatewayRef('mesh', 'shop'), undefined);
});

// The generator and the analyzers place the egress gateway with the same function.
for (const c of [
  { host: 'istio-egressgateway.istio-system.svc.cluster.local', want: 'istio-system' },
  { host: 'egress-gw.egress.svc.cluster.local', want: 'egress' },
  { host: 'egress-gw.egress.svc', want: 'egress' },
  { host: 'egress-gw.egress', want: 'egress' },
  { host: 'Egress-GW.Platform.svc.cluster.local', want: 'platform' },
  { host: 'egress.example.com', want: 'istio-system' },
  { host: 'egress-gw', want: 'istio-system' },
]) {
  test(`serviceHostNamespace: the egress gateway ${c.host} runs in ${c.want}, for the analyzers and the generator alike`, () => {
    assert.equal(serviceHostNamespace(c.host), c.want);
    const settings: Settings = { ...DEFAULT_SETTINGS, egressGateway: { ...DEFAULT_SETTINGS.egressGateway, host: c.host } };
    assert.equal(egressGatewayNamespace(settings), c.want);
    const bundle = generateBundle({ host: 'api.example.com', mode: 'http', gatewayHost: c.host });
    assert.ok(bundle.ok);
    const gateway = bundle.resources.find((r) => r.kind === 'Gateway');
    assert.equal(gateway?.namespace, c.want);
  });
}

// A custom egress gateway's Deployment and Service in namespace egress, shared with egress-path.test.ts.
const CUSTOM_GATEWAY = fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/custom-egress-gateway.yaml'), 'utf8');

const WORKSPACE = `${CUSTOM_GATEWAY}---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: egress-gateway, namespace: platform}
spec:
  selector: {istio: egress-custom}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: shop}
spec:
  selector: {app: shop}
  ports: [{name: http, port: 80}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: default-egress, namespace: istio-system}
spec:
  selector: {istio: egressgateway}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: web}
spec:
  selector: {istio: ingressgateway}
`;

function indexOf(text: string): WorkspaceIndex {
  const index = new WorkspaceIndex();
  index.setFile(parseFile('file:///ws/all.yaml', text));
  return index;
}

// A gateway proxy uses its own namespace's view (pilot/pkg/model/context.go ConfigNamespace, used by
// DefaultSidecarScopeForGateway): that is the namespace of the pods the Gateway selects, not the Gateway's.
for (const c of [
  { gateway: 'egress-gateway', want: { namespaces: ['egress'], known: true } },
  { gateway: 'default-egress', want: { namespaces: ['istio-system'], known: true } },
  { gateway: 'public', want: { namespaces: ['istio-system', 'web'], known: false } },
]) {
  test(`gatewayPlacement: Gateway ${c.gateway} runs in ${c.want.namespaces.join(', ')} (${c.want.known ? 'known' : 'assumed'})`, () => {
    const index = indexOf(WORKSPACE);
    const gw = index.ofKind('Gateway').find((g) => g.name === c.gateway)!;
    assert.deepEqual(gatewayPlacement(index, DEFAULT_SETTINGS, gw), c.want);
  });
}

test('gatewayPlacement: a gateway Deployment that writes no namespace is placed in default, but not as a fact', () => {
  const index = indexOf(
    WORKSPACE.replace('metadata: {name: egress-gateway, namespace: egress}\nspec:\n  template', 'metadata: {name: egress-gateway}\nspec:\n  template'),
  );
  const gw = index.ofKind('Gateway').find((g) => g.name === 'egress-gateway')!;
  assert.deepEqual(gatewayPlacement(index, DEFAULT_SETTINGS, gw), { namespaces: ['default'], known: false });
});

test('gatewayBehindHost: a Service whose pods an Istio Gateway selects is a gateway, placed in its namespace', () => {
  const index = indexOf(WORKSPACE);
  const gw = gatewayBehindHost(index, DEFAULT_SETTINGS, 'egress-gateway.egress.svc.cluster.local');
  assert.equal(gw?.origin, 'workspace');
  assert.equal(gw?.namespace, 'egress');
  assert.deepEqual(
    gw?.gateways.map((g) => g.name),
    ['egress-gateway'],
  );
  assert.equal(gatewayBehindHost(index, DEFAULT_SETTINGS, 'shop.shop.svc.cluster.local'), undefined, 'an application Service is not a gateway');
  assert.equal(gatewayBehindHost(index, DEFAULT_SETTINGS, 'istio-egressgateway.istio-system.svc.cluster.local')?.origin, 'settings');
});

test('gatewayBehindHost: without a Deployment, the Service selector alone must carry the Gateway selector', () => {
  const index = indexOf(
    WORKSPACE.replace(/^apiVersion: apps\/v1[\s\S]*?---\n/, '').replace('selector: {app: egress-gateway}', 'selector: {istio: egress-custom}'),
  );
  assert.equal(gatewayBehindHost(index, DEFAULT_SETTINGS, 'egress-gateway.egress.svc.cluster.local')?.origin, 'workspace');
  const other = indexOf(WORKSPACE.replace(/^apiVersion: apps\/v1[\s\S]*?---\n/, ''));
  assert.equal(gatewayBehindHost(other, DEFAULT_SETTINGS, 'egress-gateway.egress.svc.cluster.local'), undefined, 'the pods are unknown');
});

/**
 * The routes to egress gateways: the gateway-side routes of a host and the mesh routes that send a
 * namespace's traffic to a gateway, for the settings' gateway and for one the workspace declares.
 * A workspace egress gateway is a Service whose pods an Istio Gateway selects (pilot/pkg/model/push_context.go
 * `VirtualServicesForGateway` gives the Gateway's proxies the routes bound to it) and to which mesh rules send traffic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../settings';
import { documents, resource, workspace } from './test-workspace';
import { egressGatewayRoutesTo, meshRoutesToEgressGateway } from './routes';
import { workspaceEgressGatewaysSelectedBy } from './gateways';

const GATEWAY = documents(
  resource('Deployment', 'egress-system/corp-egress', { template: { metadata: { labels: { app: 'corp-egress' } } } }, 'apps/v1'),
  resource('Service', 'egress-system/corp-egress', { selector: { app: 'corp-egress' } }, 'v1'),
  resource('Gateway', 'egress-system/corp-egress', {
    selector: { app: 'corp-egress' },
    servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*/api.example.com'] }],
  }),
);

const throughGateway = (id: string, host: string, extra: Record<string, unknown> = {}) =>
  resource('VirtualService', id, {
    hosts: [host],
    gateways: ['mesh', 'egress-system/corp-egress'],
    ...extra,
    http: [
      { match: [{ gateways: ['mesh'] }], route: [{ destination: { host: 'corp-egress.egress-system.svc.cluster.local' } }] },
      { match: [{ gateways: ['egress-system/corp-egress'] }], route: [{ destination: { host } }] },
    ],
  });

test('egressGatewayRoutesTo: the routes of a Gateway selecting a workspace egress gateway count without naming it; an ingress Gateway does not', () => {
  const index = workspace({
    'gateway.yaml': GATEWAY,
    'api.yaml': throughGateway('team-a/api', 'api.example.com'),
    'edge.yaml': documents(
      resource('Service', 'edge/edge', { selector: { app: 'edge' } }, 'v1'),
      resource('Gateway', 'edge/edge', { selector: { app: 'edge' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }),
      resource('VirtualService', 'edge/legacy', {
        hosts: ['legacy.example.com'],
        gateways: ['edge'],
        http: [{ route: [{ destination: { host: 'legacy.example.com' } }] }],
      }),
    ),
  });
  assert.deepEqual(
    egressGatewayRoutesTo(index, DEFAULT_SETTINGS, 'api.example.com').map((r) => `${r.vs.name} on ${r.gateway.namespace}/${r.gateway.name}`),
    ['api on egress-system/corp-egress'],
  );
  assert.deepEqual(egressGatewayRoutesTo(index, DEFAULT_SETTINGS, 'legacy.example.com'), [], 'no mesh rule sends traffic to the edge Service');
  const edge = index.ofKind('Gateway').find((g) => g.name === 'edge')!;
  assert.deepEqual(workspaceEgressGatewaysSelectedBy(index, DEFAULT_SETTINGS, edge), []);
});

test("meshRoutesToEgressGateway: a namespace's own routes, routes exported to it, and routes exported everywhere, with the gateway each reaches", () => {
  const index = workspace({
    'gateway.yaml': GATEWAY,
    'own.yaml': throughGateway('team-a/api', 'api.example.com', { exportTo: ['.'] }),
    'shared.yaml': throughGateway('egress-system/shared', 'shared.example.com'),
    'named.yaml': throughGateway('egress-system/named', 'named.example.com', { exportTo: ['team-c'] }),
  });
  const names = (ns: string) =>
    meshRoutesToEgressGateway(index, DEFAULT_SETTINGS, ns).map((r) => `${r.vs.name} -> ${r.gateway.namespace} (${r.gateway.origin})`);
  assert.deepEqual(names('team-a'), ['api -> egress-system (workspace)']);
  assert.deepEqual(names('team-b'), ['shared -> egress-system (workspace)']);
  assert.deepEqual(names('team-c'), ['named -> egress-system (workspace)']);
});

test('meshRoutesToEgressGateway: a namespace with its own routes to a gateway depends on its own tags, not on the routes exported everywhere', () => {
  const index = workspace({ 'gateway.yaml': GATEWAY, 'own.yaml': throughGateway('team-a/api', 'api.example.com') });
  const deps = new Set<string>();
  meshRoutesToEgressGateway(index.tracked(deps), DEFAULT_SETTINGS, 'team-a');
  const read = [...deps].filter((k) => k.includes('VirtualService'));
  assert.ok(read.includes('tag|VirtualService|mesh-svc-route:team-a'), read.join(', '));
  assert.deepEqual(
    read.filter((k) => k.includes('|*')),
    [],
    'no key of the routes exported to every namespace',
  );
});

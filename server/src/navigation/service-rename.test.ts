/**
 * Renaming a Kubernetes Service: from its name and from every form of reference Istio resolves to it
 * (pilot/pkg/model/config.go ResolveShortnameToFQDN: a dotless host is qualified with the namespace
 * of the resource that writes it, any dotted host is taken as written), each edited in its own
 * spelling, with the names the API server rejects and the names already taken refused. The renamed
 * workspace is checked again and has the same findings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { Checker } from '../check/checker';
import { loadSchemaStore } from '../node/schemas';
import { applyEdits } from '../edits/yaml-edits';
import { siteAtOffset, targetsOf, type NavigationContext } from './references';
import { prepareRename, rename } from './rename';

// Services in shop, referenced from shop and from front in every form (test/fixtures/service-rename).
const FIXTURE = path.resolve(__dirname, '../../../../test/fixtures/service-rename');
const FILES: Record<string, string> = Object.fromEntries(
  ['shop/service.yaml', 'shop/routes.yaml', 'front/front.yaml'].map((f) => [`file:///ws/${f}`, fs.readFileSync(path.join(FIXTURE, f), 'utf8')]),
);

function workspace(files: Record<string, string>): { index: WorkspaceIndex; ctx: NavigationContext } {
  const index = new WorkspaceIndex();
  for (const [uri, text] of Object.entries(files)) index.setFile(parseFile(uri, text));
  return { index, ctx: { index, settings: DEFAULT_SETTINGS } };
}

/** The site at the first occurrence of `needle` in a file, the cursor on its first character. */
function siteOf(ctx: NavigationContext, index: WorkspaceIndex, uri: string, needle: string) {
  const file = index.file(uri)!;
  const at = file.text.indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${uri}`);
  const site = siteAtOffset(file, at, ctx);
  assert.ok(site, `a reference at ${needle}`);
  return site;
}

function applied(files: Record<string, string>, changes: Map<string, { start: number; end: number; newText: string }[]>): Record<string, string> {
  const out = { ...files };
  for (const [uri, edits] of changes) out[uri] = applyEdits(out[uri], edits);
  return out;
}

/** The errors and warnings of every file, as `file code`, sorted. */
function findings(files: Record<string, string>): string[] {
  const { index } = workspace(files);
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  return Object.keys(files)
    .flatMap((uri) => checker.findings(uri).flatMap((f) => (f.severity === 'error' || f.severity === 'warning' ? [`${uri.slice(11)} ${f.code}`] : [])))
    .sort();
}

// Each reference form, as written in the workspace, and the text a rename replaces in it.
const FORMS: [string, string][] = [
  ['file:///ws/shop/service.yaml', 'reviews\n  namespace: shop'],
  ['file:///ws/shop/routes.yaml', 'reviews\n  http'],
  ['file:///ws/shop/routes.yaml', 'reviews.shop.svc.cluster.local'],
  ['file:///ws/shop/routes.yaml', 'reviews\n        subset: v1'],
  ['file:///ws/shop/routes.yaml', 'reviews\n  subsets'],
  ['file:///ws/front/front.yaml', 'shop/reviews.shop.svc.cluster.local'],
  ['file:///ws/front/front.yaml', 'reviews.shop.svc.cluster.local\n  trafficPolicy'],
  ['file:///ws/front/front.yaml', 'reviews\n    namespace: shop\n  rules'],
  ['file:///ws/front/front.yaml', 'reviews\n      namespace: shop'],
  ['file:///ws/front/front.yaml', 'reviews.shop.svc.cluster.local\n---\napiVersion: networking'],
];

test('prepareRename on the Service and on every form that resolves to it offers the name alone', () => {
  const { index, ctx } = workspace(FILES);
  for (const [uri, needle] of FORMS) {
    const site = siteOf(ctx, index, uri, needle);
    const prepared = prepareRename(site, ctx);
    assert.ok('span' in prepared, `${needle}: ${JSON.stringify(prepared)}`);
    assert.equal(prepared.placeholder, 'reviews', needle);
    assert.equal(index.file(uri)!.text.slice(prepared.span.start, prepared.span.end), 'reviews', needle);
  }
});

test('renaming a Service edits every form in its own spelling, and nothing Istio resolves elsewhere', () => {
  const { index, ctx } = workspace(FILES);
  const result = rename(siteOf(ctx, index, 'file:///ws/shop/routes.yaml', 'reviews.shop.svc.cluster.local'), 'critiques', ctx);
  assert.ok('changes' in result, JSON.stringify(result));
  const after = applied(FILES, result.changes);
  assert.equal(
    after['file:///ws/shop/service.yaml'],
    FILES['file:///ws/shop/service.yaml'].replace('name: reviews\n', 'name: critiques\n'),
    'the Service; ratings is untouched',
  );
  // Short stays short, FQDN stays FQDN; the DestinationRule's subsets and the ReferenceGrant's name follow.
  assert.equal(
    after['file:///ws/shop/routes.yaml'],
    FILES['file:///ws/shop/routes.yaml']
      .replace('  - reviews\n', '  - critiques\n')
      .replace('host: reviews.shop.svc.cluster.local', 'host: critiques.shop.svc.cluster.local')
      .replace('host: reviews\n        subset: v1', 'host: critiques\n        subset: v1')
      .replace('  host: reviews\n  subsets', '  host: critiques\n  subsets')
      .replace('    name: reviews\n', '    name: critiques\n'),
  );
  // In namespace front, `reviews` is reviews.front.svc.cluster.local, and `reviews.shop` is taken as
  // written (neither is the Service); `shop/*` imports it without naming it.
  assert.equal(
    after['file:///ws/front/front.yaml'],
    FILES['file:///ws/front/front.yaml']
      .replace('shop/reviews.shop.svc.cluster.local', 'shop/critiques.shop.svc.cluster.local')
      .replace('host: reviews.shop.svc.cluster.local', 'host: critiques.shop.svc.cluster.local')
      .replace('    name: reviews\n    namespace: shop', '    name: critiques\n    namespace: shop')
      .replace('    - name: reviews\n', '    - name: critiques\n')
      .replace('externalName: reviews.shop.svc.cluster.local', 'externalName: critiques.shop.svc.cluster.local'),
  );
  // The renamed references resolve to the renamed Service, and the workspace has the same findings.
  const renamed = workspace(after);
  for (const [uri, needle] of [
    ['file:///ws/shop/routes.yaml', 'critiques.shop.svc.cluster.local'],
    ['file:///ws/front/front.yaml', 'critiques.shop.svc.cluster.local\n---\napiVersion: networking'],
  ]) {
    const site = siteOf(renamed.ctx, renamed.index, uri, needle);
    assert.deepEqual(
      targetsOf(site, renamed.ctx).map((t) => t.label),
      ['Service shop/critiques'],
      needle,
    );
  }
  assert.deepEqual(findings(after), findings(FILES));
});

test('renaming from an ExternalName alias or a Sidecar entry gives the same edit as from the Service', () => {
  const { index, ctx } = workspace(FILES);
  const edit = (uri: string, needle: string) => {
    const result = rename(siteOf(ctx, index, uri, needle), 'critiques', ctx);
    assert.ok('changes' in result, JSON.stringify(result));
    return JSON.stringify([...result.changes].sort());
  };
  const fromService = edit('file:///ws/shop/service.yaml', 'reviews\n  namespace');
  assert.equal(edit('file:///ws/front/front.yaml', 'reviews.shop.svc.cluster.local\n---\napiVersion: networking'), fromService);
  assert.equal(edit('file:///ws/front/front.yaml', 'shop/reviews'), fromService);
});

test('a Service rename refuses names the API server rejects and names already taken', () => {
  const withEntry = {
    ...FILES,
    'file:///ws/entry.yaml':
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: legacy\n  namespace: ' +
      'shop\nspec:\n  hosts:\n  - opinions.shop.svc.cluster.local\n  ports:\n  - number: 80\n    name: http\n',
  };
  const { index, ctx } = workspace(withEntry);
  const site = siteOf(ctx, index, 'file:///ws/shop/routes.yaml', 'reviews\n  http');
  const refused = (name: string) => {
    const result = rename(site, name, ctx);
    return 'error' in result ? result.error : `accepted ${name}`;
  };
  // DNS-1035: a letter first, lower case, no dots (apimachinery ValidateServiceName).
  assert.match(refused('2reviews'), /not a valid Service name: the API server requires a DNS-1035 label/);
  assert.match(refused('Reviews'), /not a valid Service name/);
  assert.match(refused('reviews.v2'), /not a valid Service name/);
  assert.match(refused('r'.repeat(64)), /not a valid Service name/);
  assert.equal(refused('ratings'), 'A Service "ratings" already exists in namespace "shop".');
  assert.match(refused('opinions'), /^ServiceEntry shop\/legacy already defines "opinions\.shop\.svc\.cluster\.local"/);
  const same = rename(site, 'reviews', ctx);
  assert.ok('changes' in same && same.changes.size === 0, 'the same name changes nothing');
});

test('renaming a Service without a selector renames its Endpoints and the label of its EndpointSlices', () => {
  const files = {
    'file:///ws/db.yaml': `apiVersion: v1
kind: Service
metadata:
  name: external-db
spec:
  ports:
  - name: pg
    port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: external-db
subsets:
- addresses:
  - ip: 10.1.2.3
  ports:
  - name: pg
    port: 5432
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: external-db-1
  labels:
    kubernetes.io/service-name: external-db
addressType: IPv4
ports:
- name: pg
  port: 5432
endpoints:
- addresses:
  - 10.1.2.3
`,
  };
  const { index, ctx } = workspace(files);
  const result = rename(siteOf(ctx, index, 'file:///ws/db.yaml', 'external-db'), 'orders-db', ctx);
  assert.ok('changes' in result, JSON.stringify(result));
  const after = applied(files, result.changes)['file:///ws/db.yaml'];
  assert.equal(after, files['file:///ws/db.yaml'].replaceAll('external-db\n', 'orders-db\n'));
  assert.match(after, /name: external-db-1\n/, 'the EndpointSlice keeps its own name');
});

test('renaming the Service of a custom egress gateway edits the mesh route to it; the workspace checks as before', () => {
  const files: Record<string, string> = {
    // A Deployment and Service of an egress gateway in namespace egress, written in flow style.
    'file:///ws/gateway.yaml': fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/custom-egress-gateway.yaml'), 'utf8'),
    'file:///ws/routes.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cnn
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egress
  namespace: egress
spec:
  selector:
    istio: egress-custom
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - edition.cnn.com
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: cnn
spec:
  hosts:
  - edition.cnn.com
  gateways:
  - mesh
  - egress/egress
  http:
  - match:
    - gateways:
      - mesh
      port: 80
    route:
    - destination:
        host: egress-gateway.egress.svc.cluster.local
        port:
          number: 80
  - match:
    - gateways:
      - egress/egress
      port: 80
    route:
    - destination:
        host: edition.cnn.com
        port:
          number: 80
`,
  };
  const { index, ctx } = workspace(files);
  const result = rename(siteOf(ctx, index, 'file:///ws/routes.yaml', 'egress-gateway.egress.svc'), 'egress-gw', ctx);
  assert.ok('changes' in result, JSON.stringify(result));
  const after = applied(files, result.changes);
  assert.match(after['file:///ws/gateway.yaml'], /kind: Service\nmetadata: \{name: egress-gw, namespace: egress\}/);
  assert.match(after['file:///ws/gateway.yaml'], /kind: Deployment\nmetadata: \{name: egress-gateway,/, 'the Deployment is not the Service');
  assert.match(after['file:///ws/routes.yaml'], /host: egress-gw\.egress\.svc\.cluster\.local\n/);
  assert.deepEqual(findings(after), findings(files));
  // Half the edit (the Service alone) leaves the mesh route without its host.
  const half = { ...files, 'file:///ws/gateway.yaml': after['file:///ws/gateway.yaml'] };
  assert.ok(findings(half).includes('routes.yaml vs-unknown-host'), findings(half).join(', '));
});

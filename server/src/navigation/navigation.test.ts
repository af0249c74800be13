/**
 * The navigation core on a small egress workspace spread over files: definitions, references,
 * rename (with its refusals), hover text, completion and symbols, all through the same lookups as
 * the analyzers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { siteAtOffset, targetsOf, referencesOf, type NavigationContext } from './references';
import { prepareRename, rename } from './rename';
import { siteHover } from './hover';
import { workspaceCompletions } from './completion';
import { documentSymbols, workspaceSymbols } from './symbols';
import { applyEdits } from '../edits/yaml-edits';

const FILES: Record<string, string> = {
  'file:///ws/gateway.yaml': `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: istio-egressgateway
  namespace: istio-system
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 443
      name: tls
      protocol: TLS
    hosts:
    - edition.cnn.com
    tls:
      mode: ISTIO_MUTUAL
`,
  // The same Gateway in another version of the configuration (an overlay, another cluster).
  'file:///ws/gateway-v2.yaml': fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/cnn-egress-gateway.yaml'), 'utf8'),
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
  - number: 443
    name: tls
    protocol: TLS
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-cnn
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
    trafficPolicy:
      tls:
        mode: ISTIO_MUTUAL
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: originate-mtls-for-cnn
spec:
  host: edition.cnn.com
  trafficPolicy:
    tls:
      mode: MUTUAL
      credentialName: client-credential
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: direct-cnn-through-egress-gateway
spec:
  hosts:
  - edition.cnn.com
  gateways:
  - istio-system/istio-egressgateway
  - mesh
  http:
  - match:
    - gateways:
      - mesh
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: cnn
  - match:
    - gateways:
      - istio-egressgateway.istio-system
    route:
    - destination:
        host: edition.cnn.com
        port:
          number: 443
`,
  'file:///ws/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: client-credential
  namespace: istio-system
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
spec:
  egress:
  - hosts:
    - ./edition.cnn.com
    - istio-system/*
`,
};

function workspace(files: Record<string, string> = FILES): { index: WorkspaceIndex; ctx: NavigationContext } {
  const index = new WorkspaceIndex();
  for (const [uri, text] of Object.entries(files)) index.setFile(parseFile(uri, text));
  return { index, ctx: { index, settings: DEFAULT_SETTINGS } };
}

/** The site at the n-th occurrence of `needle` in a file (the cursor on its last character). */
function siteOf(ctx: NavigationContext, index: WorkspaceIndex, uri: string, needle: string, nth = 0) {
  const file = index.file(uri)!;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = file.text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} in ${uri}`);
  const site = siteAtOffset(file, at + needle.length - 1, ctx);
  assert.ok(site, `a reference at ${needle}`);
  return site;
}

const where = (index: WorkspaceIndex, t: { resource: { uri: string }; span: { start: number; end: number } }) => {
  const text = index.file(t.resource.uri)!.text;
  return `${t.resource.uri.slice('file:///ws/'.length)}:${text.slice(0, t.span.start).split('\n').length}:${text.slice(t.span.start, t.span.end)}`;
};

test('a gateway reference leads to every version of the Gateway, in each written form', () => {
  const { index, ctx } = workspace();
  for (const needle of ['istio-system/istio-egressgateway', '- istio-egressgateway.istio-system']) {
    const targets = targetsOf(siteOf(ctx, index, 'file:///ws/routes.yaml', needle), ctx);
    assert.deepEqual(targets.map((t) => where(index, t)).sort(), ['gateway-v2.yaml:4:istio-egressgateway', 'gateway.yaml:4:istio-egressgateway'], needle);
  }
});

test('a subset leads to the DestinationRule subset that applies to the host for that namespace', () => {
  const { index, ctx } = workspace();
  const targets = targetsOf(siteOf(ctx, index, 'file:///ws/routes.yaml', 'subset: cnn', 0), ctx);
  assert.deepEqual(
    targets.map((t) => t.label),
    ['subset "cnn" of DestinationRule default/egressgateway-for-cnn'],
  );
  assert.deepEqual(
    targets.map((t) => where(index, t)),
    ['routes.yaml:24:cnn'],
  );
});

test('a host leads to the ServiceEntry that defines it; credentialName to the Secret where the egress gateway reads it', () => {
  const { index, ctx } = workspace();
  const host = targetsOf(siteOf(ctx, index, 'file:///ws/routes.yaml', 'host: edition.cnn.com'), ctx);
  assert.deepEqual(
    host.map((t) => `${t.label} ${where(index, t)}`),
    ['ServiceEntry default/cnn routes.yaml:7:edition.cnn.com'],
  );
  const secret = targetsOf(siteOf(ctx, index, 'file:///ws/routes.yaml', 'client-credential'), ctx);
  assert.deepEqual(
    secret.map((t) => `${t.label} ${where(index, t)}`),
    ['Secret istio-system/client-credential secret.yaml:4:client-credential'],
  );
});

test('a Sidecar egress entry leads to what it imports', () => {
  const { index, ctx } = workspace();
  const imported = targetsOf(siteOf(ctx, index, 'file:///ws/secret.yaml', './edition.cnn.com'), ctx);
  assert.deepEqual(
    imported.map((t) => t.label),
    ['ServiceEntry default/cnn'],
  );
  // `istio-system/*` imports what istio-system declares, and the workspace declares no Service there.
  assert.deepEqual(targetsOf(siteOf(ctx, index, 'file:///ws/secret.yaml', 'istio-system/*'), ctx), []);
});

test('references of a Gateway: both definitions and every reference form', () => {
  const { index, ctx } = workspace();
  const refs = referencesOf(siteOf(ctx, index, 'file:///ws/gateway.yaml', 'name: istio-egressgateway'), ctx);
  assert.deepEqual(refs.map((s) => where(index, { resource: s.resource, span: s.span })).sort(), [
    'gateway-v2.yaml:4:istio-egressgateway',
    'gateway.yaml:4:istio-egressgateway',
    'routes.yaml:48:istio-egressgateway',
    'routes.yaml:60:istio-egressgateway',
  ]);
});

test('references of a host span ServiceEntry, VirtualService, DestinationRule, Gateway and Sidecar', () => {
  const { index, ctx } = workspace();
  const refs = referencesOf(siteOf(ctx, index, 'file:///ws/routes.yaml', 'edition.cnn.com'), ctx);
  assert.deepEqual(refs.map((s) => `${s.resource.kind}:${s.path.join('.')}`).sort(), [
    'DestinationRule:spec.host',
    'Gateway:spec.servers.0.hosts.0',
    'Gateway:spec.servers.0.hosts.0',
    'ServiceEntry:spec.hosts.0',
    'Sidecar:spec.egress.0.hosts.0',
    'VirtualService:spec.hosts.0',
    'VirtualService:spec.http.1.route.0.destination.host',
  ]);
});

/** Applies a rename's edits and returns the new texts. */
function applied(files: Record<string, string>, changes: Map<string, { start: number; end: number; newText: string }[]>): Record<string, string> {
  const out = { ...files };
  for (const [uri, edits] of changes) {
    out[uri] = applyEdits(out[uri], edits);
  }
  return out;
}

test('renaming a Gateway edits both versions and keeps each reference form', () => {
  const { index, ctx } = workspace();
  const result = rename(siteOf(ctx, index, 'file:///ws/routes.yaml', '- istio-egressgateway.istio-system'), 'egress', ctx);
  assert.ok('changes' in result, JSON.stringify(result));
  assert.deepEqual([...result.changes.keys()].sort(), ['file:///ws/gateway-v2.yaml', 'file:///ws/gateway.yaml', 'file:///ws/routes.yaml']);
  const after = applied(FILES, result.changes);
  assert.match(after['file:///ws/routes.yaml'], /- istio-system\/egress\n/);
  assert.match(after['file:///ws/routes.yaml'], /- egress\.istio-system\n/);
  assert.match(after['file:///ws/gateway.yaml'], /name: egress\n/);
  // The renamed workspace resolves as before.
  const again = workspace(after);
  assert.equal(targetsOf(siteOf(again.ctx, again.index, 'file:///ws/routes.yaml', '- egress.istio-system'), again.ctx).length, 2);
});

test('renaming a subset edits the DestinationRule and the route', () => {
  const { index, ctx } = workspace();
  const result = rename(siteOf(ctx, index, 'file:///ws/routes.yaml', '- name: cnn'), 'cnn-mtls', ctx);
  assert.ok('changes' in result);
  const after = applied(FILES, result.changes)['file:///ws/routes.yaml'];
  assert.match(after, /- name: cnn-mtls\n/);
  assert.match(after, /subset: cnn-mtls\n/);
});

test('rename refuses names the API server or Istio would reject, names taken, and unresolved references', () => {
  const { index, ctx } = workspace();
  const gateway = siteOf(ctx, index, 'file:///ws/gateway.yaml', 'name: istio-egressgateway');
  const refused = (r: ReturnType<typeof rename>) => ('error' in r ? r.error : '');
  assert.match(refused(rename(gateway, 'Egress_GW', ctx)), /not a valid Gateway name/);
  assert.match(refused(rename(gateway, 'egress.gw', ctx)), /contains a dot/);
  const subset = siteOf(ctx, index, 'file:///ws/routes.yaml', 'subset: cnn');
  assert.match(refused(rename(subset, 'cnn.v1', ctx)), /DNS-1123 label/);
  const secret = siteOf(ctx, index, 'file:///ws/secret.yaml', 'client-credential');
  assert.match(refused(rename(secret, 'Client', ctx)), /not a valid Secret name/);
  const host = siteOf(ctx, index, 'file:///ws/routes.yaml', 'edition.cnn.com');
  assert.match(refused(rename(host, 'edition..cnn.com', ctx)), /not a valid domain name|empty/);
  const egressHost = siteOf(ctx, index, 'file:///ws/routes.yaml', 'host: istio-egressgateway');
  const prepared = prepareRename(egressHost, ctx);
  assert.ok('error' in prepared && /not defined in the workspace/.test(prepared.error));
});

test('hover says what a reference resolves to, or why it resolves to nothing', () => {
  const { index, ctx } = workspace();
  const textOf = (uri: string) => index.file(uri)?.text;
  const subset = siteHover(siteOf(ctx, index, 'file:///ws/routes.yaml', 'subset: cnn'), ctx, textOf).contents;
  assert.match(subset, /resolves to/);
  assert.match(
    subset,
    /\*\*subset "cnn" of DestinationRule default\/egressgateway-for-cnn\*\* \(namespace assumed: metadata\.namespace is not set\) — \[routes\.yaml, line 24\]/,
  );
  assert.match(subset, /```yaml\n- name: cnn\n {2}trafficPolicy:/);
  const broken = workspace({ ...FILES, 'file:///ws/gateway.yaml': '', 'file:///ws/gateway-v2.yaml': '' });
  const gw = siteHover(siteOf(broken.ctx, broken.index, 'file:///ws/routes.yaml', 'istio-system/istio-egressgateway'), broken.ctx, textOf).contents;
  assert.equal(
    gw,
    'Gateway `istio-system/istio-egressgateway` resolves to nothing: No Istio Gateway "istio-egressgateway" in namespace "istio-system" in the workspace.',
  );
});

test('hover on a reference to an object with several versions says which one is used from here and where the others are', () => {
  const { index, ctx } = workspace();
  const textOf = (uri: string) => index.file(uri)?.text;
  const gw = siteHover(siteOf(ctx, index, 'file:///ws/routes.yaml', 'istio-system/istio-egressgateway'), ctx, textOf).contents;
  const [used, other] = gw.split('\n\n**').slice(1);
  assert.match(used, /^Gateway istio-system\/istio-egressgateway\*\* — \[gateway-v2\.yaml, line 4\]/);
  assert.match(used, /Used from here: the nearest of 2 versions of Gateway istio-system\/istio-egressgateway; the others are in gateway\.yaml:1\./);
  assert.match(other, /^Gateway istio-system\/istio-egressgateway\*\* — \[gateway\.yaml, line 4\]/);
  const notUsed =
    'Another version of Gateway istio-system/istio-egressgateway, not used from here (the nearest is in gateway-v2.yaml:1): applying one replaces the other.';
  assert.ok(other.includes(notUsed), other);
});

test('hover names a namespace set by a kustomization', () => {
  const { index, ctx } = workspace({
    ...FILES,
    'file:///ws/kustomization.yaml': 'namespace: egress\nresources:\n- routes.yaml\n',
  });
  const textOf = (uri: string) => index.file(uri)?.text;
  const subset = siteHover(siteOf(ctx, index, 'file:///ws/routes.yaml', 'subset: cnn'), ctx, textOf).contents;
  assert.match(subset, /\*\*subset "cnn" of DestinationRule egress\/egressgateway-for-cnn\*\* \(namespace from kustomization\.yaml\)/);
});

/** Completion labels and details at `|` in a new file added to the workspace. */
function completeAt(text: string): { label: string; detail?: string }[] {
  const { index, ctx } = workspace();
  const file = parseFile('file:///ws/new.yaml', text.replace('|', ''));
  index.setFile(file);
  return workspaceCompletions(file, text.indexOf('|'), ctx).map((c) => ({ label: c.label, detail: c.detail }));
}

const VS_HEAD = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: x\nspec:\n';

test('completion offers the workspace names that apply, saying where each comes from', () => {
  assert.deepEqual(
    completeAt(`${VS_HEAD}  http:\n  - route:\n    - destination:\n        host: istio-egressgateway.istio-system.svc.cluster.local\n        subset: |\n`),
    [{ label: 'cnn', detail: 'subset of DestinationRule default/egressgateway-for-cnn' }],
  );
  assert.deepEqual(completeAt(`${VS_HEAD}  gateways:\n  - |\n`), [
    { label: 'mesh', detail: 'the sidecars' },
    { label: 'istio-system/istio-egressgateway', detail: 'Gateway istio-system/istio-egressgateway' },
  ]);
  assert.deepEqual(completeAt(`${VS_HEAD}  http:\n  - route:\n    - destination:\n        host: edition.cnn.com\n        port:\n          number: |\n`), [
    { label: '80', detail: 'port of ServiceEntry default/cnn (http, HTTP)' },
    { label: '443', detail: 'port of ServiceEntry default/cnn (tls, TLS)' },
  ]);
  assert.deepEqual(
    completeAt(`${VS_HEAD}  http:\n  - route:\n    - destination:\n        host: |\n`).map((c) => c.label),
    ['edition.cnn.com'],
  );
  const dr =
    'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: y\n  namespace: ' +
    'istio-system\nspec:\n  host: edition.cnn.com\n  trafficPolicy:\n    tls:\n      mode: ' +
    'MUTUAL\n      credentialName: |\n';
  assert.deepEqual(completeAt(dr), [{ label: 'client-credential', detail: 'Secret istio-system/client-credential' }]);
  const se = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: z\nspec:\n  ports:\n  - number: 80\n    protocol: |\n';
  assert.deepEqual(
    completeAt(se).map((c) => c.label),
    ['HTTP', 'HTTPS', 'GRPC', 'HTTP2', 'MONGO', 'TCP', 'TLS'],
  );
});

test('the outline has one symbol per resource with servers, routes, subsets and ports as children', () => {
  const { index } = workspace();
  const symbols = documentSymbols(index.file('file:///ws/routes.yaml')!);
  assert.deepEqual(
    symbols.map((s) => [s.name, s.children.map((c) => `${c.name}${c.detail ? ` | ${c.detail}` : ''}`)]),
    [
      ['ServiceEntry default/cnn', ['port 80 http | HTTP', 'port 443 tls | TLS']],
      ['DestinationRule default/egressgateway-for-cnn', ['subset cnn | tls ISTIO_MUTUAL']],
      ['DestinationRule default/originate-mtls-for-cnn', []],
      [
        'VirtualService default/direct-cnn-through-egress-gateway',
        ['http[0] | [mesh] → istio-egressgateway.istio-system.svc.cluster.local (cnn)', 'http[1] | [istio-egressgateway.istio-system] → edition.cnn.com:443'],
      ],
    ],
  );
  const plain = parseFile('file:///ws/app.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n');
  assert.deepEqual(documentSymbols(plain), [], 'files without Istio configuration are left to other YAML tooling');
  const gateway = documentSymbols(index.file('file:///ws/gateway.yaml')!)[0];
  assert.deepEqual(
    gateway.children.map((c) => `${c.name} | ${c.detail}`),
    ['server 443 TLS ISTIO_MUTUAL | edition.cnn.com'],
  );
  assert.deepEqual(
    workspaceSymbols(index.files(), 'gateway egress')
      .map((s) => `${s.name} ${s.container}`)
      .sort(),
    ['Gateway istio-system/istio-egressgateway gateway-v2.yaml', 'Gateway istio-system/istio-egressgateway gateway.yaml'],
  );
});

test('renaming a ServiceEntry host edits every resource that names it, keeping `ns/` prefixes', () => {
  const { index, ctx } = workspace();
  const result = rename(siteOf(ctx, index, 'file:///ws/routes.yaml', '- edition.cnn.com'), 'www.cnn.com', ctx);
  assert.ok('changes' in result, JSON.stringify(result));
  const after = applied(FILES, result.changes);
  assert.doesNotMatch(Object.values(after).join('\n'), /edition\.cnn\.com/);
  assert.match(after['file:///ws/secret.yaml'], /- \.\/www\.cnn\.com\n/);
  assert.match(after['file:///ws/routes.yaml'], /host: www\.cnn\.com\n/);
  // A Kubernetes Service's host is renamed as the Service: only its name, in each form (service-rename.test.ts).
  const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: shop\nspec:\n  ports:\n  - port: 9080\n`;
  const vs =
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: ' +
    'shop\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n';
  const k8s = workspace({ 'file:///ws/svc.yaml': service, 'file:///ws/vs.yaml': vs });
  const short = siteOf(k8s.ctx, k8s.index, 'file:///ws/vs.yaml', 'host: reviews');
  assert.deepEqual(
    targetsOf(short, k8s.ctx).map((t) => `${t.label} ${where(k8s.index, t)}`),
    ['Service shop/reviews svc.yaml:4:reviews'],
  );
  const prepared = prepareRename(short, k8s.ctx);
  assert.ok('placeholder' in prepared && prepared.placeholder === 'reviews', JSON.stringify(prepared));
});

test('a host defined only by a wildcard ServiceEntry leads there, and is renamed there', () => {
  const se =
    'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
    'wikipedia\nspec:\n  hosts:\n  - "*.wikipedia.org"\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n';
  const dr = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: en\nspec:\n  host: en.wikipedia.org\n`;
  const { index, ctx } = workspace({ 'file:///ws/se.yaml': se, 'file:///ws/dr.yaml': dr });
  const host = siteOf(ctx, index, 'file:///ws/dr.yaml', 'en.wikipedia.org');
  assert.deepEqual(
    targetsOf(host, ctx).map((t) => where(index, t)),
    ['se.yaml:7:*.wikipedia.org'],
  );
  const refused = prepareRename(host, ctx);
  assert.ok('error' in refused && /only through a wildcard/.test(refused.error));
});

test('renaming a Secret edits the credentialName that reads it; a subset rename refuses a name already defined', () => {
  const { index, ctx } = workspace();
  const result = rename(siteOf(ctx, index, 'file:///ws/secret.yaml', 'name: client-credential'), 'cnn-client', ctx);
  assert.ok('changes' in result);
  const after = applied(FILES, result.changes);
  assert.match(after['file:///ws/routes.yaml'], /credentialName: cnn-client\n/);
  assert.match(after['file:///ws/secret.yaml'], /name: cnn-client\n/);
  const twoSubsets = { ...FILES, 'file:///ws/routes.yaml': FILES['file:///ws/routes.yaml'].replace('  - name: cnn\n', '  - name: cnn\n  - name: other\n') };
  const again = workspace(twoSubsets);
  const taken = rename(siteOf(again.ctx, again.index, 'file:///ws/routes.yaml', 'subset: cnn'), 'other', again.ctx);
  assert.ok('error' in taken && /already defines subset "other"/.test(taken.error));
});

test('references of a gateway that no Gateway defines still list every reference to that name', () => {
  const { index, ctx } = workspace({ ...FILES, 'file:///ws/gateway.yaml': '', 'file:///ws/gateway-v2.yaml': '' });
  const refs = referencesOf(siteOf(ctx, index, 'file:///ws/routes.yaml', '- istio-system/istio-egressgateway'), ctx);
  assert.deepEqual(
    refs.map((s) => s.written),
    ['istio-system/istio-egressgateway', 'istio-egressgateway.istio-system'],
  );
});

test("the host of a Gateway API Gateway's Service leads to that Gateway; hover says so, and rename sends the user to the Gateway", () => {
  // As in Istio's egress TLS origination task (Gateway API tab): a VirtualService sends the mesh's traffic to the Service Istio deploys for the Gateway.
  const { index, ctx } = workspace({
    'file:///ws/gateway.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: nginx-egressgateway
spec:
  gatewayClassName: istio
  listeners:
  - name: https
    port: 443
    protocol: HTTPS
`,
    'file:///ws/vs.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: direct-nginx-to-egress-gateway
spec:
  hosts:
  - my-nginx.mesh-external.svc.cluster.local
  http:
  - route:
    - destination:
        host: nginx-egressgateway-istio.default.svc.cluster.local
`,
  });
  const site = siteOf(ctx, index, 'file:///ws/vs.yaml', 'host: nginx-egressgateway-istio');
  assert.deepEqual(
    targetsOf(site, ctx).map((t) => `${t.label} ${where(index, t)}`),
    ['Gateway default/nginx-egressgateway (Gateway API), whose Service Istio deploys gateway.yaml:4:nginx-egressgateway'],
  );
  const hover = siteHover(site, ctx, (uri) => index.file(uri)?.text).contents;
  assert.match(hover, /resolves to/);
  assert.doesNotMatch(hover, /assumed to exist/);
  const refused = prepareRename(site, ctx);
  assert.ok(
    'error' in refused && /Service Istio deploys for Gateway default\/nginx-egressgateway; rename that Gateway/.test(refused.error),
    JSON.stringify(refused),
  );
});

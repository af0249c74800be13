/**
 * Navigation on the names a Gateway API route gives its parents and backends, on the Gateway API
 * scenarios of Istio's egress tasks (../shared/corpus/istio-docs): definition, references, hover and
 * rename of a Gateway API Gateway, by the kinds Istio reads a reference as
 * (pilot/pkg/config/kube/gateway/conversion.go: parentRefs default to a Gateway, backendRefs to a Service).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { needsShared, sharedPath } from '../shared-corpus';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { applyEdits } from '../edits/yaml-edits';
import { referencesOf, siteAtOffset, targetsOf, type NavigationContext } from './references';
import { prepareRename, rename } from './rename';
import { siteHover } from './hover';
import { workspaceCompletions } from './completion';

const CORPUS = sharedPath('corpus', 'istio-docs');
const NEEDS_CORPUS = needsShared('corpus', 'istio-docs');

function scenario(folder: string): Record<string, string> {
  const dir = path.join(CORPUS, folder);
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [`file:///ws/${f}`, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

function workspace(files: Record<string, string>): { index: WorkspaceIndex; ctx: NavigationContext } {
  const index = new WorkspaceIndex();
  for (const [uri, text] of Object.entries(files)) index.setFile(parseFile(uri, text));
  return { index, ctx: { index, settings: DEFAULT_SETTINGS } };
}

/** The site at the n-th occurrence of `needle` in a file (the cursor on its last character). */
function siteOf(ctx: NavigationContext, index: WorkspaceIndex, file: string, needle: string, nth = 0) {
  const parsed = index.file(`file:///ws/${file}`)!;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = parsed.text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} in ${file}`);
  const site = siteAtOffset(parsed, at + needle.length - 1, ctx);
  assert.ok(site, `a reference at ${needle}`);
  return site;
}

/** `file:line:text` of a span. */
const where = (index: WorkspaceIndex, t: { resource: { uri: string }; span: { start: number; end: number } }) => {
  const text = index.file(t.resource.uri)!.text;
  return `${t.resource.uri.slice('file:///ws/'.length)}:${text.slice(0, t.span.start).split('\n').length}:${text.slice(t.span.start, t.span.end)}`;
};

const SINGLE_HOST = 'wildcard-egress-hosts/single-host-gateway-api';
const ROUTES = '01-k8s-gateway-tlsroutes-serviceentry-wikipedia.yaml';

test(
  'parentRefs lead to the Gateway API Gateway or, by kind, to the ServiceEntry; backendRefs to the Service Istio deploys or the Hostname’s ServiceEntry',
  NEEDS_CORPUS,
  () => {
    const { index, ctx } = workspace(scenario(SINGLE_HOST));
    const targets = (needle: string) => targetsOf(siteOf(ctx, index, ROUTES, needle), ctx).map((t) => `${t.label} ${where(index, t)}`);
    assert.deepEqual(targets('- name: wikipedia-egress-gateway\n'), [
      `Gateway default/wikipedia-egress-gateway (Gateway API) ${ROUTES}:4:wikipedia-egress-gateway`,
    ]);
    assert.deepEqual(targets('name: wikipedia\n'), [`ServiceEntry default/wikipedia ${ROUTES}:53:wikipedia`]);
    assert.deepEqual(targets('name: wikipedia-egress-gateway-istio'), [
      `Gateway default/wikipedia-egress-gateway (Gateway API), whose Service Istio deploys ${ROUTES}:4:wikipedia-egress-gateway`,
    ]);
    // As a VirtualService destination would: the ServiceEntry of that host, and the wildcard one over it.
    assert.deepEqual(targets('name: www.wikipedia.org'), [
      'ServiceEntry default/www-wikipedia 02-serviceentry-www-wikipedia.yaml:7:www.wikipedia.org',
      `ServiceEntry default/wikipedia ${ROUTES}:56:*.wikipedia.org`,
    ]);
  },
);

test('a backendRef with a namespace leads to the Service in that namespace', NEEDS_CORPUS, () => {
  const { index, ctx } = workspace(scenario('egress-gateway-tls-origination/mutual-gateway-api'));
  const site = siteOf(ctx, index, '07-virtualservice-httproute-referencegrant-nginx.yaml', '- name: my-nginx');
  assert.deepEqual(
    targetsOf(site, ctx).map((t) => `${t.label} ${where(index, t)}`),
    ['Service mesh-external/my-nginx 04-service-deployment-my-nginx.yaml:4:my-nginx'],
  );
  // The backendRef is one of the references of that Service.
  const refs = referencesOf(siteOf(ctx, index, '04-service-deployment-my-nginx.yaml', 'name: my-nginx'), ctx);
  assert.ok(
    refs.some((r) => r.resource.kind === 'HTTPRoute' && r.path.join('.') === 'spec.rules.0.backendRefs.0.name'),
    refs.map((r) => `${r.resource.kind}:${r.path.join('.')}`).join(', '),
  );
});

test('references of a Gateway API Gateway: its name, the routes attached to it, and the Service name Istio deploys for it', NEEDS_CORPUS, () => {
  const { index, ctx } = workspace(scenario(SINGLE_HOST));
  const refs = referencesOf(siteOf(ctx, index, ROUTES, 'name: wikipedia-egress-gateway\n'), ctx);
  assert.deepEqual(refs.map((s) => `${s.resource.kind} ${s.resource.name}:${s.path.join('.')}`).sort(), [
    'Gateway wikipedia-egress-gateway:metadata.name',
    'TLSRoute direct-wikipedia-to-egress-gateway:spec.rules.0.backendRefs.0.name',
    'TLSRoute forward-wikipedia-from-egress-gateway:spec.parentRefs.0.name',
  ]);
});

test('hover on a parentRef says which Gateway it attaches to, or why it attaches to none', NEEDS_CORPUS, () => {
  const files = scenario(SINGLE_HOST);
  const { index, ctx } = workspace(files);
  const textOf = (uri: string) => index.file(uri)?.text;
  const hover = siteHover(siteOf(ctx, index, ROUTES, '- name: wikipedia-egress-gateway\n'), ctx, textOf).contents;
  assert.match(hover, /^Gateway `wikipedia-egress-gateway` resolves to:\n\n\*\*Gateway default\/wikipedia-egress-gateway \(Gateway API\)\*\*/);
  assert.match(hover, /```yaml\nname: wikipedia-egress-gateway\n/);
  const broken = workspace({
    ...files,
    [`file:///ws/${ROUTES}`]: files[`file:///ws/${ROUTES}`].replace('  - name: wikipedia-egress-gateway\n', '  - name: egress\n'),
  });
  const none = siteHover(siteOf(broken.ctx, broken.index, ROUTES, '- name: egress'), broken.ctx, textOf).contents;
  assert.equal(none, 'Gateway `egress` resolves to nothing: No Gateway API Gateway "egress" in namespace "default" in the workspace.');
});

test('renaming a Gateway API Gateway edits its parentRefs and the Service name Istio deploys for it, and the renamed workspace resolves', NEEDS_CORPUS, () => {
  const files = scenario(SINGLE_HOST);
  const { index, ctx } = workspace(files);
  const result = rename(siteOf(ctx, index, ROUTES, '- name: wikipedia-egress-gateway\n'), 'wiki-egress', ctx);
  assert.ok('changes' in result, JSON.stringify(result));
  const uri = `file:///ws/${ROUTES}`;
  assert.deepEqual([...result.changes.keys()], [uri]);
  const after = applyEdits(files[uri], result.changes.get(uri)!);
  assert.match(after, /metadata:\n {2}name: wiki-egress\n/);
  assert.match(after, /parentRefs:\n {2}- name: wiki-egress\n/);
  assert.match(after, /- name: wiki-egress-istio\n/);
  assert.doesNotMatch(after, /wikipedia-egress-gateway/);
  const again = workspace({ ...files, [uri]: after });
  assert.equal(targetsOf(siteOf(again.ctx, again.index, ROUTES, 'name: wiki-egress-istio'), again.ctx).length, 1);
  assert.equal(targetsOf(siteOf(again.ctx, again.index, ROUTES, '- name: wiki-egress\n'), again.ctx).length, 1);
});

test('renaming a Gateway API Gateway refuses names the API server rejects and names taken; a ServiceEntry parentRef is not renamed', NEEDS_CORPUS, () => {
  const files = scenario(SINGLE_HOST);
  const { index, ctx } = workspace({
    ...files,
    'file:///ws/other.yaml': 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: taken\nspec:\n  gatewayClassName: istio\n',
  });
  const gateway = siteOf(ctx, index, ROUTES, 'name: wikipedia-egress-gateway\n');
  const refused = (r: ReturnType<typeof rename>) => ('error' in r ? r.error : '');
  assert.match(refused(rename(gateway, 'Wiki_Egress', ctx)), /not a valid Gateway name/);
  assert.match(refused(rename(gateway, 'taken', ctx)), /A Gateway "taken" already exists in namespace "default"/);
  const prepared = prepareRename(siteOf(ctx, index, ROUTES, 'name: wikipedia\n'), ctx);
  assert.ok('error' in prepared && /rename its hosts/.test(prepared.error), JSON.stringify(prepared));
});

test('a parentRef to a Service (GAMMA, group "") leads to that Service and is among its references; without the group it names no Service', () => {
  const service =
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    app: api\n  ports:\n  - name: http\n    port: 80\n';
  const route = (parentRef: string) =>
    'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ' +
    `api-egress\n  namespace: web\nspec:\n  parentRefs:\n${parentRef}\n  rules:\n  - backendRefs:\n    - ` +
    'group: networking.istio.io\n      kind: Hostname\n      name: api.example.com\n';
  const attached = '  - group: ""\n    kind: Service\n    name: api\n    namespace: shop';
  const { index, ctx } = workspace({ 'file:///ws/service.yaml': service, 'file:///ws/route.yaml': route(attached) });
  assert.deepEqual(
    targetsOf(siteOf(ctx, index, 'route.yaml', 'name: api\n'), ctx).map((t) => `${t.label} ${where(index, t)}`),
    ['Service shop/api service.yaml:4:api'],
  );
  const refs = referencesOf(siteOf(ctx, index, 'service.yaml', 'name: api\n'), ctx);
  assert.deepEqual(refs.map((s) => `${s.resource.kind} ${s.resource.name}:${s.path.join('.')}`).sort(), [
    'HTTPRoute api-egress:spec.parentRefs.0.name',
    'Service api:metadata.name',
  ]);
  const hover = siteHover(siteOf(ctx, index, 'route.yaml', 'name: api\n'), ctx, (uri) => index.file(uri)?.text).contents;
  assert.match(hover, /\*\*Service shop\/api\*\* — \[service\.yaml, line 4\]/);
  // Istio reads a parentRef's group as the Gateway API's unless written (conversion.go toInternalParentReference).
  const ungrouped = workspace({ 'file:///ws/service.yaml': service, 'file:///ws/route.yaml': route('  - kind: Service\n    name: api\n    namespace: shop') });
  const parsed = ungrouped.index.file('file:///ws/route.yaml')!;
  assert.equal(siteAtOffset(parsed, parsed.text.indexOf('name: api\n') + 8, ungrouped.ctx), undefined);
});

/** Completion at `|` in a new file added to a scenario: `label — detail` of each item. */
function completeIn(files: Record<string, string>, text: string): string[] {
  const { index, ctx } = workspace(files);
  const file = parseFile('file:///ws/new.yaml', text.replace('|', ''));
  index.setFile(file);
  return workspaceCompletions(file, text.indexOf('|'), ctx).map((c) => `${c.label} — ${c.detail}`);
}

const ROUTE_HEAD = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: new\nspec:\n';

test('completion of a route’s parentRefs and backendRefs names offers what the workspace defines for the kind and namespace written', NEEDS_CORPUS, () => {
  const files = scenario('egress-gateway/http-gateway-api');
  // A parentRef is a Gateway unless it says otherwise.
  assert.deepEqual(completeIn(files, `${ROUTE_HEAD}  parentRefs:\n  - name: |\n`), ['cnn-egress-gateway — Gateway default/cnn-egress-gateway (Gateway API)']);
  assert.deepEqual(completeIn(files, `${ROUTE_HEAD}  parentRefs:\n  - kind: ServiceEntry\n    group: networking.istio.io\n    name: |\n`), [
    'cnn — ServiceEntry default/cnn',
  ]);
  assert.deepEqual(completeIn(files, `${ROUTE_HEAD}  parentRefs:\n  - name: |\n    namespace: other\n`), [], 'no Gateway in the namespace written');
  // A backendRef is a Service: the Service Istio deploys for the Gateway API Gateway is one.
  assert.deepEqual(completeIn(files, `${ROUTE_HEAD}  rules:\n  - backendRefs:\n    - name: |\n`), [
    'cnn-egress-gateway-istio — Service default/cnn-egress-gateway-istio, deployed by Istio',
  ]);
  assert.deepEqual(completeIn(files, `${ROUTE_HEAD}  rules:\n  - backendRefs:\n    - kind: Hostname\n      group: networking.istio.io\n      name: |\n`), [
    'edition.cnn.com — ServiceEntry default/cnn',
  ]);
  const withService = {
    ...files,
    'file:///ws/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  ports:\n  - port: 80\n',
  };
  assert.deepEqual(completeIn(withService, `${ROUTE_HEAD}  parentRefs:\n  - group: ""\n    kind: Service\n    namespace: shop\n    name: |\n`), [
    'api — Service shop/api',
  ]);
  assert.deepEqual(completeIn(withService, `${ROUTE_HEAD}  rules:\n  - backendRefs:\n    - namespace: shop\n      name: |\n`), ['api — Service shop/api']);
});

test('an ExternalName Service’s externalName leads to the ServiceEntry of that host, is among its references, and follows its rename', NEEDS_CORPUS, () => {
  const files = {
    ...scenario('egress-kubernetes-services/externalname'),
    ...scenario('egress-control/service-entries'),
  };
  const { index, ctx } = workspace(files);
  const service = '01-service-my-httpbin.yaml';
  assert.deepEqual(
    targetsOf(siteOf(ctx, index, service, 'externalName: httpbin.org'), ctx).map((t) => `${t.label} ${where(index, t)}`),
    ['ServiceEntry default/httpbin-ext 01-serviceentry-httpbin-ext.yaml:7:httpbin.org'],
  );
  const entry = siteOf(ctx, index, '01-serviceentry-httpbin-ext.yaml', '- httpbin.org');
  assert.ok(referencesOf(entry, ctx).some((s) => s.resource.kind === 'Service' && s.path.join('.') === 'spec.externalName'));
  const result = rename(entry, 'httpbin.example.org', ctx);
  assert.ok('changes' in result, JSON.stringify(result));
  const uri = `file:///ws/${service}`;
  assert.match(applyEdits(files[uri], result.changes.get(uri)!), /externalName: httpbin\.example\.org\n/);
});

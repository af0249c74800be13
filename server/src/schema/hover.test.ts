import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { loadSchemaStore } from '../node/schemas';
import { hover, type HoverResult } from './hover';

const store = loadSchemaStore();

/** The hover at the `‸` in `src`, which is removed first, and the text without it. */
function hoverAt(src: string): { result: HoverResult | undefined; text: string } {
  const offset = src.indexOf('‸');
  assert.ok(offset >= 0, 'test text needs a ‸ cursor marker');
  const text = src.slice(0, offset) + src.slice(offset + 1);
  return { result: hover(parseFile('file:///test.yaml', text), offset, store), text };
}

const SE = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n';

test('hover on the resolution key: description, type and the five values', () => {
  const { result, text } = hoverAt(`${SE}  hosts:\n  - api.example.com\n  reso‸lution: DNS\n`);
  assert.ok(result);
  assert.equal(text.slice(result.start, result.end), 'resolution');
  assert.match(result.contents, /\*\*resolution\*\*/);
  assert.match(result.contents, /`string`/);
  assert.match(result.contents, /Service resolution mode for the hosts\./);
  for (const value of ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']) assert.ok(result.contents.includes(`\`${value}\``), value);
  assert.doesNotMatch(result.contents, /Valid Options/, 'the raw CRD list is replaced by our own');
  assert.match(result.contents, /`spec\.resolution`/);
});

test('hover on the MESH_EXTERNAL value: the location field, with the current value marked', () => {
  const { result, text } = hoverAt(`${SE}  hosts: [api.example.com]\n  location: MESH_EX‸TERNAL\n`);
  assert.ok(result);
  assert.equal(text.slice(result.start, result.end), 'MESH_EXTERNAL');
  assert.match(result.contents, /\*\*location\*\*/);
  assert.match(result.contents, /external to the mesh/);
  assert.match(result.contents, /\*\*`MESH_EXTERNAL`\*\*, `MESH_INTERNAL`/);
});

test('hover on a required key says so', () => {
  const { result } = hoverAt(`${SE}  ho‸sts: [api.example.com]\n`);
  assert.match(result!.contents, /\*\*hosts\*\* \(required\) · `\[\]string`/);
});

test('hover on a sequence item describes its field', () => {
  const { result, text } = hoverAt(`${SE}  hosts:\n  - api.exa‸mple.com\n`);
  assert.ok(result);
  assert.equal(text.slice(result.start, result.end), 'api.example.com');
  assert.match(result.contents, /\*\*hosts\*\*/);
  assert.match(result.contents, /`spec\.hosts`/);
});

test('hover on nested keys in sequences', () => {
  const { result } = hoverAt(`${SE}  hosts: [a]\n  ports:\n  - num‸ber: 443\n    name: tls\n`);
  assert.match(result!.contents, /\*\*number\*\* \(required\) · `integer`/);
  assert.match(result!.contents, /`spec\.ports\[0\]\.number`/);
});

test('hover on the kind and apiVersion values: description and served versions', () => {
  const kind = hoverAt(`apiVersion: networking.istio.io/v1\nkind: Service‸Entry\nspec: {}\n`);
  assert.ok(kind.result);
  assert.equal(kind.text.slice(kind.result.start, kind.result.end), 'ServiceEntry');
  assert.match(kind.result.contents, /Configuration affecting service registry/);
  assert.match(kind.result.contents, /Served versions: `v1` \(storage\), `v1beta1`, `v1alpha3`/);
  const version = hoverAt(`apiVersion: networking.istio.io/v1‸alpha3\nkind: ServiceEntry\n`);
  assert.match(version.result!.contents, /Served versions/);
  const wrong = hoverAt(`apiVersion: networking.istio.io/v‸2\nkind: ServiceEntry\n`);
  assert.match(wrong.result!.contents, /`networking\.istio\.io\/v2` does not serve ServiceEntry/);
});

test('IstioOperator mesh config: the mode value explains itself', () => {
  const io = 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  meshConfig:\n    outboundTrafficPolicy:\n      mode: REGISTRY‸_ONLY\n';
  const { result } = hoverAt(io);
  assert.ok(result);
  assert.match(result.contents, /\*\*mode\*\*/);
  assert.match(result.contents, /`REGISTRY_ONLY`: `REGISTRY_ONLY` blocks it, so every external host needs a ServiceEntry\./);
  assert.equal(hoverAt(io.replace('meshConfig', 'mesh‸Config').replace('REGISTRY‸_ONLY', 'REGISTRY_ONLY')).result?.contents.includes('**meshConfig**'), true);
  assert.equal(hoverAt(io.replace('spec:', 'sp‸ec:').replace('REGISTRY‸_ONLY', 'REGISTRY_ONLY')).result, undefined);
});

test('the istio ConfigMap: hover inside the mesh string lands on the right characters', () => {
  const cm =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: ' +
    '|-\n    outboundTrafficPolicy:\n      mode: ALLOW‸_ANY\n';
  const { result, text } = hoverAt(cm);
  assert.ok(result);
  assert.equal(text.slice(result.start, result.end), 'ALLOW_ANY');
  assert.match(result.contents, /\*\*mode\*\*/);
  assert.match(result.contents, /`data\.mesh\.outboundTrafficPolicy\.mode`/);
  const key = hoverAt(cm.replace('ALLOW‸_ANY', 'ALLOW_ANY').replace('outboundTrafficPolicy', 'outbound‸TrafficPolicy'));
  assert.equal(key.text.slice(key.result!.start, key.result!.end), 'outboundTrafficPolicy');
  const mesh = hoverAt(cm.replace('ALLOW‸_ANY', 'ALLOW_ANY').replace('mesh:', 'me‸sh:'));
  assert.match(mesh.result!.contents, /\*\*mesh\*\*/);
  assert.equal(hoverAt(cm.replace('ALLOW‸_ANY', 'ALLOW_ANY').replace('name: istio', 'name: is‸tio')).result, undefined);
});

test('hover outside anything returns undefined', () => {
  assert.equal(hoverAt(`${SE}  hosts: [a]\n‸\n  resolution: DNS\n`).result, undefined, 'blank line');
  assert.equal(hoverAt(`${SE}  hosts: [a]  ‸ # comment\n`).result, undefined, 'whitespace before a comment');
  assert.equal(hoverAt(`${SE}  hosts: [a]\n  # a comm‸ent\n`).result, undefined, 'comment');
  assert.equal(hoverAt(`${SE}  hosts: [a]\n---‸\n`).result, undefined, 'document marker');
  assert.equal(hoverAt(`${SE}  hosts: [a]\n‸`).result, undefined, 'end of file');
  assert.equal(hoverAt('apiVersion: apps/v1\nkind: Deployment\nspec:\n  repl‸icas: 1\n').result, undefined, 'Kubernetes resource');
  assert.equal(hoverAt(`${SE}  unknownField‸: 1\n`).result, undefined, 'a key the schema does not know');
});

test('a CRLF file with a byte order mark', () => {
  const src = `\uFEFF${SE}  hosts: [a]\n  location: MESH_IN‸TERNAL\n`.replace(/\n/g, '\r\n');
  const { result, text } = hoverAt(src);
  assert.equal(text.slice(result!.start, result!.end), 'MESH_INTERNAL');
});

test('never throws, whatever the text and offset', () => {
  const texts = [
    '',
    '\uFEFF',
    '\t\t\n\t- : :\n',
    `${SE}  hosts: [a, b\n  ports:\n  - {number: 1, \n\t  resolution: "\n`,
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\ndata:\n  mesh: "outboundTrafficPolicy: {mode: X}"\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\ndata:\n  mesh: |\n    a: [\n',
    'a: &x [*x]\nb: *x\n',
  ];
  for (const text of texts) {
    const file = parseFile('file:///x.yaml', text);
    for (let offset = -2; offset <= text.length + 2; offset++) {
      const result = hover(file, offset, store);
      if (result) assert.ok(result.start <= offset && offset <= result.end);
    }
  }
});

test('an int-or-string field reads as one type', () => {
  const src = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: v\nspec:\n  hosts: [a]\nstatus:\n  observed‸Generation: 1\n';
  assert.match(hoverAt(src).result!.contents, /\*\*observedGeneration\*\* · `int-or-string`\n/);
});

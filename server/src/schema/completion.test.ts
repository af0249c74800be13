import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import YAML from 'yaml';
import { parseFile } from '../parse/parse';
import { loadSchemaStore } from '../node/schemas';
import { complete, type CompletionCandidate } from './completion';

const store = loadSchemaStore();

/** Completions at the `|` (or `marker`) in `src`, which is removed first. */
function completeAt(src: string, marker = '|'): CompletionCandidate[] {
  const offset = src.indexOf(marker);
  assert.ok(offset >= 0, 'test text needs a cursor marker');
  const text = src.slice(0, offset) + src.slice(offset + marker.length);
  return complete(parseFile('file:///test.yaml', text), offset, store);
}

const labels = (items: CompletionCandidate[]) => items.map((c) => c.label);
const bySortText = (items: CompletionCandidate[]) => [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
const find = (items: CompletionCandidate[], label: string, detail?: string) => {
  const found = items.find((c) => c.label === label && (detail === undefined || c.detail === detail));
  assert.ok(found, `no candidate ${label} ${detail ?? ''} among ${labels(items).join(', ')}`);
  return found;
};

/** Expands a snippet the way the editor would with defaults taken: first choice, placeholder text. */
function expandSnippet(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|((?:[^,|\\]|\\.)*)[^}]*\|\}/g, (_, first: string) => first.replace(/\\(.)/g, '$1'))
    .replace(/\$\{\d+:((?:[^}\\]|\\.)*)\}/g, (_, text: string) => text.replace(/\\(.)/g, '$1'))
    .replace(/\$\d+/g, '')
    .replace(/\\([\\$}])/g, '$1');
}

/** The text after accepting `candidate` at the marker, indenting as VS Code does (adjustIndentation). */
function accept(src: string, candidate: CompletionCandidate, marker = '|'): string {
  const offset = src.indexOf(marker);
  const text = src.slice(0, offset) + src.slice(offset + marker.length);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const leading = /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
  const body = candidate.insertTextFormat === 'snippet' ? expandSnippet(candidate.insertText) : candidate.insertText;
  const inserted = body.replace(/\n/g, `\n${leading}`);
  const range = candidate.replace ?? { start: offset, end: offset };
  return text.slice(0, range.start) + inserted + text.slice(range.end);
}

const SE = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n';

test('after "resolution: " exactly the schema enum, in schema order', () => {
  const items = completeAt(`${SE}  hosts:\n  - api.example.com\n  resolution: |\n`);
  assert.deepEqual(labels(items), ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']);
  const schema = store.schema('networking.istio.io/v1', 'ServiceEntry')!;
  assert.deepEqual(labels(items), schema.properties.spec.properties.resolution.enum);
  assert.ok(items.every((c) => c.kind === 'value' && c.insertText === c.label));
});

test('a partial enum value replaces only the word; quotes stay', () => {
  const items = completeAt(`${SE}  resolution: DN|S\n`);
  const dns = find(items, 'DNS');
  assert.deepEqual(dns.replace, { start: SE.length + 14, end: SE.length + 17 });
  const quoted = completeAt(`${SE}  location: "MESH_E|"\n`);
  assert.deepEqual(labels(quoted), ['MESH_EXTERNAL', 'MESH_INTERNAL']);
  assert.deepEqual(quoted[0].replace, { start: SE.length + 13, end: SE.length + 19 });
  const tight = completeAt(`${SE}  location:|\n`);
  assert.equal(find(tight, 'MESH_EXTERNAL').insertText, ' MESH_EXTERNAL');
});

test('ServiceEntry spec keys: required hosts first, then alphabetical', () => {
  const items = completeAt(`${SE}  |\n`);
  const ordered = labels(bySortText(items));
  assert.equal(ordered[0], 'hosts');
  assert.deepEqual(ordered.slice(1), [...ordered.slice(1)].sort());
  assert.ok(ordered.includes('resolution') && ordered.includes('location') && ordered.includes('ports'));
  const hosts = find(items, 'hosts');
  assert.equal(hosts.kind, 'property');
  assert.equal(hosts.detail, '[]string');
  assert.match(hosts.documentation ?? '', /hosts associated with the ServiceEntry/);
});

test('keys already in the mapping are left out', () => {
  const items = completeAt(`${SE}  hosts:\n  - api.example.com\n  |\n  resolution: DNS\n`);
  const names = labels(items);
  assert.ok(!names.includes('hosts'));
  assert.ok(!names.includes('resolution'));
  assert.ok(names.includes('location'));
});

test('a partial key replaces the word, and a key already followed by a colon inserts only the name', () => {
  const src = `${SE}  hosts: []\n  res|\n`;
  const resolution = find(completeAt(src), 'resolution');
  assert.deepEqual(resolution.replace, { start: src.indexOf('|') - 3, end: src.indexOf('|') });
  assert.equal(resolution.insertText, 'resolution: ${1|NONE,STATIC,DNS,DNS_ROUND_ROBIN,DYNAMIC_DNS|}');
  assert.equal(resolution.insertTextFormat, 'snippet');
  const renamed = completeAt(`${SE}  hosts: []\n  loc|ation: MESH_EXTERNAL\n`);
  assert.equal(find(renamed, 'location').insertText, 'location');
});

test('keys of a ports item after "- "', () => {
  const items = completeAt(`${SE}  hosts: [a]\n  ports:\n  - |\n`);
  assert.deepEqual(labels(items).sort(), ['name', 'number', 'protocol', 'targetPort']);
  assert.deepEqual(labels(bySortText(items)).slice(0, 2).sort(), ['name', 'number'], 'required keys first');
  const next = completeAt(`${SE}  hosts: [a]\n  ports:\n  - number: 443\n    |\n`);
  assert.deepEqual(labels(next).sort(), ['name', 'protocol', 'targetPort']);
});

test('tls match keys in a VirtualService, two sequences deep', () => {
  const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: api\nspec:\n  hosts: [api.example.com]\n';
  const items = completeAt(`${vs}  tls:\n  - match:\n    - |\n`);
  assert.deepEqual(labels(items).sort(), ['destinationSubnets', 'gateways', 'port', 'sniHosts', 'sourceLabels', 'sourceNamespace']);
  assert.equal(labels(bySortText(items))[0], 'sniHosts');
  const route = completeAt(`${vs}  tls:\n  - match:\n    - sniHosts: [api.example.com]\n    |\n`);
  assert.deepEqual(labels(route), ['route'], 'beside match only route is left');
});

test('each document of a multi-document file uses its own schema', () => {
  const src = `${SE}  hosts: [api.example.com]\n  |\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: api\nspec:\n  ‸\n`;
  const first = completeAt(src.replace('‸', ''));
  const second = completeAt(src.replace('|', ''), '‸');
  assert.ok(labels(first).includes('resolution'));
  assert.ok(!labels(first).includes('host'));
  assert.ok(labels(second).includes('host'));
  assert.ok(labels(second).includes('trafficPolicy'));
  assert.ok(!labels(second).includes('resolution'));
  assert.equal(labels(bySortText(second))[0], 'host');
});

test('resource snippets at the root of an empty document', () => {
  for (const src of ['|', '\n|\n', `${SE}  hosts: [a]\n---\n|`, `${SE}  hosts: [a]\n---\nServ|`]) {
    const items = completeAt(src);
    const se = find(items, 'ServiceEntry', 'networking.istio.io/v1');
    assert.equal(se.kind, 'resource');
    assert.equal(se.preselect, true);
    assert.equal(se.insertTextFormat, 'snippet');
    assert.match(
      se.insertText,
      /^apiVersion: networking\.istio\.io\/v1\nkind: ServiceEntry\nmetadata:\n {2}name: \$\{1:name\}\nspec:\n {2}hosts:\n {2}- \$\{2:/,
    );
    const legacy = find(items, 'ServiceEntry', 'networking.istio.io/v1alpha3 (legacy)');
    assert.equal(legacy.deprecated, true);
    assert.ok(items.some((c) => c.label === 'ServiceEntry' && c.detail === 'networking.istio.io/v1beta1'));
    assert.ok(items.some((c) => c.label === 'AuthorizationPolicy' && c.detail === 'security.istio.io/v1'));
    assert.match(find(items, 'IstioOperator').insertText, /outboundTrafficPolicy:\n {6}mode: \$\{2\|REGISTRY_ONLY,ALLOW_ANY\|\}/);
    assert.match(find(items, 'ConfigMap').insertText, /name: istio\n {2}namespace: istio-system\ndata:\n {2}mesh: \|-/);
    const ordered = bySortText(items.filter((c) => c.label === 'ServiceEntry'));
    assert.equal(ordered[0].detail, 'networking.istio.io/v1', 'v1 sorts first');
  }
  assert.equal(find(completeAt('|'), 'EnvoyFilter').deprecated, undefined, 'its only version is not legacy');
  assert.deepEqual(labels(completeAt('|\nspec:\n  hosts: [a]\n')), ['apiVersion', 'kind'], 'no snippet beside other root keys');
  const partial = completeAt(`${SE}  hosts: [a]\n---\nServ|`);
  assert.deepEqual(find(partial, 'ServiceEntry').replace, { start: partial[0].replace!.start, end: partial[0].replace!.start + 4 });
});

test('every resource snippet, with its defaults taken, validates against its schema', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const items = completeAt('|').filter((c) => c.kind === 'resource');
  for (const item of items) {
    const value = YAML.parse(expandSnippet(item.insertText)) as Record<string, any>;
    if (item.label === 'IstioOperator' || item.label === 'ConfigMap') {
      const mesh = item.label === 'IstioOperator' ? value.spec.meshConfig : YAML.parse(value.data.mesh);
      assert.ok(ajv.validate(store.meshConfigSchema(), mesh), `${item.label}: ${ajv.errorsText()}`);
      continue;
    }
    const schema = store.schema(value.apiVersion, value.kind);
    assert.ok(schema, `${item.label} ${item.detail} has a schema`);
    assert.ok(ajv.validate(schema, value), `${item.label} ${item.detail}: ${ajv.errorsText()}`);
  }
});

test('Gateway and Sidecar snippets carry a usable minimum', () => {
  const items = completeAt('|');
  const gateway = expandSnippet(find(items, 'Gateway', 'networking.istio.io/v1').insertText);
  assert.deepEqual(YAML.parse(gateway).spec.servers[0].port, { number: 443, protocol: 'TLS', name: 'tls' });
  assert.deepEqual(YAML.parse(gateway).spec.servers[0].hosts, ['api.example.com']);
  const sidecar = expandSnippet(find(items, 'Sidecar', 'networking.istio.io/v1').insertText);
  assert.deepEqual(YAML.parse(sidecar).spec.egress, [{ hosts: ['./*'] }]);
  const dr = expandSnippet(find(items, 'DestinationRule', 'networking.istio.io/v1').insertText);
  assert.equal(YAML.parse(dr).spec.host, 'api.example.com');
});

test('apiVersion values for the kind present, and kind values for the apiVersion present', () => {
  const versions = completeAt('apiVersion: |\nkind: ServiceEntry\n');
  assert.deepEqual(labels(versions), ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']);
  assert.equal(versions[0].preselect, true);
  assert.equal(versions[2].deprecated, true);
  const typed = completeAt('apiVersion: netw|\nkind: ServiceEntry\n');
  assert.equal(typed.length, 3, 'the value being typed does not hide the candidates');
  const kinds = completeAt('apiVersion: security.istio.io/v1\nkind: |\n');
  assert.deepEqual(labels(kinds).sort(), ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']);
  const anyKind = completeAt('kind: |\n');
  assert.ok(labels(anyKind).includes('ServiceEntry') && labels(anyKind).includes('IstioOperator'));
  assert.equal(new Set(labels(anyKind)).size, anyKind.length, 'each kind once');
  assert.deepEqual(labels(completeAt('apiVersion: |\nkind: IstioOperator\n')), ['install.istio.io/v1alpha1']);
  assert.deepEqual(completeAt('apiVersion: apps/v1\nkind: |\n'), []);
});

test('booleans, and enum values in a sequence item', () => {
  const gw =
    'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  servers:\n  - port: ' +
    '{number: 80, name: http, protocol: HTTP}\n    hosts: ["*"]\n    tls:\n      httpsRedirect: |\n';
  assert.deepEqual(labels(completeAt(gw)), ['true', 'false']);
  const sidecar = 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  egress:\n  - hosts: ["./*"]\n  - captureMode: |\n';
  assert.deepEqual(labels(completeAt(sidecar)), ['DEFAULT', 'IPTABLES', 'NONE']);
});

test('an object key inserts a nested line indented like the document', () => {
  const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: api\nspec:\n  host: api.example.com\n  |\n';
  const policy = find(completeAt(dr), 'trafficPolicy');
  assert.equal(policy.insertText, 'trafficPolicy:\n  $1');
  assert.equal(policy.insertTextFormat, 'snippet');
  assert.equal(accept(dr, policy), dr.replace('|', 'trafficPolicy:\n    '));

  const four = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n    name: api\nspec:\n    host: api.example.com\n    |\n';
  assert.equal(find(completeAt(four), 'trafficPolicy').insertText, 'trafficPolicy:\n    $1');

  const subsets = find(completeAt(dr), 'subsets');
  assert.equal(subsets.insertText, 'subsets:\n- $1');
  const indentedSeq = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n  hosts:\n    - a\n  |\n';
  assert.equal(find(completeAt(indentedSeq), 'ports').insertText, 'ports:\n  - $1');
});

test('an object key on a "- " line indents relative to the line, past the dash', () => {
  const src = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: api\nspec:\n  host: api.example.com\n  subsets:\n  - |\n';
  const policy = find(completeAt(src), 'trafficPolicy');
  assert.equal(policy.insertText, 'trafficPolicy:\n    $1');
  const after = accept(src, policy);
  assert.ok(after.endsWith('  subsets:\n  - trafficPolicy:\n      \n'));
  const withKey = YAML.parse(after.replace(/trafficPolicy:\n {6}\n/, 'trafficPolicy:\n      tls: {}\n'));
  assert.deepEqual(withKey.spec.subsets, [{ trafficPolicy: { tls: {} } }]);
});

test('IstioOperator: mesh config under spec.meshConfig, nothing elsewhere', () => {
  const io = 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: installed-state\nspec:\n';
  assert.deepEqual(labels(completeAt(`${io}  meshConfig:\n    outboundTrafficPolicy:\n      mode: |\n`)), ['ALLOW_ANY', 'REGISTRY_ONLY']);
  assert.deepEqual(labels(completeAt(`${io}  meshConfig:\n    outboundTrafficPolicy:\n      |\n`)).sort(), ['egressProxy', 'mode']);
  assert.ok(labels(completeAt(`${io}  meshConfig:\n    |\n`)).includes('outboundTrafficPolicy'));
  assert.deepEqual(labels(completeAt(`${io}  |\n`)), ['meshConfig']);
  assert.deepEqual(completeAt(`${io}  components:\n    |\n`), []);
  assert.deepEqual(completeAt(`${io}  profile: |\n`), []);
  assert.deepEqual(completeAt(`apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n|\n`), []);
});

test('the istio ConfigMap: keys and values inside the mesh block string', () => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n';
  assert.deepEqual(labels(completeAt(`${cm}    outboundTrafficPolicy:\n      mode: ‸\n`, '‸')), ['ALLOW_ANY', 'REGISTRY_ONLY']);
  assert.deepEqual(labels(completeAt(`${cm}    outboundTrafficPolicy:\n      ‸\n`, '‸')).sort(), ['egressProxy', 'mode']);
  assert.ok(labels(completeAt(`${cm}    ‸\n`, '‸')).includes('outboundTrafficPolicy'));
  assert.deepEqual(completeAt(`${cm}    outboundTrafficPolicy:\n      mode: ALLOW_ANY\n  ‸\n`, '‸'), [], 'beside mesh, other ConfigMap keys are not ours');
  const other = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  mesh: |-\n    ‸\n';
  assert.deepEqual(completeAt(other, '‸'), []);
});

test('plain Kubernetes resources get nothing', () => {
  const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  |\n';
  assert.deepEqual(completeAt(deploy), []);
  assert.deepEqual(completeAt('apiVersion: v1\nkind: Service\n|\n'), []);
  const next = completeAt('apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1\n---\n|');
  assert.deepEqual(labels(next), labels(completeAt('|')), 'the next empty document still gets resource snippets');
});

test('root keys of an Istio resource: what is missing, never status', () => {
  assert.deepEqual(labels(completeAt('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n|\nspec:\n  hosts: [a]\n')), ['metadata']);
  const noVersion = completeAt('kind: ServiceEntry\n|\n');
  assert.deepEqual(labels(bySortText(noVersion)), ['apiVersion', 'metadata', 'spec']);
  assert.equal(find(noVersion, 'apiVersion').insertText, 'apiVersion: ${1|networking.istio.io/v1|}');
  assert.equal(labels(bySortText(completeAt('kind: ServiceEntry\nspec:\n  |\n')))[0], 'hosts', 'a kind without apiVersion uses its v1 schema');
});

test('an Istio apiVersion without a kind yet offers the kind key with its values', () => {
  const items = completeAt('apiVersion: networking.istio.io/v1\n|\n');
  const kind = find(items, 'kind');
  assert.match(kind.insertText, /^kind: \$\{1\|/);
  assert.match(kind.insertText, /ServiceEntry/);
  assert.ok(!labels(items).includes('apiVersion'));
});

test('CRLF line ends give the same candidates with the right ranges', () => {
  const lf = `${SE}  hosts:\n  - api.example.com\n  reso|\n  location: MESH_EXTERNAL\n`;
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = completeAt(lf);
  const b = completeAt(crlf);
  assert.deepEqual(labels(a), labels(b));
  const offset = crlf.indexOf('|');
  assert.deepEqual(find(b, 'resolution').replace, { start: offset - 4, end: offset });
  assert.deepEqual(labels(completeAt(crlf.replace('reso|', 'resolution: |'))), ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']);
});

test('a byte order mark at the start of the file', () => {
  assert.deepEqual(labels(completeAt(`\uFEFF${SE}  hosts: [a]\n  resolution: |\n`)), ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']);
  assert.ok(completeAt('\uFEFF|').some((c) => c.label === 'ServiceEntry'));
});

test('never throws, whatever the text and offset', () => {
  const texts = [
    '',
    '\uFEFF',
    '\t\t\n\t- : :\n',
    `${SE}  hosts: [a, b\n  ports:\n  - {number: 1, \n\t  resolution: "\n`,
    '---\n---\n...\n%YAML 1.2\n---\n',
    'a: &x [*x]\nb: *x\n',
    `${SE}  hosts: |\n    - a\n  \r\n\r\n- - - \n  ? complex\n  : value\n`,
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\ndata:\n  mesh: "outboundTrafficPolicy: {mode: X}"\n',
    '{{ .Values.foo }}\napiVersion: networking.istio.io/v1\n',
  ];
  for (const text of texts) {
    const file = parseFile('file:///x.yaml', text);
    for (let offset = -2; offset <= text.length + 2; offset++) {
      assert.ok(Array.isArray(complete(file, offset, store)));
    }
  }
});

test('completion in a long file costs time in proportion to its length, not its square', () => {
  // Load-independent: the least CPU time (not wall time, which a busy machine's scheduler inflates
  // more for the longer run) of several interleaved runs at 1,000 and 10,000 host lines are compared.
  // Linear work gives a ratio near 10, quadratic near 100.
  const source = (hosts: number, tail: string) => {
    let text = `${SE}  hosts:\n`;
    for (let i = 0; i < hosts; i++) text += `  - host${i}.example.com\n`;
    return text + tail;
  };
  for (const tail of ['  |\n', '  resolution: |\n']) {
    const files = [1000, 10000].map((n) => {
      const src = source(n, tail);
      const offset = src.indexOf('|');
      return { text: src.slice(0, offset) + src.slice(offset + 1), offset };
    });
    const fastest = [Infinity, Infinity];
    for (let round = 0; round < 7; round++) {
      files.forEach((f, k) => {
        const parsed = parseFile('file:///big.yaml', f.text);
        const started = process.cpuUsage();
        const items = complete(parsed, f.offset, store);
        const spent = process.cpuUsage(started);
        fastest[k] = Math.min(fastest[k], (spent.user + spent.system) / 1000);
        assert.ok(items.length > 0, 'completion offers something at the end of a long file');
      });
    }
    const ratio = fastest[1] / Math.max(fastest[0], 0.05);
    assert.ok(ratio < 40, `10 times the lines took ${ratio.toFixed(1)} times as long (${fastest.map((t) => t.toFixed(2)).join(' ms, ')} ms)`);
  }
});

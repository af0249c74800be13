import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, type ParsedFile } from '../parse/parse';
import { parsedFileOf, parsedRecord, type ParsedRecord } from '../parse/parsed-record';
import { needsShared, sharedYamlFiles } from '../shared-corpus';
import { fingerprintOf, indexPartsOf, nameKey, slotOf, WorkspaceIndex, type IndexParts } from './workspace-index';
import { resolveHost } from '../mesh/hosts';
import { hostSubsetOf } from '../mesh/host-match';
import { meshPartition } from './meshes';

const files = {
  'file:///se.yaml':
    'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
    'wiki\nspec:\n  hosts:\n  - "*.wikipedia.org"\n---\napiVersion: networking.istio.io/v1\nkind: ' +
    'ServiceEntry\nmetadata:\n  name: cnn\n  namespace: shop\nspec:\n  hosts: [edition.cnn.com]\n',
  'file:///svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports: [{port: 80}]\n',
  'file:///dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n',
};

function build() {
  const index = new WorkspaceIndex();
  for (const [uri, text] of Object.entries(files)) index.setFile(parseFile(uri, text));
  return index;
}

test('lookups by kind, identity and host', () => {
  const index = build();
  assert.equal(index.ofKind('ServiceEntry').length, 2);
  assert.equal(index.find('networking.istio.io', 'ServiceEntry', 'shop', 'cnn').length, 1);
  assert.equal(index.find('networking.istio.io', 'ServiceEntry', 'default', 'cnn').length, 0);
  assert.equal(index.withHost('ServiceEntry', 'edition.cnn.com')[0].name, 'cnn');
  assert.equal(index.withHost('Service', 'web.shop.svc.cluster.local')[0].name, 'web');
  assert.equal(index.withHost('DestinationRule', 'web.shop.svc.cluster.local')[0].name, 'web', 'short DR host resolved in its namespace');
  assert.deepEqual(
    index.matchingHost('ServiceEntry', 'en.wikipedia.org').map((r) => r.name),
    ['wiki'],
  );
  assert.deepEqual(index.matchingHost('ServiceEntry', 'wikipedia.org'), []);
});

test('replacing and removing a file updates every lookup and reports the kinds that changed', () => {
  const index = build();
  const change = index.setFile(
    parseFile('file:///se.yaml', 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: cnn2\nspec:\n  hosts: [edition.cnn.com]\n'),
  );
  assert.ok(change.keys.has('kind|ServiceEntry'));
  assert.ok(change.keys.has('host|ServiceEntry|edition.cnn.com'));
  assert.ok(change.keys.has('host|ServiceEntry|*.wikipedia.org'), 'the removed wildcard entry is part of the change');
  assert.equal(index.find('networking.istio.io', 'ServiceEntry', 'shop', 'cnn').length, 0);
  assert.deepEqual(
    index.withHost('ServiceEntry', 'edition.cnn.com').map((r) => r.name),
    ['cnn2'],
  );
  assert.deepEqual(index.matchingHost('ServiceEntry', 'en.wikipedia.org'), []);
  const removed = index.removeFile('file:///svc.yaml');
  assert.deepEqual([...removed.keys].sort(), [
    'host|Service|web.shop.svc.cluster.local',
    'kind|Service',
    'name||Service|shop|web',
    'some|Service|ns:shop',
    'tag|Service|ns:shop',
  ]);
  assert.equal(index.withHost('Service', 'web.shop.svc.cluster.local').length, 0);
  assert.equal(index.size, 2);
});

test('hosts resolve and match like Istio', () => {
  assert.equal(resolveHost('reviews', 'bookinfo'), 'reviews.bookinfo.svc.cluster.local');
  assert.equal(resolveHost('Edition.CNN.com.', 'x'), 'edition.cnn.com');
  assert.ok(hostSubsetOf('a.b.example.com', '*.example.com'));
  assert.ok(!hostSubsetOf('example.com', '*.example.com'));
  assert.ok(hostSubsetOf('anything.io', '*'));
});

test('lookups stay fast with 20,000 resources', () => {
  const index = new WorkspaceIndex();
  for (let i = 0; i < 5000; i++) {
    const text =
      `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-${i}\nspec:\n  hosts: ` +
      `[h${i}.example.com]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n---\napiVersion: v1\nkind: ` +
      `Secret\nmetadata:\n  name: c${i}\n---\napiVersion: networking.istio.io/v1\nkind: ` +
      `DestinationRule\nmetadata:\n  name: d${i}\nspec:\n  host: h${i}.example.com\n`;
    index.setFile(parseFile(`file:///f${i}.yaml`, text));
  }
  const started = process.hrtime.bigint();
  for (let i = 0; i < 20000; i++) {
    assert.equal(index.withHost('ServiceEntry', `h${i % 5000}.example.com`).length, 1);
    assert.equal(index.find('', 'Secret', 'default', `c${i % 5000}`).length, 1);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(ms < 2000, `40,000 lookups took ${ms} ms`);
});

test('an edit reports only the resources it changed, and tags answer narrow lookups', () => {
  const index = build();
  const se = files['file:///se.yaml'];
  // The second document changes; the first (the wildcard one) keeps its content and position.
  const change = index.setFile(parseFile('file:///se.yaml', se.replace('hosts: [edition.cnn.com]', 'hosts: [www.cnn.com]')));
  assert.ok(change.keys.has('host|ServiceEntry|www.cnn.com'));
  assert.ok(change.keys.has('host|ServiceEntry|edition.cnn.com'));
  assert.ok(!change.keys.has('host|ServiceEntry|*.wikipedia.org'), 'the untouched document is not part of the change');
  const same = index.setFile(parseFile('file:///se.yaml', se.replace('hosts: [edition.cnn.com]', 'hosts: [www.cnn.com]')));
  assert.equal(same.keys.size, 0, 'saving the same text changes nothing');
  assert.deepEqual(
    index.withTag('Service', 'ns:shop').map((r) => r.name),
    ['web'],
  );
  index.setFile(
    parseFile(
      'file:///vs.yaml',
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\n  namespace: ' +
        'shop\nspec:\n  hosts: [a.example.com]\n  http:\n  - route:\n    - destination:\n        host: web\n',
    ),
  );
  assert.deepEqual(
    index.withTag('VirtualService', 'dest:web.shop.svc.cluster.local').map((r) => r.name),
    ['r'],
  );
});

test('split into meshes, counts and namespaces are those of the viewer’s mesh and the shared files', () => {
  const index = new WorkspaceIndex();
  const secret = (ns: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cert\n  namespace: ${ns}\n`;
  const gw = 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw\n  namespace: edge\nspec: {}\n';
  index.setFile(parseFile('file:///repo/clusters/east/secret.yaml', secret('east-ns')));
  index.setFile(parseFile('file:///repo/clusters/east/gw.yaml', gw));
  index.setFile(parseFile('file:///repo/clusters/west/gw.yaml', gw.replace('edge', 'west-edge')));
  index.setFile(parseFile('file:///repo/base/secret.yaml', secret('shared-ns')));
  const eastGw = index.file('file:///repo/clusters/east/gw.yaml')!.resources[0];
  const westGw = index.file('file:///repo/clusters/west/gw.yaml')!.resources[0];
  index.setMeshes(meshPartition(['clusters/*'], ['file:///repo']));
  assert.equal(index.tracked(new Set(), eastGw).countOfKind('Secret'), 2, 'its own and the shared one');
  assert.equal(index.tracked(new Set(), westGw).countOfKind('Secret'), 1, 'only the shared one');
  assert.deepEqual([...index.namespaces(westGw)].sort(), ['shared-ns', 'west-edge']);
  assert.deepEqual([...index.namespaces(eastGw)].sort(), ['east-ns', 'edge', 'shared-ns']);
  assert.deepEqual([...index.namespaces()].sort(), ['east-ns', 'edge', 'shared-ns', 'west-edge'], 'without a viewer, the whole workspace');
  index.setMeshes(undefined);
  assert.equal(index.tracked(new Set(), westGw).countOfKind('Secret'), 2, 'one mesh');
});

/** Every resource's fingerprint and the keys of indexing each file, in a fresh index. */
function indexed(files: ParsedFile[]): { keys: string[][]; fingerprints: string[] } {
  const index = new WorkspaceIndex();
  const keys = files.map((f) => [...index.setFile(f).keys].sort());
  return { keys, fingerprints: files.flatMap((f) => index.file(f.uri)!.resources.map((r) => `${slotOf(r)} ${fingerprintOf(r)}`)) };
}

test('files rebuilt from records that bring their index parts index as the files parsed here', needsShared('corpus', 'realworld'), () => {
  const list = sharedYamlFiles('corpus', 'realworld');
  const rebuilt = list.map(({ uri, text }) => parsedFileOf(uri, text, parsedRecord(uri, text, indexPartsOf)));
  const here = list.map(({ uri, text }) => parseFile(uri, text));
  assert.ok(here.reduce((n, f) => n + f.resources.length, 0) > 1000);
  assert.deepEqual(indexed(rebuilt), indexed(here));
});

test('a record carries each distinct host and key of its file once, and the index reads the others by number', () => {
  const uri = 'file:///repo/team/egress.yaml';
  const doc = (kind: string, name: string, spec: string) =>
    `apiVersion: networking.istio.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n${spec}`;
  const text = [
    doc('ServiceEntry', 'api', '  hosts: [api.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]\n'),
    doc('ServiceEntry', 'docs', '  hosts: [docs.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]\n'),
    doc('DestinationRule', 'api', '  host: api.example.com\n'),
    doc(
      'VirtualService',
      'api',
      '  hosts: [api.example.com]\n  tls:\n  - match: [{port: 443, sniHosts: [api.example.com]}]\n    route: [{destination: {host: api.example.com}}]\n',
    ),
  ].join('---\n');
  const record = parsedRecord(uri, text, indexPartsOf)!;
  const sent = (record.derived as { hosts: unknown[]; keys: unknown[] }[]).flatMap((p) => [...p.hosts, ...p.keys]);
  const strings = sent.filter((s) => typeof s === 'string');
  assert.equal(new Set(strings).size, strings.length, 'no string is sent twice');
  assert.ok(sent.length - strings.length >= 4, `the kinds, the namespace's tags and the host repeat: ${sent.length - strings.length} numbers`);
  assert.deepEqual(indexed([parsedFileOf(uri, text, record)]), indexed([parseFile(uri, text)]));
  // A number that names no string sent before: the file is indexed from its resources, as one parsed here.
  const broken = parsedRecord(uri, text, indexPartsOf)!;
  (broken.derived as { keys: unknown[] }[])[3].keys[0] = 99;
  assert.deepEqual(indexed([parsedFileOf(uri, text, broken)]), indexed([parseFile(uri, text)]));
});

test('the index files a resource under the keys its record brings, unless a kustomization gave it another namespace', () => {
  const uri = 'file:///repo/team/se.yaml';
  const text = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  hosts: [api.example.com]\n';
  const record = (): ParsedRecord => {
    const r = parsedRecord(uri, text, indexPartsOf)!;
    // Parts that differ from what the index would work out, to see which it uses.
    (r.derived as IndexParts[])[0].keys[1] = nameKey('networking.istio.io', 'ServiceEntry', 'shop', 'renamed');
    return r;
  };
  const plain = new WorkspaceIndex();
  plain.setFile(parsedFileOf(uri, text, record()));
  assert.equal(plain.find('networking.istio.io', 'ServiceEntry', 'shop', 'renamed').length, 1, 'the parts were used');
  const kustomized = new WorkspaceIndex();
  kustomized.setFile(parseFile('file:///repo/team/kustomization.yaml', 'namespace: payments\nresources: [se.yaml]\n'));
  kustomized.setFile(parsedFileOf(uri, text, record()));
  assert.equal(kustomized.find('networking.istio.io', 'ServiceEntry', 'payments', 'api').length, 1);
  assert.equal(kustomized.withHost('ServiceEntry', 'api.example.com')[0].namespace, 'payments');
  assert.equal(kustomized.find('networking.istio.io', 'ServiceEntry', 'shop', 'renamed').length, 0);
});

test('an identity defined in several files keeps its versions in the order they came, through edits and removals', () => {
  const se = (host: string) => `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  hosts: [${host}]\n`;
  const index = new WorkspaceIndex();
  const versions = () => index.find('networking.istio.io', 'ServiceEntry', 'shop', 'api').map((r) => `${r.uri} ${r.spec.hosts[0]}`);
  index.setFile(parseFile('file:///a.yaml', se('a.example.com')));
  assert.deepEqual(versions(), ['file:///a.yaml a.example.com']);
  index.setFile(parseFile('file:///b.yaml', se('b.example.com')));
  index.setFile(parseFile('file:///c.yaml', se('c.example.com')));
  // An edited version comes last; one read again unchanged stays where it was.
  index.setFile(parseFile('file:///a.yaml', se('a2.example.com')));
  index.setFile(parseFile('file:///b.yaml', se('b.example.com')));
  assert.deepEqual(versions(), ['file:///b.yaml b.example.com', 'file:///c.yaml c.example.com', 'file:///a.yaml a2.example.com']);
  index.removeFile('file:///a.yaml');
  index.removeFile('file:///b.yaml');
  assert.deepEqual(versions(), ['file:///c.yaml c.example.com']);
  assert.deepEqual(
    index.withHost('ServiceEntry', 'c.example.com').map((r) => r.uri),
    ['file:///c.yaml'],
  );
  index.setFile(parseFile('file:///a.yaml', se('c.example.com')));
  assert.deepEqual(
    index.withHost('ServiceEntry', 'c.example.com').map((r) => r.uri),
    ['file:///c.yaml', 'file:///a.yaml'],
  );
  index.removeFile('file:///c.yaml');
  assert.deepEqual(versions(), ['file:///a.yaml c.example.com']);
  assert.equal(index.countOfKind('ServiceEntry'), 1);
  index.removeFile('file:///a.yaml');
  assert.deepEqual([versions(), index.withHost('ServiceEntry', 'c.example.com'), index.countOfKind('ServiceEntry')], [[], [], 0]);
});

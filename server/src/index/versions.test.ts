import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from './workspace-index';
import { fileLabel, nearestVersion, oneVersionEach, otherVersionsNote, otherVersionsRelated } from './versions';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';

const gateway = (name: string, port: number, namespace = 'default') =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: ` +
  `${namespace}\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port: {number: ` +
  `${port}, name: p${port}, protocol: HTTP}\n    hosts: ["*"]\n`;

function workspace(files: Record<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const [name, text] of Object.entries(files)) index.setFile(parseFile(`file:///ws/${name}`, text));
  return index;
}

const first = (index: WorkspaceIndex, name: string): Resource => index.file(`file:///ws/${name}`)!.resources[0];
const port = (r: Resource) => r.spec.servers[0].port.number as number;

// A kubectl apply of a file replaces the object another file defines with the same kind, namespace
// and name (k8s.io/apimachinery object identity), so the versions are alternatives, never coexisting objects.
for (const c of [
  { reader: 'app/vs.yaml', versions: { 'app/gw.yaml': 443, 'other/gw.yaml': 80 }, want: 443, why: 'the same folder before another folder' },
  {
    reader: 'envs/prod/vs.yaml',
    versions: { 'envs/prod/gw.yaml': 443, 'envs/dev/gw.yaml': 80, 'base/gw.yaml': 8080 },
    want: 443,
    why: 'the same folder before siblings',
  },
  {
    reader: 'envs/prod/app/vs.yaml',
    versions: { 'envs/gw.yaml': 443, 'envs/dev/gw.yaml': 80 },
    want: 443,
    why: 'an ancestor folder before a sibling subfolder at the same depth',
  },
  { reader: 'envs/prod/vs.yaml', versions: { 'a/gw.yaml': 80, 'envs/dev/gw.yaml': 443 }, want: 443, why: 'the deepest common ancestor' },
  { reader: 'x/vs.yaml', versions: { 'b/gw.yaml': 443, 'a/gw.yaml': 80 }, want: 80, why: 'equally near: the path decides, not the order files were read' },
]) {
  test(`nearest version: ${c.why}`, () => {
    const files: Record<string, string> = { [c.reader]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: reader\n' };
    for (const [name, p] of Object.entries(c.versions)) files[name] = gateway('gw', p);
    const index = workspace(files);
    const versions = index.find(ISTIO_NETWORKING, 'Gateway', 'default', 'gw');
    assert.equal(versions.length, Object.keys(c.versions).length);
    assert.equal(port(nearestVersion(`file:///ws/${c.reader}`, versions)), c.want);
    assert.equal(port(nearestVersion(`file:///ws/${c.reader}`, [...versions].reverse())), c.want, 'independent of the order of the candidates');
  });
}

test('in one file, the later document wins, as applying the file leaves it', () => {
  const index = workspace({
    'gw.yaml': `${gateway('gw', 80)}---\n${gateway('gw', 443)}`,
    'vs.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\n',
  });
  const versions = index.find(ISTIO_NETWORKING, 'Gateway', 'default', 'gw');
  assert.equal(port(nearestVersion('file:///ws/gw.yaml', versions)), 443);
});

test('a reader sees its own version of its identity and no other; one version of every other object', () => {
  const index = workspace({
    'a/gw.yaml': gateway('gw', 80) + '---\n' + gateway('other', 80),
    'b/gw.yaml': gateway('gw', 443) + '---\n' + gateway('other', 443),
  });
  const mine = first(index, 'a/gw.yaml');
  const seen = oneVersionEach(index.ofKind('Gateway'), mine);
  assert.deepEqual(seen.map((r) => `${r.name}:${port(r)}`).sort(), ['gw:80', 'other:80']);
  const theirs = first(index, 'b/gw.yaml');
  assert.deepEqual(oneVersionEach(index.find(ISTIO_NETWORKING, 'Gateway', 'default', 'gw'), theirs), [theirs]);
  assert.deepEqual(oneVersionEach([mine], theirs), [], "another version of the reader's own object is replaced by the reader");
});

test('the tracked reader of a resource answers with one version of each object', () => {
  const index = workspace({
    'a/gw.yaml': gateway('gw', 80),
    'b/gw.yaml': gateway('gw', 443),
    'b/vs.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\n',
  });
  const reader = index.tracked(new Set(), first(index, 'b/vs.yaml'));
  assert.deepEqual(reader.find(ISTIO_NETWORKING, 'Gateway', 'default', 'gw').map(port), [443]);
  assert.deepEqual(reader.withTag('Gateway', 'ns:default').map(port), [443]);
  assert.equal(index.find(ISTIO_NETWORKING, 'Gateway', 'default', 'gw').length, 2, 'the index itself keeps every version');
});

test('meshes: a reader in one mesh does not see another mesh; shared files are seen by all', () => {
  const index = workspace({ 'envs/dev/gw.yaml': gateway('dev', 80), 'envs/prod/gw.yaml': gateway('prod', 80), 'base/gw.yaml': gateway('base', 80) });
  index.setMeshes((uri) => /\/envs\/([^/]+)\//.exec(uri)?.[1]);
  const names = (reader: string) =>
    index
      .tracked(new Set(), first(index, reader))
      .ofKind('Gateway')
      .map((r) => r.name)
      .sort();
  assert.deepEqual(names('envs/dev/gw.yaml'), ['base', 'dev']);
  assert.deepEqual(names('envs/prod/gw.yaml'), ['base', 'prod']);
  assert.deepEqual(names('base/gw.yaml'), ['base', 'dev', 'prod']);
});

test('fileLabel names the other file relative to the folder of the one the message is in', () => {
  assert.equal(fileLabel('file:///ws/a/vs.yaml', 'file:///ws/a/vs.yaml'), 'this file');
  assert.equal(fileLabel('file:///ws/a/vs.yaml', 'file:///ws/a/gw.yaml'), 'gw.yaml');
  assert.equal(fileLabel('file:///ws/envs/prod/vs.yaml', 'file:///ws/base/gw%20x.yaml'), '../../base/gw x.yaml');
  assert.equal(fileLabel('file:///ws/vs.yaml', 'file:///ws/sub/gw.yaml'), 'sub/gw.yaml');
});

test('the hover over a name lists the other versions of the object and where they are', () => {
  const index = workspace({
    'bookinfo/vs-v1.yaml': gateway('gw', 80),
    'bookinfo/vs-v3.yaml': gateway('gw', 443),
    'base/gw.yaml': gateway('gw', 8080),
    'other.yaml': gateway('other', 80),
  });
  const r = first(index, 'bookinfo/vs-v1.yaml');
  const note = otherVersionsNote(r, index.find(ISTIO_NETWORKING, 'Gateway', 'default', 'gw'))!;
  const expected =
    '**2 other versions** of Gateway default/gw (same kind, namespace and name) in `../base/gw.yaml`, `vs-v3.yaml`. Applying one replaces the other';
  assert.ok(note.startsWith(expected), note);
  const lone = first(index, 'other.yaml');
  assert.equal(otherVersionsNote(lone, index.find(ISTIO_NETWORKING, 'Gateway', 'default', 'other')), undefined);
});

test('a finding on an object with other versions points at each of them', () => {
  const vs = (body: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n${body}`;
  const a = parseFile('file:///ws/steps/v1.yaml', vs('  hosts: [reviews]\n')).resources[0];
  const b = parseFile('file:///ws/steps/v2.yaml', `# second step\n${vs('  hosts: [reviews]\n')}`).resources[0];
  const related = otherVersionsRelated(a, [a, b]);
  assert.equal(related.length, 1);
  assert.equal(related[0].uri, 'file:///ws/steps/v2.yaml');
  assert.equal(`# second step\n${vs('  hosts: [reviews]\n')}`.slice(related[0].start, related[0].end), 'reviews', "at the other version's name");
  assert.equal(
    related[0].message,
    'Another version of VirtualService default/reviews (same kind, namespace and name): applying one replaces the other; ' +
      'this finding is about the version in v1.yaml',
  );
  assert.deepEqual(otherVersionsRelated(a, [a]), []);
});

/**
 * The checker under faults: an analyzer or a fix that throws is reported once with the file and
 * code, and the other findings are still there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { loadSchemaStore } from '../node/schemas';
import type { FaultReport } from '../model';
import { errorReporter } from '../faults';
import { Checker } from './checker';
import { FixVerdicts, fixesFor, fixIsSound } from './fixes';
import { analyzerFor } from '../analyzers/registry';

const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
  'x\nspec:\n  hosts:\n  - "*.example.com"\n  location: MESH_EXTENAL\n  resolution: DNS\n';

test('an analyzer that throws is reported with file and code, once, and hides no other finding', () => {
  const analyzer = analyzerFor('se-wildcard-dns')!;
  const original = analyzer.check.bind(analyzer);
  analyzer.check = () => {
    throw new Error('boom');
  };
  try {
    const index = new WorkspaceIndex();
    index.setFile(parseFile('file:///ws/a.yaml', SE));
    index.setFile(parseFile('file:///ws/b.yaml', SE.replace('name: x', 'name: y')));
    const faults: FaultReport[] = [];
    const logged: string[] = [];
    const report = errorReporter((m) => logged.push(m));
    const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS, (f) => {
      faults.push(f);
      report(f);
    });
    const codes = checker.findings('file:///ws/a.yaml').map((f) => f.code);
    checker.findings('file:///ws/b.yaml');
    assert.ok(codes.includes('schema-enum'), `other findings kept: ${codes.join(', ')}`);
    assert.deepEqual(
      faults.map((f) => [f.uri, f.code]),
      [
        ['file:///ws/a.yaml', 'se-wildcard-dns'],
        ['file:///ws/b.yaml', 'se-wildcard-dns'],
      ],
    );
    assert.equal(logged.length, 1, 'the same fault is logged once');
    assert.match(logged[0], /se-wildcard-dns failed on file:\/\/\/ws\/a\.yaml: boom/);
  } finally {
    analyzer.check = original;
  }
});

test('a fix that throws is reported and offers nothing', () => {
  const analyzer = analyzerFor('se-wildcard-dns')!;
  const original = analyzer.fix?.bind(analyzer);
  analyzer.fix = () => {
    throw new Error('fix failed');
  };
  try {
    const file = parseFile('file:///ws/a.yaml', SE);
    const faults: FaultReport[] = [];
    const at = SE.indexOf('DNS');
    assert.deepEqual(
      fixesFor('se-wildcard-dns', {}, file, { start: at, end: at + 3 }, (f) => faults.push(f)),
      [],
    );
    assert.deepEqual(
      faults.map((f) => f.code),
      ['se-wildcard-dns'],
    );
  } finally {
    analyzer.fix = original;
  }
});

test('an analyzer fix that would overwrite a mapping key, or edit outside the text, is not offered', () => {
  const file = parseFile('file:///ws/a.yaml', SE);
  const key = SE.indexOf('resolution');
  // The finding sits on the key (as it does when a value is missing): "Set resolution: NONE" must not turn `resolution:` into `NONE:`.
  assert.deepEqual(fixesFor('se-wildcard-dns', {}, file, { start: key, end: key + 'resolution'.length }), []);
  const value = SE.indexOf('DNS');
  assert.equal(fixesFor('se-wildcard-dns', {}, file, { start: value, end: value + 3 }).length, 1);
  assert.deepEqual(fixesFor('se-wildcard-dns', {}, file, { start: SE.length + 5, end: SE.length + 8 }), []);
});

test('a fix whose result the API server would reject (a DestinationRule or ServiceEntry for host "bad_host!") is not built; a sound one is offered', () => {
  const vs = (host: string) =>
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\nspec:\n  hosts:\n  - ' +
    `${host}\n  http:\n  - route:\n    - destination:\n        host: ${host}\n        subset: v1\n`;
  const verdicts = (host: string) => {
    const index = new WorkspaceIndex();
    const file = parseFile('file:///ws/vs.yaml', vs(host));
    index.setFile(file);
    const findings = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS).findings(file.uri);
    const missing = findings.find((f) => f.code === 'vs-unknown-subset');
    assert.ok(missing, `vs-unknown-subset for ${host}`);
    const fixes = fixesFor(missing.code, missing.data, file, missing);
    const sound = fixes.map((f) => fixIsSound(index, loadSchemaStore(), DEFAULT_SETTINGS, file, findings, missing, f));
    assert.equal(index.file(file.uri), file, 'the index is restored');
    const unknownHost = findings.filter((f) => f.code === 'vs-unknown-host');
    return { subset: fixes.map((f, i) => `${f.title}: ${sound[i]}`), host: unknownHost.flatMap((f) => fixesFor(f.code, f.data, file, f)).map((f) => f.title) };
  };
  assert.deepEqual(verdicts('api.example.com'), {
    subset: ['Create DestinationRule "api-example-com" with subset "v1": true'],
    host: ['Create ServiceEntry "api-example-com" for api.example.com (port 80, HTTP)'],
  });
  assert.deepEqual(verdicts('bad_host!'), { subset: [], host: [] });
});

test('fixes that would write a port over 65535 or a subset name the API server rejects are withheld or not built', () => {
  const se = (port: number) =>
    'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ' +
    'se\nspec:\n  hosts:\n  - api.example.com\n  ports:\n  - number: ' +
    `${port}\n    name: http\n    protocol: HTTP\n  resolution: DNS\n  location: MESH_EXTERNAL\n`;
  const vs = (port: number, subset?: string) =>
    '---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
    'vs\nspec:\n  hosts:\n  - api.example.com\n  http:\n  - route:\n    - destination:\n        host: ' +
    `api.example.com\n        port:\n          number: ${port}\n${subset ? `        subset: ${subset}\n` : ''}`;
  const offered = (text: string, code: string) => {
    const index = new WorkspaceIndex();
    const file = parseFile('file:///ws/a.yaml', text);
    index.setFile(file);
    const findings = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS).findings(file.uri);
    const finding = findings.find((f) => f.code === code);
    assert.ok(finding, code);
    const fixes = fixesFor(code, finding.data, file, finding);
    return fixes.filter((f) => fixIsSound(index, loadSchemaStore(), DEFAULT_SETTINGS, file, findings, finding, f)).map((f) => f.title);
  };
  assert.deepEqual(offered(se(70000) + vs(81), 'vs-destination-port'), []);
  assert.deepEqual(offered(se(8080) + vs(81), 'vs-destination-port'), ['Change the port to 8080']);
  assert.deepEqual(offered(se(80) + vs(80, 'V_1'), 'vs-unknown-subset'), []);
});

test('a fix is re-checked once per file version: asking again answers from the verdict, a change anywhere in the workspace asks anew', () => {
  const text =
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
    'r\nspec:\n  hosts:\n  - api.example.com\n  http:\n  - route:\n    - destination:\n        host: ' +
    'api.example.com\n        subset: v1\n';
  const index = new WorkspaceIndex();
  const store = loadSchemaStore();
  const file = parseFile('file:///ws/vs.yaml', text);
  index.setFile(file);
  const findings = new Checker(index, store, DEFAULT_SETTINGS).findings(file.uri);
  const missing = findings.find((f) => f.code === 'vs-unknown-subset')!;
  const [fix] = fixesFor(missing.code, missing.data, file, missing);
  const verdicts = new FixVerdicts(index);
  const ask = () => verdicts.isSound(store, DEFAULT_SETTINGS, file, findings, missing, fix);
  assert.equal(ask(), true);
  for (let i = 0; i < 5; i++) assert.equal(ask(), true);
  assert.equal(verdicts.rechecked, 1, 'the same request five more times re-checks nothing');
  // Any other file changing may change the verdict (it could define the DestinationRule the fix creates).
  index.setFile(parseFile('file:///ws/other.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n'));
  ask();
  assert.equal(verdicts.rechecked, 2, 'a workspace change clears the verdicts');
  const edited = parseFile(file.uri, text + '\n');
  index.setFile(edited);
  verdicts.isSound(store, DEFAULT_SETTINGS, edited, findings, missing, fix);
  assert.equal(verdicts.rechecked, 3, 'a new version of the file is checked anew');
});

/**
 * The built CLI (`dist/cli.js`), run as a user or a CI job would: formats, exit codes, paths.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');

let dir: string;

const BROKEN = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: httpbin
spec:
  hosts:
  - httpbin.org
  ports:
  - number: 80
    name: http
    protocol: HTTP
  location: MESH_EXTENAL
`;

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-cli-'));
  fs.mkdirSync(path.join(dir, 'config', 'nested dir'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config', 'nested dir', 'broken.yaml'), BROKEN);
  fs.writeFileSync(path.join(dir, 'config', 'ok.yml'), BROKEN.replace('MESH_EXTENAL', 'MESH_EXTERNAL').replace(/httpbin/g, 'postman-echo'));
  fs.writeFileSync(path.join(dir, 'config', 'notes.txt'), 'not yaml');
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('text output: file:line:col severity code message, and exit 1 on errors', () => {
  const r = run(['check', 'config']);
  assert.equal(r.code, 1, r.stderr);
  const first = r.stdout.split('\n')[0];
  assert.match(first, /^config\/nested dir\/broken\.yaml:12:13 error schema-enum "MESH_EXTENAL" is not a valid location/);
  assert.match(r.stdout, /1 error\(s\), 0 warning\(s\), 0 info in 2 file\(s\) checked\./);
});

test('exit 0 when there are no errors', () => {
  const r = run(['check', 'config/ok.yml']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('json output lists findings with 1-based positions', () => {
  const r = run(['check', '--format', 'json', 'config']);
  const findings = JSON.parse(r.stdout);
  assert.deepEqual(findings, [
    {
      file: 'config/nested dir/broken.yaml',
      line: 12,
      column: 13,
      endLine: 12,
      endColumn: 25,
      severity: 'error',
      code: 'schema-enum',
      message: findings[0].message,
    },
  ]);
});

test('sarif output is SARIF 2.1.0 with ruleId, level, relative artifact URIs and 1-based regions', () => {
  const r = run(['check', '--format', 'sarif', '.']);
  assert.equal(r.code, 1);
  const sarif = JSON.parse(r.stdout);
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs.length, 1);
  const run0 = sarif.runs[0];
  assert.equal(run0.tool.driver.name, 'istio-egress');
  assert.deepEqual(
    run0.tool.driver.rules.map((x: { id: string }) => x.id),
    ['schema-enum'],
  );
  assert.equal(run0.results.length, 1);
  const result = run0.results[0];
  assert.equal(result.ruleId, 'schema-enum');
  assert.equal(result.level, 'error');
  const loc = result.locations[0].physicalLocation;
  assert.equal(loc.artifactLocation.uri, 'config/nested%20dir/broken.yaml');
  assert.deepEqual(loc.region, { startLine: 12, startColumn: 13, endLine: 12, endColumn: 25 });
});

test('severity overrides, including off, change the findings and the exit code', () => {
  assert.equal(run(['check', 'config', '--severity', 'schema-enum=warning']).code, 0);
  const off = run(['check', '--format', 'json', 'config', '--severity', 'schema-enum=off']);
  assert.deepEqual(JSON.parse(off.stdout), []);
});

test('standard input is checked as one file', () => {
  const r = run(['check', '-'], BROKEN);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^<stdin>:12:13 error schema-enum/);
});

test('usage errors exit 2 with a clear message', () => {
  const bad = run(['check', '--format', 'xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be text, json or sarif/);
  assert.equal(run(['check', 'does-not-exist']).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
  assert.equal(run(['check', '--outbound-policy', 'REGISTER_ONLY']).code, 2);
  const help = run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /istio-egress check/);
});

test('the examples workspace shows its deliberate mistakes at the right lines', () => {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', 'examples'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 1);
  const findings = JSON.parse(r.stdout) as { file: string; line: number; code: string; severity: string }[];
  const broken = findings.filter((f) => f.file === 'examples/broken/mistakes.yaml');
  const at = (code: string) => broken.filter((f) => f.code === code).map((f) => f.line);
  assert.deepEqual(at('schema-type'), [12]);
  assert.deepEqual(at('schema-enum'), [17]);
  assert.deepEqual(at('schema-unknown-field'), [30]);
  assert.deepEqual(at('schema-cel'), [45]);
  assert.deepEqual(at('api-version-deprecated'), [3]);
  const crossFile = findings.filter((f) => f.file === 'examples/broken/egress-mistakes.yaml').map((f) => `${f.line} ${f.code}`);
  assert.deepEqual(crossFile, ['13 vs-unknown-gateway', '18 vs-mesh-gateway-missing', '24 vs-unknown-subset', '40 se-wildcard-dns']);
  const elsewhere = findings.filter((f) => !f.file.startsWith('examples/broken/') && f.severity !== 'information');
  assert.deepEqual(elsewhere, [], 'the egress-gateway setup itself is clean');
});

test('a rule of a many-rule check is named code/rule in text, JSON and SARIF, and --severity takes that id', () => {
  const input = BROKEN.replace('MESH_EXTENAL', 'MESH_EXTERNAL').replace('- httpbin.org', '- bad_host.example.com\n  - "*example.org"');
  const text = run(['check', '-'], input);
  assert.match(text.stdout, /^<stdin>:7:5 error se-invalid\/host-invalid /m);
  assert.match(text.stdout, /^<stdin>:8:5 warning se-invalid\/host-partial-wildcard /m);
  const json = JSON.parse(run(['check', '--format', 'json', '-'], input).stdout) as { code: string; rule?: string }[];
  assert.deepEqual(json.map((f) => `${f.code} ${f.rule}`).sort(), ['se-invalid host-invalid', 'se-invalid host-partial-wildcard']);
  const sarif = JSON.parse(run(['check', '--format', 'sarif', '-'], input).stdout);
  assert.deepEqual(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort(), ['se-invalid/host-invalid', 'se-invalid/host-partial-wildcard']);
  const silenced = run(['check', '--severity', 'se-invalid/host-invalid=off', '-'], input);
  assert.equal(silenced.code, 0, silenced.stdout);
  assert.doesNotMatch(silenced.stdout, /host-invalid/);
  assert.match(silenced.stdout, /se-invalid\/host-partial-wildcard/);
});

test('--clusters: two environments defining a host differently conflict as one mesh, not as separate meshes', () => {
  const vs = (name: string) =>
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
    `${name}\nspec:\n  hosts:\n  - httpbin.org\n  http:\n  - route:\n    - destination:\n        host: httpbin.org\n`;
  const root = path.join(dir, 'envs-repo');
  for (const env of ['dev', 'prod']) {
    fs.mkdirSync(path.join(root, 'envs', env), { recursive: true });
    fs.writeFileSync(path.join(root, 'envs', env, 'vs.yaml'), vs(`httpbin-${env}`));
  }
  const oneMesh = run(['check', '--format', 'json', 'envs-repo']);
  assert.deepEqual(JSON.parse(oneMesh.stdout).filter((f: { code: string }) => f.code === 'vs-duplicate-mesh-host').length, 2, oneMesh.stdout + oneMesh.stderr);
  const split = run(['check', '--format', 'json', '--clusters', 'envs/*', 'envs-repo']);
  assert.deepEqual(
    JSON.parse(split.stdout).filter((f: { code: string }) => f.code === 'vs-duplicate-mesh-host'),
    [],
    split.stderr,
  );
  assert.equal(split.code, 0, split.stdout + split.stderr);
});

test('kustomizations: the namespace a Kustomization file gives a Gateway resolves the references to it, and messages say where a namespace came from', () => {
  const root = path.join(dir, 'kustomize-repo');
  fs.mkdirSync(path.join(root, 'gateway'), { recursive: true });
  fs.mkdirSync(path.join(root, 'apps'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'gateway', 'gateway.yaml'),
    'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: edge\nspec:\n  selector: {istio: ' +
      'ingressgateway}\n  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]\n',
  );
  fs.writeFileSync(
    path.join(root, 'apps', 'vs.yaml'),
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\nspec:\n  hosts: ' +
      '["*"]\n  gateways: [istio-system/edge, edge]\n  http: [{route: [{destination: {host: web}}]}]\n',
  );
  const codes = (r: { stdout: string }) => (JSON.parse(r.stdout) as { code: string; message: string }[]).filter((f) => f.code === 'vs-unknown-gateway');
  const before = codes(run(['check', '--format', 'json', 'kustomize-repo']));
  assert.equal(before.length, 1, 'istio-system/edge is missing; edge is found in "default"');
  // kustomize's extensionless file name, and a base listed by an outer kustomization that sets the namespace.
  fs.writeFileSync(path.join(root, 'gateway', 'Kustomization'), 'resources:\n- gateway.yaml\n');
  fs.writeFileSync(path.join(root, 'kustomization.yaml'), 'namespace: istio-system\nresources:\n- gateway\n- https://github.com/example/remote//base\n');
  const after = codes(run(['check', '--format', 'json', 'kustomize-repo']));
  assert.equal(after.length, 1, 'now edge is missing in "default", and istio-system/edge is found');
  assert.match(
    after[0].message,
    /^No Gateway "edge" in namespace "default" \(assumed: metadata\.namespace is not set\); it exists in "istio-system" \(from \.\.\/kustomization\.yaml\)/,
  );
  const text = run(['check', 'kustomize-repo']);
  assert.doesNotMatch(text.stdout, /Kustomization:|kustomization\.yaml:/, 'kustomization files get no findings');
});

test('--clusters with a file glob: alternative steps applied one at a time are separate meshes', () => {
  const vs = (name: string) =>
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
    `${name}\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n`;
  const root = path.join(dir, 'steps-repo');
  fs.mkdirSync(path.join(root, 'steps'), { recursive: true });
  fs.writeFileSync(path.join(root, 'steps', 'step1.yaml'), vs('reviews-v1'));
  fs.writeFileSync(path.join(root, 'steps', 'step2.yaml'), vs('reviews-v2'));
  const together = JSON.parse(run(['check', '--format', 'json', 'steps-repo']).stdout) as { code: string; message: string }[];
  const duplicates = together.filter((f) => f.code === 'vs-duplicate-mesh-host');
  assert.equal(duplicates.length, 2);
  assert.match(
    duplicates[0].message,
    /If the files are alternatives applied one at a time \(a tutorial's steps\), make each its own mesh with istioEgress\.clusters/,
  );
  const apart = JSON.parse(run(['check', '--format', 'json', '--clusters', 'steps/*.yaml', 'steps-repo']).stdout) as { code: string }[];
  assert.deepEqual(
    apart.filter((f) => f.code === 'vs-duplicate-mesh-host'),
    [],
  );
});

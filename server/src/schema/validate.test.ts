/**
 * What users see from schema validation: the code, the words and the exact place of each finding,
 * and the did-you-mean fix applied to the text. Also: the Istio docs corpus stays clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from '../model';
import { applyEdits } from '../edits/yaml-edits';
import { parseFile } from '../parse/parse';
import { loadSchemaStore } from '../node/schemas';
import { fixSchemaFinding, schemaHash, usePrecompiledValidators, validateResource, type PrecompiledValidator } from './validate';
import { WorkspaceIndex } from '../index/workspace-index';
import { Checker } from '../check/checker';
import { DEFAULT_SETTINGS } from '../settings';
import { errorReporter } from '../faults';
import { needsShared, sharedPath } from '../shared-corpus';

const store = loadSchemaStore();
const CORPUS = sharedPath('corpus', 'istio-docs');

interface Seen extends Finding {
  /** 1-based line and column of the finding's start. */
  line: number;
  column: number;
  /** The text the finding covers. */
  covered: string;
}

function check(text: string): Seen[] {
  const file = parseFile('file:///test.yaml', text);
  return file.resources
    .flatMap((r) => validateResource(r, store))
    .map((f) => {
      const before = text.slice(0, f.start);
      const line = before.split('\n').length;
      const column = f.start - (before.lastIndexOf('\n') + 1) + 1;
      return { ...f, line, column, covered: text.slice(f.start, f.end) };
    });
}

function only(findings: Seen[], code: string): Seen {
  const hits = findings.filter((f) => f.code === code);
  assert.equal(
    hits.length,
    1,
    `expected one ${code}, got: ${JSON.stringify(
      findings.map((f) => `${f.code} ${f.message}`),
      null,
      1,
    )}`,
  );
  return hits[0];
}

/** Applies every offered fix (later edits first) and returns the new text. */
function applyFixes(text: string, findings: Finding[]): string {
  const edits = findings.flatMap((f) => fixSchemaFinding(f, text)).flatMap((fix) => fix.edits);
  return applyEdits(text, edits);
}

const VS_TLS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: google
spec:
  hosts:
  - www.google.com
  tls:
  - match:
    - port: 443
      sniHost:
      - www.google.com
    route:
    - destination:
        host: www.google.com
`;

test('unknown field: did you mean, allowed fields, on the key', () => {
  const f = only(check(VS_TLS), 'schema-unknown-field');
  assert.equal(f.severity, 'error');
  assert.equal(
    f.message,
    'Unknown field "sniHost" in VirtualService tls match. Did you mean "sniHosts"? ' +
      'Allowed fields: destinationSubnets, gateways, port, sniHosts, sourceLabels, sourceNamespace.',
  );
  assert.deepEqual([f.line, f.column, f.covered], [11, 7, 'sniHost']);
  assert.deepEqual(f.data, { suggestion: 'sniHosts' });
  // The misspelt field is also the missing required one: one finding, not two.
  assert.equal(check(VS_TLS).length, 1);
});

test('unknown field: snake_case is matched to camelCase', () => {
  const text = VS_TLS.replace('sniHost:', 'sni_hosts:');
  const f = only(check(text), 'schema-unknown-field');
  assert.match(f.message, /^Unknown field "sni_hosts" in VirtualService tls match\. Did you mean "sniHosts"\?/);
  assert.deepEqual([f.line, f.column, f.covered], [11, 7, 'sni_hosts']);
  assert.deepEqual(f.data, { suggestion: 'sniHosts' });
});

test('the quick fix renames the key and the resource validates clean', () => {
  const findings = check(VS_TLS);
  const fixes = fixSchemaFinding(findings[0], VS_TLS);
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0].title, 'Change to "sniHosts"');
  assert.equal(fixes[0].isPreferred, true);
  assert.equal(fixes[0].fixAllSafe, true);
  const fixed = applyFixes(VS_TLS, findings);
  assert.equal(fixed, VS_TLS.replace('sniHost:', 'sniHosts:'));
  assert.deepEqual(check(fixed), []);
});

test('the quick fix keeps the quotes a value is written in, and escapes inside them as YAML requires', () => {
  const text = 'a: "MESH_EXTENAL"\nb: \'REGISTER_ONLY\'\n';
  const inner = (word: string) => ({ start: text.indexOf(word), end: text.indexOf(word) + word.length });
  const fix = (word: string, suggestion: string) =>
    applyEdits(
      text,
      fixSchemaFinding({ code: 'schema-enum', data: { suggestion }, ...inner(word) }, text).flatMap((f) => f.edits),
    );
  assert.equal(fix('MESH_EXTENAL', 'MESH_EXTERNAL'), 'a: "MESH_EXTERNAL"\nb: \'REGISTER_ONLY\'\n');
  assert.equal(fix('REGISTER_ONLY', 'REGISTRY_ONLY'), 'a: "MESH_EXTENAL"\nb: \'REGISTRY_ONLY\'\n');
  // Replacing only the inside of the quotes would write a"b into "...", which YAML reads differently.
  assert.equal(fix('MESH_EXTENAL', 'a"b'), 'a: "a\\"b"\nb: \'REGISTER_ONLY\'\n');
  assert.equal(fix('REGISTER_ONLY', "it's"), "a: \"MESH_EXTENAL\"\nb: 'it''s'\n");
});

const SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: httpbin-ext
spec:
  hosts:
  - httpbin.org
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: DNS
  location: MESH_EXTENAL
`;

test('enum: allowed values and did you mean, on the value', () => {
  const f = only(check(SE), 'schema-enum');
  assert.equal(f.message, '"MESH_EXTENAL" is not a valid location. Allowed values: MESH_EXTERNAL, MESH_INTERNAL. Did you mean "MESH_EXTERNAL"?');
  assert.deepEqual([f.line, f.column, f.covered], [13, 13, 'MESH_EXTENAL']);
  assert.deepEqual(f.data, { suggestion: 'MESH_EXTERNAL' });
  assert.deepEqual(check(applyFixes(SE, [f])), []);
});

test('a quoted value keeps its quotes after the fix', () => {
  for (const q of ['"', "'"]) {
    const text = SE.replace('MESH_EXTENAL', `${q}MESH_EXTENAL${q}`);
    const f = only(check(text), 'schema-enum');
    assert.deepEqual([f.line, f.column, f.covered], [13, 14, 'MESH_EXTENAL']);
    const fixed = applyFixes(text, [f]);
    assert.match(fixed, new RegExp(`location: ${q}MESH_EXTERNAL${q}\\n`));
    assert.deepEqual(check(fixed), []);
  }
});

test('enum: a case slip is matched', () => {
  const f = only(check(SE.replace('MESH_EXTENAL', 'MESH_EXTERNAL').replace('resolution: DNS', 'resolution: dns')), 'schema-enum');
  assert.match(f.message, /^"dns" is not a valid resolution\. Allowed values: NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS\. Did you mean "DNS"\?$/);
});

test('required: a ServiceEntry without hosts, on the spec key', () => {
  const text = SE.replace('  hosts:\n  - httpbin.org\n', '').replace('MESH_EXTENAL', 'MESH_EXTERNAL');
  const f = only(check(text), 'schema-required');
  assert.equal(f.message, 'Missing required field "hosts".');
  assert.deepEqual([f.line, f.column, f.covered], [5, 1, 'spec']);
  assert.equal(f.data, undefined);
});

test('required: an empty "hosts:" carries the finding itself', () => {
  const text = SE.replace('  - httpbin.org\n', '').replace('MESH_EXTENAL', 'MESH_EXTERNAL');
  const f = only(check(text), 'schema-required');
  assert.deepEqual([f.line, f.column, f.covered], [6, 3, 'hosts']);
});

test('required: a list item without a key sits on its first key; the document root on kind', () => {
  const text = SE.replace('    name: http\n', '').replace('MESH_EXTENAL', 'MESH_EXTERNAL');
  const f = only(check(text), 'schema-required');
  assert.equal(f.message, 'Missing required field "name".');
  assert.deepEqual([f.line, f.column, f.covered], [9, 5, 'number']);

  const noMetadata = 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nspec: {}\n';
  const g = only(check(noMetadata), 'schema-required');
  assert.equal(g.message, 'Missing required field "metadata".');
  assert.deepEqual([g.line, g.column, g.covered], [2, 7, 'Sidecar']);
});

test('type: a quoted port number', () => {
  const text = SE.replace('number: 80', 'number: "80"').replace('MESH_EXTENAL', 'MESH_EXTERNAL');
  const f = only(check(text), 'schema-type');
  assert.match(f.message, /^Expected an integer, got a string \("80"\)\./);
  assert.deepEqual([f.line, f.column, f.covered], [9, 14, '80']);
});

test('type: label values, nested values and int-or-string fields', () => {
  const text = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: x
  labels:
    version: 1.0
spec:
  hosts: [a.example.com]
  workloadSelector:
    labels:
      app: [x]
status:
  observedGeneration: [1]
`;
  const findings = check(text);
  assert.equal(findings.length, 3, JSON.stringify(findings));
  assert.equal(findings[0].message, 'Expected a string, got a number (1). Put it in quotes to make it a string.');
  assert.deepEqual([findings[0].line, findings[0].column], [6, 14]);
  assert.equal(findings[1].code, 'schema-type');
  assert.deepEqual([findings[1].line, findings[1].column, findings[1].covered], [11, 12, '[x]']);
  assert.equal(findings[2].message, 'Expected an integer or a string, got a list.');
  assert.deepEqual([findings[2].code, findings[2].line, findings[2].covered], ['schema-type', 13, '[1]']);
});

test('value limits name the field and the limit', () => {
  const text = SE.replace('MESH_EXTENAL', 'MESH_EXTERNAL').replace('  hosts:\n  - httpbin.org\n', '  hosts: []\n');
  const f = only(check(text), 'schema-value');
  assert.equal(f.message, '"hosts" must have at least 1 item; it has 0.');
  assert.deepEqual([f.line, f.column, f.covered], [6, 10, '[]']);
});

test('CEL: a wildcard host', () => {
  const text = SE.replace('  hosts:\n  - httpbin.org\n', '  hosts: ["*"]\n').replace('MESH_EXTENAL', 'MESH_EXTERNAL');
  const f = only(check(text), 'schema-cel');
  assert.equal(f.message, 'Hostname cannot be wildcard.');
  assert.deepEqual([f.line, f.column, f.covered], [6, 12, '*']);
});

test('CEL: duplicate port numbers, on the ports key', () => {
  const text = SE.replace('MESH_EXTENAL', 'MESH_EXTERNAL').replace('  resolution:', '  - number: 80\n    name: http-alt\n  resolution:');
  const f = only(check(text), 'schema-cel');
  assert.equal(f.message, 'Port number cannot be duplicated.');
  assert.deepEqual([f.line, f.column, f.covered], [8, 3, 'ports']);
});

test('CEL: workloadSelector with endpoints, on the spec key', () => {
  const text = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: x
spec:
  hosts: [a.example.com]
  resolution: STATIC
  workloadSelector:
    labels:
      app: x
  endpoints:
  - address: 10.0.0.1
`;
  const f = only(check(text), 'schema-cel');
  assert.equal(f.message, 'Only one of WorkloadSelector or Endpoints can be set.');
  assert.deepEqual([f.line, f.column, f.covered], [5, 1, 'spec']);
});

test('CEL: a duration below 1ms and a rule that cannot be evaluated', () => {
  const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: x
spec:
  host: a.example.com
  trafficPolicy:
    connectionPool:
      tcp:
        connectTimeout: 0.5ms
      http:
        idleTimeout: not-a-duration
`;
  const f = only(check(text), 'schema-cel');
  assert.equal(f.message, 'Must be a valid duration greater than 1ms.');
  assert.deepEqual([f.line, f.column, f.covered], [10, 25, '0.5ms']);
});

test('oneOf: mutually exclusive load balancer settings become one message', () => {
  const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: x
spec:
  host: a.example.com
  trafficPolicy:
    loadBalancer:
      simple: ROUND_ROBIN
      consistentHash:
        httpHeaderName: x-user
`;
  const findings = check(text);
  assert.equal(findings.length, 1, JSON.stringify(findings));
  const f = only(findings, 'schema-one-of');
  assert.equal(f.message, 'Only one of "simple" and "consistentHash" may be set.');
  assert.deepEqual([f.line, f.column, f.covered], [10, 7, 'consistentHash']);
});

test('unknown kind and unserved version, with did you mean', () => {
  const version = only(check('apiVersion: networking.istio.io/v2\nkind: ServiceEntry\nmetadata: {name: a}\nspec: {hosts: [a]}\n'), 'schema-unknown-kind');
  assert.equal(
    version.message,
    'ServiceEntry is not served at networking.istio.io/v2. Served versions: v1, v1alpha3, v1beta1. Did you mean "networking.istio.io/v1"?',
  );
  assert.deepEqual([version.line, version.column, version.covered], [1, 13, 'networking.istio.io/v2']);
  assert.deepEqual(version.data, { suggestion: 'networking.istio.io/v1' });

  const kindText = 'apiVersion: networking.istio.io/v1\nkind: "ServiceEntri"\nmetadata: {name: a}\nspec: {hosts: [a]}\n';
  const kind = only(check(kindText), 'schema-unknown-kind');
  assert.match(
    kind.message,
    /^Unknown kind "ServiceEntri" in networking\.istio\.io\. Did you mean "ServiceEntry"\? Known kinds: DestinationRule, EnvoyFilter, Gateway, /,
  );
  assert.deepEqual([kind.line, kind.column, kind.covered], [2, 8, 'ServiceEntri']);
  const fixed = applyFixes(kindText, [kind]);
  assert.match(fixed, /kind: "ServiceEntry"\n/);
  assert.deepEqual(check(fixed), []);

  const elsewhere = only(check('apiVersion: networking.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a}\n'), 'schema-unknown-kind');
  assert.deepEqual(elsewhere.data, { suggestion: 'security.istio.io/v1' });

  const group = only(check('apiVersion: networkng.istio.io/v1\nkind: Sidecar\nmetadata: {name: a}\n'), 'schema-unknown-kind');
  assert.deepEqual(group.data, { suggestion: 'networking.istio.io/v1' });

  // Istio groups without schemas here, and other groups, are left alone.
  assert.deepEqual(check('apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: a}\nspec: {}\n'), []);
  assert.deepEqual(check('apiVersion: example.com/v1\nkind: ServiceEntri\nmetadata: {name: a}\n'), []);
});

test('mesh config in an IstioOperator: REGISTER_ONLY', () => {
  const text = `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  meshConfig:
    outboundTrafficPolicy:
      mode: REGISTER_ONLY
`;
  const f = only(check(text), 'schema-enum');
  assert.equal(f.message, '"REGISTER_ONLY" is not a valid mode. Allowed values: ALLOW_ANY, REGISTRY_ONLY. Did you mean "REGISTRY_ONLY"?');
  assert.deepEqual([f.line, f.column, f.covered], [6, 13, 'REGISTER_ONLY']);
  assert.deepEqual(check(applyFixes(text, [f])), []);
});

test('mesh config in the istio ConfigMap with CRLF line endings', () => {
  const text = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: istio',
    '  namespace: istio-system',
    'data:',
    '  mesh: |-',
    '    accessLogFile: /dev/stdout',
    '    outboundTrafficPolicy:',
    '      mode: "REGISTER_ONLY"',
    '      egressProxy:',
    '        hots: egress.example.com',
    '',
  ].join('\r\n');
  const findings = check(text);
  assert.equal(findings.length, 2, JSON.stringify(findings));
  const mode = only(findings, 'schema-enum');
  assert.deepEqual([mode.line, mode.column, mode.covered], [10, 14, 'REGISTER_ONLY']);
  const field = only(findings, 'schema-unknown-field');
  assert.equal(
    field.message,
    'Unknown field "hots" in mesh config outboundTrafficPolicy egressProxy. Did you mean "host"? Allowed fields: host, port, subset.',
  );
  assert.deepEqual([field.line, field.column, field.covered], [12, 9, 'hots']);
  const fixed = applyFixes(text, findings);
  assert.match(fixed, /mode: "REGISTRY_ONLY"\r\n/);
  assert.match(fixed, / {8}host: egress\.example\.com\r\n/);
  assert.deepEqual(check(fixed), []);
});

test('multi-document file: each document uses its own schema', () => {
  const text = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: a
spec:
  hosts: [a.example.com]
  host: a.example.com
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: a
spec:
  host: a.example.com
  hosts: [a.example.com]
---
apiVersion: v1
kind: Service
metadata:
  name: plain
spec:
  anything: goes
`;
  const findings = check(text);
  assert.deepEqual(
    findings.map((f) => [f.code, f.line, f.covered, f.message.split('.')[0]]),
    [
      ['schema-unknown-field', 7, 'host', 'Unknown field "host" in ServiceEntry spec'],
      ['schema-unknown-field', 15, 'hosts', 'Unknown field "hosts" in DestinationRule spec'],
    ],
  );
});

test('unknown top-level fields and a Sidecar without spec', () => {
  const findings = check('apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: a}\nspecs: {}\n');
  const f = only(findings, 'schema-unknown-field');
  assert.match(
    f.message,
    /^Unknown field "specs" at the top level of Sidecar\. Did you mean "spec"\? Allowed fields: apiVersion, kind, metadata, spec, status\.$/,
  );
});

test('never throws on odd input', () => {
  const odd = [
    'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: [1]\nspec: 5\n',
    'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n',
    'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: a}\nspec: {hosts: [null, 1, {a: b}], ports: [{number: x}, 5]}\n',
    'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: a}\nspec: {hosts: [a], ports: {a: 1}, endpoints: [{address: "unix://"}]}\n',
    'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: &a a}\nspec: {host: ' +
      '*a, trafficPolicy: {loadBalancer: {simple: [1], consistentHash: 2}}}\n',
  ];
  for (const text of odd) assert.doesNotThrow(() => check(text));
  const broken = { ...parseFile('x', odd[0]).resources[0] };
  broken.value = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    get spec(): never {
      throw new Error('boom');
    },
  };
  assert.deepEqual(validateResource(broken, store), []);
});

test('a schema validator that throws is logged once with the file and code, and the other findings stay', () => {
  const fresh = loadSchemaStore();
  const file = 'networking.istio.io/v1/ServiceEntry.json';
  const throwing = Object.assign(
    (): boolean => {
      throw new Error('too much recursion in ServiceEntry validation');
    },
    { errors: null },
  ) as unknown as PrecompiledValidator['validate'];
  usePrecompiledValidators({ [file]: { hash: schemaHash(fresh.schemaFile(file)), validate: throwing } });
  try {
    const index = new WorkspaceIndex();
    const se = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n';
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n  tls: 5\n';
    const text = `${se}---\n${vs}`;
    index.setFile(parseFile('file:///ws/both.yaml', text));
    index.setFile(parseFile('file:///ws/se.yaml', se));
    const log: string[] = [];
    const checker = new Checker(
      index,
      fresh,
      DEFAULT_SETTINGS,
      errorReporter((m) => log.push(m)),
    );
    const both = checker.findings('file:///ws/both.yaml');
    assert.ok(
      both.some((f) => f.code === 'schema-type' && f.start === text.indexOf('tls: 5') + 5),
      `the VirtualService in the same file keeps its finding:\n${JSON.stringify(both)}`,
    );
    checker.findings('file:///ws/se.yaml');
    assert.equal(log.length, 1, `one message for the same fault in two files:\n${log.join('\n')}`);
    assert.match(log[0], /^Istio Egress: schema failed on file:\/\/\/ws\/both\.yaml: too much recursion in ServiceEntry validation\./);
  } finally {
    usePrecompiledValidators({});
  }
});

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

test('docs corpus: every file outside legacy/ has zero schema findings', needsShared('corpus', 'istio-docs'), () => {
  const files = yamlFiles(CORPUS).filter((f) => !path.relative(CORPUS, f).startsWith('legacy'));
  assert.ok(files.length > 50);
  let resources = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const parsed = parseFile(file, text);
    assert.deepEqual(parsed.problems, [], file);
    resources += parsed.resources.length;
    const findings = parsed.resources.flatMap((r) => validateResource(r, store));
    assert.deepEqual(
      findings.map((f) => `${f.code}: ${f.message}`),
      [],
      path.relative(CORPUS, file),
    );
  }
  assert.ok(resources > 80);
});

test('docs corpus: the legacy proxy task flags sni_hosts', needsShared('corpus', 'istio-docs'), () => {
  const folder = path.join(CORPUS, 'legacy', 'proxy', 'ingress-gateway-as-external-proxy');
  const findings = yamlFiles(folder).flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    return parseFile(file, text).resources.flatMap((r) => validateResource(r, store));
  });
  assert.ok(findings.length >= 1);
  for (const f of findings) {
    assert.equal(f.code, 'schema-unknown-field');
    assert.match(f.message, /^Unknown field "sni_hosts" in VirtualService tls match\. Did you mean "sniHosts"\?/);
    assert.deepEqual(f.data, { suggestion: 'sniHosts' });
  }
});

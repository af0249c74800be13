/**
 * The CEL rules of the Istio CRDs: the Kubernetes functions they use, the rules that must be
 * skipped rather than misreported, and where a failed rule points.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaStore } from '../node/schemas';
import { celProblems, evaluateRule, parseFieldPath, parseRequestUri, sentence } from './cel';
import type { JsonSchema } from './catalogue';

const store = loadSchemaStore();

/** Every distinct rule in the bundled schemas. */
function allRules(): string[] {
  const rules = new Set<string>();
  const walk = (s: unknown): void => {
    if (Array.isArray(s)) return s.forEach(walk);
    if (!s || typeof s !== 'object') return;
    for (const [k, v] of Object.entries(s)) {
      if (k === 'x-kubernetes-validations' && Array.isArray(v)) for (const r of v) rules.add(r.rule);
      else if (k === 'properties') Object.values(v as object).forEach(walk);
      else if (k !== 'enum' && k !== 'required') walk(v);
    }
  };
  for (const e of store.catalogue.kinds) walk(store.schemaFile(e.file));
  return [...rules];
}

test('every CRD rule parses, plans and runs on a sample value without an unbound function', () => {
  const rules = allRules();
  assert.ok(rules.length > 30, `${rules.length} rules`);
  const samples: unknown[] = ['http://example.com', 80, { a: 'b' }, { '80': 'b' }, [{ number: 80 }], '5s'];
  for (const rule of rules) {
    const results = samples.map((s) => evaluateRule(rule, s));
    assert.ok(
      results.some((r) => r !== undefined),
      `rule never evaluates: ${rule}`,
    );
  }
});

test('Kubernetes URL functions follow url.ParseRequestURI', () => {
  const rule =
    'isURL(self) ? (url(self).getScheme() in ["", "http", "https", "file", "oci"]) : ' +
    '(isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "file", "oci"])';
  assert.equal(evaluateRule(rule, 'oci://ghcr.io/istio/plugin:1.0'), true);
  assert.equal(evaluateRule(rule, 'ghcr.io/istio/plugin:1.0'), true);
  assert.equal(evaluateRule(rule, 'file:///opt/filter.wasm'), true);
  assert.equal(evaluateRule(rule, 'ftp://example.com/filter.wasm'), false);
  assert.equal(evaluateRule('url(self).getScheme() in ["http", "https"]', 'https://example.com/.well-known/jwks.json'), true);
  assert.equal(evaluateRule('url(self).getScheme() in ["http", "https"]', 'example.com/jwks.json'), undefined);
  assert.deepEqual(parseRequestUri('https://user@[::1]:8443/a?b=c'), { scheme: 'https', host: '[::1]:8443', hostname: '::1', port: '8443', path: '/a' });
  assert.equal(parseRequestUri('http://a b/'), undefined);
  assert.equal(parseRequestUri('relative/path'), undefined);
  assert.equal(parseRequestUri('/absolute/path')?.path, '/absolute/path');
});

test('strings extension, macros and conversions used by the rules', () => {
  const uds = 'self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true';
  assert.equal(evaluateRule(uds, 'unix:///var/run/sock'), true);
  assert.equal(evaluateRule(uds, 'unix://relative'), false);
  const dup = 'self.all(l1, self.exists_one(l2, l1.number == l2.number))';
  assert.equal(evaluateRule(dup, [{ number: 80 }, { number: 443 }]), true);
  assert.equal(evaluateRule(dup, [{ number: 80 }, { number: 80 }]), false);
  const ports = 'self.all(key, 0 < int(key) && int(key) <= 65535)';
  assert.equal(evaluateRule(ports, { '8080': {} }), true);
  assert.equal(evaluateRule(ports, { '70000': {} }), false);
  const names = 'self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))';
  assert.equal(evaluateRule(names, { http: 80 }), true);
  assert.equal(evaluateRule(names, { http_1: 80 }), false);
  assert.equal(evaluateRule("duration(self) >= duration('1ms')", '10s'), true);
  assert.equal(evaluateRule("duration(self) >= duration('1ms')", '100us'), false);
});

test('rules that cannot run are skipped: errors, oldSelf, unknown functions, non-booleans', () => {
  assert.equal(evaluateRule('self.missing == 1', {}), undefined);
  assert.equal(evaluateRule('self == oldSelf', 'a'), undefined);
  assert.equal(evaluateRule('quantity(self).isGreaterThan(quantity("1"))', '2'), undefined);
  assert.equal(evaluateRule('self +', 'a'), undefined);
  assert.equal(evaluateRule('self', 'a'), undefined);
  assert.equal(evaluateRule("duration(self) >= duration('1ms')", 'soon'), undefined);
});

test('celProblems walks properties, maps and lists, and honours fieldPath and messageExpression', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      hosts: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self != "*"', message: 'hostname cannot be wildcard' }] } },
      labels: {
        type: 'object',
        additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: '!self.contains("*")', message: 'no wildcards' }] },
      },
      port: {
        type: 'integer',
        'x-kubernetes-validations': [{ rule: '0 < self && self <= 65535', messageExpression: '"port " + string(self) + " is out of range"' }],
      },
    },
    'x-kubernetes-validations': [
      { rule: 'has(self.hosts)', message: 'hosts are needed', fieldPath: ".hosts['x']" },
      { rule: 'self.x == 1', message: 'never reported: x is missing' },
    ],
  };
  const problems = celProblems(schema, { hosts: ['a', '*'], labels: { app: 'a*' }, port: 70000 });
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      [['hosts', 1], 'Hostname cannot be wildcard.'],
      [['labels', 'app'], 'No wildcards.'],
      [['port'], 'Port 70000 is out of range.'],
    ],
  );
  assert.deepEqual(
    celProblems(schema, {}).map((p) => [p.path, p.message]),
    [[['hosts', 'x'], 'Hosts are needed.']],
  );
  // A value of the wrong type is left to the schema's type check.
  assert.deepEqual(celProblems(schema, { hosts: '*', port: 'x' }), []);
});

test('messages and field paths', () => {
  assert.equal(sentence('only one of WorkloadSelector or Endpoints can be set'), 'Only one of WorkloadSelector or Endpoints can be set.');
  assert.equal(sentence('Done!'), 'Done!');
  assert.deepEqual(parseFieldPath('.spec.ports[0]'), ['spec', 'ports', 0]);
  assert.deepEqual(parseFieldPath(".a['b.c']"), ['a', 'b.c']);
  assert.equal(parseFieldPath('spec'), undefined);
});

test('a rule gives the same verdict through celProblems, which remembers results, as evaluated afresh on every value', () => {
  // Values that differ only in fields a rule may or may not read, each seen twice, and values that read the same to a rule.
  const values: unknown[] = [
    { resolution: 'NONE', endpoints: [{ address: '1.2.3.4' }] },
    { resolution: 'NONE', hosts: ['a.example.com'] },
    { resolution: 'DNS', endpoints: [{ address: '1.2.3.4' }] },
    { resolution: 'STATIC', endpoints: [] },
    { resolution: 'DNS', hosts: ['a.example.com'], addresses: ['10.0.0.0/8'], ports: [{ number: 80 }, { number: 80 }] },
    { resolution: 'DNS', hosts: ['b.example.com'], addresses: ['10.0.0.1'], ports: [{ number: 80 }, { number: 443 }] },
    { credentialName: 'a', credentialNames: ['b'] },
    { credentialName: 'a', tlsCertificates: [{}] },
    { workloadSelector: { labels: { app: 'a' } }, endpoints: [{}] },
    [{ number: 80 }, { number: 80 }],
    [{ number: 80 }, { number: 443 }],
    '*',
    'example.com',
    80,
    70000,
    -0,
    0,
  ];
  for (const rule of allRules()) {
    const schema: JsonSchema = { 'x-kubernetes-validations': [{ rule, message: 'no' }] };
    for (const value of [...values, ...values]) {
      assert.equal(celProblems(schema, value).length > 0, evaluateRule(rule, value) === false, `${rule} on ${JSON.stringify(value)}`);
    }
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  exportToProblems,
  fqdnProblem,
  headerNameProblem,
  ipSubnetProblem,
  isIpAddress,
  isPartialWildcard,
  isValidCipherSuite,
  labelKeyProblem,
  parseProtocol,
  regexProblem,
  wildcardDomainProblem,
  durationMs,
} from './istio-names';

test('domains: FQDNs, wildcard first labels, numeric top-level labels, trailing dots', () => {
  assert.equal(fqdnProblem('edition.cnn.com'), undefined);
  assert.equal(fqdnProblem('istio.io.'), undefined);
  assert.equal(fqdnProblem('reviews'), undefined);
  assert.match(fqdnProblem('*.wikipedia.org')!, /label "\*"/);
  assert.match(fqdnProblem('10.0.0.1')!, /all digits/);
  assert.match(fqdnProblem('')!, /empty/);
  assert.equal(wildcardDomainProblem('*.wikipedia.org'), undefined);
  assert.equal(wildcardDomainProblem('*'), undefined);
  assert.equal(wildcardDomainProblem('*foo.example.com'), undefined);
  assert.match(wildcardDomainProblem('foo.*.example.com')!, /label "\*"/);
  assert.match(wildcardDomainProblem('bad_host.example.com')!, /bad_host/);
  assert.ok(isPartialWildcard('*example.com'));
  assert.ok(!isPartialWildcard('*.example.com'));
  assert.ok(!isPartialWildcard('*'));
});

test('addresses: IPv4, IPv6 and CIDR blocks as Go parses them', () => {
  for (const ip of ['10.0.0.1', '0.0.0.0', '::1', '::', '2001:db8::1', '::ffff:10.0.0.1', 'fe80::1%eth0']) assert.ok(isIpAddress(ip), ip);
  for (const ip of [
    '10.0.0.300',
    '010.0.0.1',
    '1.2.3',
    '0x0a.0.0.1',
    '2001:db8:::1',
    'example.com',
    '1:2:3:4:5:6:7:8:9',
    '1::2:3:4:5:6:7:8',
    '::ffff:1.2.3.04',
    'fe80::1%',
  ])
    assert.ok(!isIpAddress(ip), ip);
  assert.ok(isIpAddress('1:2:3:4:5:6:1.2.3.4'));
  assert.match(ipSubnetProblem('fe80::1%eth0/64')!, /CIDR/);
  assert.match(ipSubnetProblem('10.0.0.0/')!, /CIDR/);
  assert.equal(ipSubnetProblem('172.30.109.95/32'), undefined);
  assert.equal(ipSubnetProblem('2001:db8::/32'), undefined);
  assert.match(ipSubnetProblem('10.0.0.0/33')!, /CIDR/);
  assert.match(ipSubnetProblem('10.0.0.0/8/8')!, /IP address/);
});

test('protocols, labels, headers and cipher suites', () => {
  assert.equal(parseProtocol('https'), 'HTTPS');
  assert.equal(parseProtocol('grpc-web'), 'GRPC-Web');
  assert.equal(parseProtocol('HTTP3'), undefined);
  assert.equal(labelKeyProblem('app.kubernetes.io/name'), undefined);
  assert.ok(labelKeyProblem('bad key'));
  assert.ok(labelKeyProblem('bad_prefix!/name'));
  assert.equal(headerNameProblem('@request.auth.claims.group'), undefined);
  assert.equal(headerNameProblem(':authority'), undefined);
  assert.ok(headerNameProblem('bad header'));
  assert.ok(isValidCipherSuite('ECDHE-RSA-AES128-GCM-SHA256'));
  assert.ok(isValidCipherSuite('[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]'));
  assert.ok(!isValidCipherSuite('NOT-A-CIPHER'));
});

test('regexes: RE2 syntax exactly, as re2js (a port of RE2) parses it, with plain words for other dialects', () => {
  for (const re of ['^/api/v[0-9]+$', '(?i)^admin', '(?P<version>v[0-9])', 'a\\z', '', '[[:alpha:]]+', '\\pL', 'a{2,1000}'])
    assert.equal(regexProblem(re), undefined, re);
  // JavaScript accepts these; RE2 (so Envoy) rejects them.
  for (const re of ['a{1001}', 'a\\Z', '\\u0041', '[[:foo:]]', '\\cA']) assert.match(regexProblem(re) ?? '', /not a valid RE2 regex/, re);
  assert.match(regexProblem('(?=a)b')!, /lookahead/);
  assert.match(regexProblem('(a)\\1')!, /backreferences/);
  assert.match(regexProblem('(')!, /not a valid RE2 regex/);
  assert.match(regexProblem('a'.repeat(1025))!, /too long/);
});

test('exportTo: duplicates (with "." as the own namespace), "~" only on ServiceEntries, "*" alone', () => {
  assert.deepEqual(exportToProblems('shop', ['.', 'istio-system'], false, false), []);
  assert.deepEqual(
    exportToProblems('shop', ['.', 'shop'], false, false).map((p) => p.rule),
    ['exportto-duplicate'],
  );
  assert.deepEqual(
    exportToProblems('shop', ['~'], false, false).map((p) => p.rule),
    ['exportto-none'],
  );
  assert.deepEqual(exportToProblems('shop', ['~'], true, false), []);
  assert.deepEqual(
    exportToProblems('shop', ['*', 'other'], false, false).map((p) => p.rule),
    ['exportto-public-mixed'],
  );
  assert.deepEqual(
    exportToProblems('shop', ['other'], false, true).map((p) => p.rule),
    ['exportto-selector'],
  );
});

test('durations', () => {
  assert.equal(durationMs('1.5s'), 1500);
  assert.equal(durationMs('1h30m'), 5400000);
  assert.equal(durationMs('100ms'), 100);
  assert.equal(durationMs('soon'), undefined);
});

/** Istio's label checks as written in `validation.go` (split on dots, a regular expression per label), to hold the quick reading to. */
function referenceLabelsValid(domain: string): boolean {
  const parts = domain.split('.');
  if (/^\d+$/.test(parts[parts.length - 1])) return false;
  return parts.every((p, i) => (i === parts.length - 1 && p === '') || (p.length <= 63 && /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(p)));
}

test('domains: the character-by-character reading finds what splitting into labels finds, over every short name of a tricky alphabet', () => {
  const alphabet = ['a', 'Z', '0', '-', '.', '_', '*', 'é'];
  const names: string[] = [''];
  for (let length = 1; length <= 5; length++) {
    const previous = names.filter((n) => n.length === length - 1);
    for (const n of previous) for (const c of alphabet) names.push(n + c);
  }
  names.push(`${'a'.repeat(63)}.com`, `${'a'.repeat(64)}.com`, `x.${'b'.repeat(63)}`, `x.${'b'.repeat(64)}`, '1.2.3.', '1.2.3', 'a-.b', 'a.-b');
  for (const name of names) {
    // fqdnProblem's answer is undefined exactly when the labels are valid (names of 1 to 255 characters).
    if (name.length === 0) continue;
    assert.equal(fqdnProblem(name) === undefined, referenceLabelsValid(name), JSON.stringify(name));
    const dot = name.indexOf('.');
    const first = name.slice(0, dot);
    if (dot >= 0 && first.length <= 63 && /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/.test(first)) {
      assert.equal(wildcardDomainProblem(name) === undefined, referenceLabelsValid(name.slice(dot + 1)), JSON.stringify(name));
    }
  }
});

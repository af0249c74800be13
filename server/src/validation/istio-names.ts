/**
 * The name, address and protocol rules of Istio's own validation (the webhook and `istioctl analyze`
 * IST0106/IST0133), written once for the per-kind `*-invalid` analyzers: DNS-1123 labels, FQDNs and
 * wildcard domains, partial wildcards, IP addresses and CIDR blocks, port numbers and names, protocols,
 * Kubernetes label keys and values, exportTo lists, and RE2 regular expressions.
 * It returns problems as plain words; where each problem sits in a file is the analyzers' business.
 */
import ipaddr from 'ipaddr.js';
import { RE2JS } from 're2js';

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const QUALIFIED_NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_PREFIX = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;

/** A DNS-1123 label as Istio checks it (letters of either case, digits and inner dashes, at most 63). */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name (`metadata.name` of most kinds): a lower-case DNS-1123 subdomain of at most 253 characters (apimachinery IsDNS1123Subdomain). */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

function isWildcardLabel(value: string): boolean {
  return value.length <= 63 && WILDCARD_LABEL.test(value);
}

function dnsPreconditionProblem(name: string): string | undefined {
  if (name.length > 255) return `"${name}" is too long for a domain name (255 characters at most)`;
  if (name.length === 0) return 'an empty domain name is not allowed';
  return undefined;
}

/**
 * Whether every dot-separated label of `domain` is a DNS-1123 label and the last is not all digits, read
 * character by character: what `labelsProblem` finds of nearly every name, without splitting it or running
 * a regular expression per label. False also for what only the full check answers (an empty label, a trailing dot).
 */
function plainLabels(domain: string): boolean {
  let start = 0;
  let digitsOnly = true;
  for (let i = 0; i <= domain.length; i++) {
    const c = i < domain.length ? domain.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const length = i - start;
      if (length === 0 || length > 63 || domain.charCodeAt(start) === 0x2d || domain.charCodeAt(i - 1) === 0x2d) return false;
      if (i === domain.length && digitsOnly) return false;
      start = i + 1;
      digitsOnly = true;
    } else if (c >= 0x30 && c <= 0x39) {
      // A digit keeps the label all digits so far.
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d) {
      digitsOnly = false;
    } else return false;
  }
  return true;
}

function labelsProblem(name: string, domain: string): string | undefined {
  if (plainLabels(domain)) return undefined;
  const parts = domain.split('.');
  const top = parts[parts.length - 1];
  if (/^\d+$/.test(top)) return `"${name}" is not a valid domain name: the top-level label "${top}" cannot be all digits`;
  for (let i = 0; i < parts.length; i++) {
    // A trailing dot (`istio.io.`) is allowed.
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isDns1123Label(parts[i])) return `"${name}" is not a valid domain name: the label "${parts[i]}" is invalid`;
  }
  return undefined;
}

/** Istio's `ValidateFQDN`: 1..255 characters, DNS-1123 labels, a top-level label that is not all digits. */
export function fqdnProblem(name: string): string | undefined {
  return dnsPreconditionProblem(name) ?? labelsProblem(name, name);
}

/** Istio's `ValidateWildcardDomain`: an FQDN whose first label may also be `*`, `*foo` or `*-foo`. */
export function wildcardDomainProblem(name: string): string | undefined {
  const pre = dnsPreconditionProblem(name);
  if (pre) return pre;
  const dot = name.indexOf('.');
  const first = dot < 0 ? name : name.slice(0, dot);
  if (!isWildcardLabel(first)) return `"${name}" is not a valid domain name: the label "${first}" is invalid`;
  return dot < 0 ? undefined : labelsProblem(name, name.slice(dot + 1));
}

/** A `*` anywhere but as the whole host or a leading `*.` label (e.g. `*example.com`). */
export function isPartialWildcard(host: string): boolean {
  return host.includes('*') && host.length !== 1 && !host.startsWith('*.');
}

/**
 * An IPv4 address as Go's `netip.ParseAddr` reads it: four decimal parts, no leading zeros (ipaddr.js
 * alone also accepts the shorthand, octal and hex forms of `inet_aton`).
 */
function isIPv4(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value);
}

/** An IPv6 address, with an optional zone; an embedded IPv4 tail is held to the same strict form. */
function isIPv6(value: string): boolean {
  if (!value.includes(':') || !ipaddr.IPv6.isValid(value)) return false;
  const tail = value.split('%')[0].split(':').pop() ?? '';
  return !tail.includes('.') || isIPv4(tail);
}

/** An IPv4 or IPv6 address (not a CIDR block), as Go's `netip.ParseAddr` accepts it. */
export function isIpAddress(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}

/** Istio's `ValidateIPSubnet`: an IP address, or a CIDR block `a.b.c.d/n` / `2001:db8::/32` (no zone). */
export function ipSubnetProblem(value: string): string | undefined {
  if (value.split('/').length !== 2) return isIpAddress(value) ? undefined : `"${value}" is not a valid IP address`;
  const [ip, bits] = value.split('/');
  const valid = (isIPv4(ip) || (isIPv6(ip) && !ip.includes('%'))) && /^\d{1,3}$/.test(bits ?? '') && ipaddr.isValidCIDR(value);
  return valid ? undefined : `"${value}" is not a valid CIDR block`;
}

/** Istio's `ValidatePort`. */
export function isValidPort(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** The protocols Istio knows (`protocol.Parse`, case-insensitive), in their canonical spelling. */
const PROTOCOLS: Record<string, string> = {
  tcp: 'TCP',
  udp: 'UDP',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  http: 'HTTP',
  http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/** The canonical protocol for a port's `protocol` value; undefined when Istio does not know it. */
export function parseProtocol(value: unknown): string | undefined {
  return typeof value === 'string' ? PROTOCOLS[value.toLowerCase()] : undefined;
}

export function isHttpProtocol(p: string | undefined): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

export function isTlsProtocol(p: string | undefined): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

/** Protocols carried over TCP without HTTP parsing: TCP itself, TLS-based and the database protocols. */
export function isTcpProtocol(p: string | undefined): boolean {
  return p === 'TCP' || p === 'HTTPS' || p === 'TLS' || p === 'Mongo' || p === 'Redis' || p === 'MySQL';
}

/** A Kubernetes label key (`[prefix/]name`) problem, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (!DNS_PREFIX.test(prefix) || prefix.length > 253))
    return `"${key}" is not a valid label key: the prefix before "/" must be a DNS name`;
  if (!QUALIFIED_NAME.test(name)) return `"${key}" is not a valid label key: use letters, digits, "-", "_" and ".", starting and ending with a letter or digit`;
  if (name.length > 63) return `"${key}" is not a valid label key: the name is longer than 63 characters`;
  return undefined;
}

function isValidLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** Problems of a Kubernetes-style label map (keys and values), each with the key it concerns. */
export function labelProblems(labels: unknown): { key: string; onValue: boolean; problem: string }[] {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return [];
  const out: { key: string; onValue: boolean; problem: string }[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(k);
    if (keyProblem) out.push({ key: k, onValue: false, problem: keyProblem });
    if (typeof v === 'string' && !isValidLabelValue(v)) out.push({ key: k, onValue: true, problem: `"${v}" is not a valid label value` });
  }
  return out;
}

/** One problem of an `exportTo` list, with the index of the entry it sits on. */
/** A problem of one `exportTo` entry, with what its message names (the analyzers word it). */
export type ExportToProblem = { index: number } & (
  | { rule: 'exportto-invalid'; args: { entry: string } }
  | { rule: 'exportto-duplicate'; args: { entry: string; namespace?: string } }
  | { rule: 'exportto-selector'; args: { namespace?: string } }
  | { rule: 'exportto-none' | 'exportto-public-mixed' | 'exportto-none-mixed'; args: Record<string, never> }
);

/**
 * Istio's `validateExportTo`: entries are `.`, `*`, `~` (ServiceEntry only) or a namespace name;
 * no duplicates (`.` counts as the resource's namespace); `*` and `~` stand alone; a
 * DestinationRule with a workloadSelector exports only to its own namespace.
 */
export function exportToProblems(namespace: string, exportTo: unknown, isServiceEntry: boolean, drWithSelector: boolean): ExportToProblem[] {
  if (!Array.isArray(exportTo) || exportTo.length === 0) return [];
  const out: ExportToProblem[] = [];
  const seen = new Set<string>();
  const written = new Map<string, string>();
  exportTo.forEach((raw, index) => {
    if (typeof raw !== 'string') return;
    const key = raw === '.' ? namespace : raw;
    if (seen.has(key)) {
      out.push({
        index,
        rule: 'exportto-duplicate',
        args: written.get(key) !== raw ? { entry: raw, namespace } : { entry: raw },
      });
      return;
    }
    written.set(key, raw);
    if (raw === '~') {
      if (isServiceEntry) seen.add(key);
      else
        out.push({
          index,
          rule: 'exportto-none',
          args: {},
        });
      return;
    }
    if (key === '*' || key === '.' || isDns1123Label(key)) seen.add(key);
    else out.push({ index, rule: 'exportto-invalid', args: { entry: raw } });
  });
  if (drWithSelector && seen.size > 0) {
    if (!seen.has(namespace))
      out.push({
        index: 0,
        rule: 'exportto-selector',
        args: { namespace },
      });
    else if (seen.size > 1)
      out.push({
        index: 0,
        rule: 'exportto-selector',
        args: {},
      });
  }
  if (seen.has('*') && exportTo.length > 1)
    out.push({
      index: exportTo.indexOf('*'),
      rule: 'exportto-public-mixed',
      args: {},
    });
  if (seen.has('~') && exportTo.length > 1) out.push({ index: exportTo.indexOf('~'), rule: 'exportto-none-mixed', args: {} });
  return out;
}

/** Istio's `ValidateUnixAddress` for the part after `unix://`. */
export function unixAddressProblem(path: string): string | undefined {
  if (path.length === 0) return 'a unix domain socket address must not be empty';
  if (path.startsWith('@')) return undefined;
  if (!path.startsWith('/') || path.endsWith('/')) return `"${path}" is not an absolute path to a file`;
  return undefined;
}

/**
 * Whether a regular expression is one Envoy accepts: RE2 syntax (checked by re2js, a port of RE2's
 * parser, so `(?P<name>`, inline flags and `\z` are accepted and lookarounds and backreferences are
 * not), at most 1024 characters.
 */
export function regexProblem(re: string): string | undefined {
  if (re.length > 1024) return 'the regex is too long (1024 characters at most)';
  try {
    RE2JS.compile(re);
    return undefined;
  } catch (e) {
    // re2js decides; the constructs people bring from other regex dialects get a plainer word.
    const gap = RE2_GAPS.find(([pattern]) => pattern.test(re));
    if (gap) return gap[1];
    return `it is not a valid RE2 regex (${e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : String(e)})`;
  }
}

/** Constructs of other regex dialects that RE2 lacks, named in plain words when RE2 rejects a regex holding one. */
const RE2_GAPS: [RegExp, string][] = [
  [/\(\?<?[=!]/, 'lookahead and lookbehind are not supported by RE2'],
  [/\(\?>/, 'atomic groups are not supported by RE2'],
  [/(^|[^\\])\\[1-9]/, 'backreferences are not supported by RE2'],
];

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);

/** Istio's `ValidateHTTPHeaderNameOrJwtClaimRoute`. */
export function headerNameProblem(name: string): string | undefined {
  if (name === '') return 'a header name cannot be empty';
  if (isJwtClaimRoute(name) || PSEUDO_HEADERS.has(name)) return undefined;
  if (!HEADER_NAME.test(name)) return `"${name}" is not a valid header name`;
  return undefined;
}

/** A header match key of the form `@request.auth.claims.<claim>` or `@request.auth.claims[...]`. */
export function isJwtClaimRoute(name: string): boolean {
  return /^@request\.auth\.claims(\.|\[)/.test(name);
}

/** TLS cipher suite names Envoy's BoringSSL accepts (Istio's `security.ValidCipherSuites`). */
const CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA',
  'AES256-SHA',
  'DES-CBC3-SHA',
]);

/** Istio's `IsValidCipherSuite`: a known name, `ALL`, or an expression starting with an operator such as `[`, `-` or `+`. */
export function isValidCipherSuite(cs: string): boolean {
  if (cs === '' || cs === 'ALL') return true;
  if (!/^[\p{L}\p{N}]/u.test(cs)) return true;
  return CIPHER_SUITES.has(cs);
}

/** gRPC status names a fault abort may use. */
export const GRPC_STATUSES = new Set([
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]);

/** A duration such as `1.5s`, `100ms` or `1h30m`, in milliseconds; undefined when it does not parse. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * units[m[2]];
    consumed = m.index + m[0].length;
  }
  return consumed === value.length && consumed > 0 ? total : undefined;
}

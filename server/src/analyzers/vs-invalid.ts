/**
 * A VirtualService breaks one of Istio's own validation rules that the CRD schema does not express,
 * so Istio's admission webhook rejects it (errors), or admits it with a warning and it routes
 * differently than written (warnings). `istioctl analyze` reports the same as IST0106 and IST0133.
 * Each finding's `rule` says which check failed (and, as for every kind, `dry-run-annotation` and
 * `internal-annotation`: annotations Istio rejects):
 *
 * - `host-invalid`, `host-wildcard-mesh` (`*` cannot be a mesh host), `host-duplicate`;
 * - `no-routes`: a VirtualService needs http, tcp or tls routes; `delegate-*`: a VirtualService without
 *   hosts is a delegate and cannot have gateways, tls or tcp routes;
 * - `gateway-name-invalid`, `gateway-legacy-name` (warning, with a fix to `namespace/name`);
 * - `jwt-claim-mesh`: JWT claim routing works only on gateways;
 * - `http-*`: each HTTP rule needs exactly one of route, redirect or directResponse, and not both
 *   mirror and mirrors; `match-*`: header names, empty prefixes and RE2 regexes in matches;
 * - `tls-*`: each TLS rule needs matches with sniHosts inside the VirtualService's hosts, and a route;
 *   `tcp-no-route`; `subnet-invalid`;
 * - `destination-*`, `subset-name-invalid`, `port-number-invalid`, `weight-*`: route destinations
 *   (no `*` host, valid subset names and ports, non-negative weights that do not all add up to 0);
 * - `mirror-*` (mirrorPercent is deprecated, a warning with a fix), `redirect-*`, `rewrite-*`,
 *   `retries-*`, `fault-*` (fault.delay.percent is deprecated, a warning; istioctl's IST0002), `cors-*`,
 *   `headers-*`, `direct-response-*`;
 * - `exportto-*`.
 *
 * Rules never reached and matches never used are reported by `vs-unreachable-rule` and
 * `vs-ineffective-match`; durations below 1ms and required fields are the CRD's own checks.
 */
import { istioNetworking, type Analyzer, type FixContext } from './analyzer';
import type { Fix } from '../model';
import type { YamlPath } from '../parse/yaml-path';
import { nodeSpan, pathAtOffset } from '../parse/yaml-path';
import { RuleHits, isRecord, listOf, replacementFix, text, ruleMessage, ruleMessages, type RuleState } from './rules/rule-hits';
import {
  checkDestination,
  checkExportTo,
  checkLabels,
  checkPortNumber,
  istio,
  capitalize,
  isWholeSeconds,
  checkMetadata,
  SHARED_RULE_MESSAGES,
} from './rules/istio-rules';
import {
  GRPC_STATUSES,
  fqdnProblem,
  headerNameProblem,
  ipSubnetProblem,
  isDns1123Label,
  isIpAddress,
  isJwtClaimRoute,
  regexProblem,
  wildcardDomainProblem,
} from '../validation/istio-names';
import { hostSubsetOf, hostsMatch } from '../mesh/host-match';

export const vsInvalid: Analyzer<RuleState> = {
  code: 'vs-invalid',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: [],
  *check(r) {
    const s = r.spec;
    const h = new RuleHits<Messages>(r);
    checkMetadata(h, r);
    const hosts = listOf(s.hosts).filter((x): x is string => typeof x === 'string');
    const gateways = listOf(s.gateways);
    const http = listOf(s.http);
    const tls = listOf(s.tls);
    const tcp = listOf(s.tcp);
    const delegate = hosts.length === 0;

    if (delegate) {
      if (gateways.length > 0) h.error(['spec', 'gateways'], 'delegate-gateways', {}, 'key');
      if (tls.length > 0) h.error(['spec', 'tls'], 'delegate-tls', {}, 'key');
      if (tcp.length > 0) h.error(['spec', 'tcp'], 'delegate-tcp', {}, 'key');
    }

    const appliesToGateway = gateways.length > 0 && !gateways.includes('mesh');
    if (gateways.length > 0) checkGatewayNames(h, ['spec', 'gateways'], gateways);
    if (!appliesToGateway) {
      http.forEach((route, i) => {
        listOf(isRecord(route) ? route.match : undefined).forEach((m, j) => {
          for (const field of ['headers', 'withoutHeaders']) {
            const map = isRecord(m) ? m[field] : undefined;
            if (!isRecord(map)) continue;
            for (const key of Object.keys(map)) {
              if (isJwtClaimRoute(key)) h.error(['spec', 'http', i, 'match', j, field, key], 'jwt-claim-mesh', { key, gateways: gateways.join(' ') }, 'key');
            }
          }
        });
      });
    }

    const sniOutbound = tls.some((t) => isRecord(t) && listOf(t.match).some((m) => isRecord(m) && listOf(m.sniHosts).length > 0));
    let allHostsValid = true;
    listOf(s.hosts).forEach((host, i) => {
      if (typeof host !== 'string') return;
      const p = appliesToGateway && sniOutbound && host.startsWith('outbound_') ? undefined : wildcardDomainProblem(host);
      if (p) {
        if (!isIpAddress(host)) {
          h.error(['spec', 'hosts', i], 'host-invalid', { problem: p });
          allHostsValid = false;
        }
      } else if (!appliesToGateway && host === '*') {
        h.error(['spec', 'hosts', i], 'host-wildcard-mesh', {});
        allHostsValid = false;
      }
    });
    if (allHostsValid) {
      const written = listOf(s.hosts).flatMap((host, index) => (typeof host === 'string' ? [{ host, index }] : []));
      for (let i = 0; i < written.length; i++) {
        for (let j = i + 1; j < written.length; j++) {
          const [a, b] = [written[i].host, written[j].host];
          if (hostsMatch(a.toLowerCase(), b.toLowerCase())) {
            h.error(['spec', 'hosts', written[j].index], 'host-duplicate', { b, a });
          }
        }
      }
    }

    if (http.length === 0 && tcp.length === 0 && tls.length === 0) {
      h.error(['metadata', 'name'], 'no-routes', {});
    }
    http.forEach((route, i) => checkHttpRoute(h, ['spec', 'http', i], route, delegate));
    tls.forEach((route, i) =>
      checkTlsRoute(
        h,
        ['spec', 'tls', i],
        route,
        listOf(s.hosts).filter((x): x is string => typeof x === 'string'),
        appliesToGateway,
      ),
    );
    tcp.forEach((route, i) => checkTcpRoute(h, ['spec', 'tcp', i], route));
    checkExportTo(h, r.namespace, s.exportTo, false);
    yield* h.hits;
  },
  message: (s) => ruleMessage(MESSAGES, s),
  ruleOf: (s) => s.rule,
  get rules() {
    return Object.keys(MESSAGES);
  },
  fix: (s, ctx) => (s.rule === 'mirror-percent-deprecated' ? mirrorPercentFix(ctx) : replacementFix(s, ctx)),
};

/** Istio's `validateGatewayNames`, for `spec.gateways` and match-level `gateways`. */
function checkGatewayNames(h: RuleHits<Messages>, path: YamlPath, names: unknown[]): void {
  names.forEach((name, i) => {
    if (typeof name !== 'string') return;
    const p = [...path, i];
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.includes('.')) {
        const parts = name.split('.');
        const recommended = `${parts[1]}/${parts[0]}`;
        h.warning(p, 'gateway-legacy-name', { name, recommended }, 'value', recommended);
      }
      const problem = fqdnProblem(name);
      if (problem) h.error(p, 'gateway-name-invalid', { variant: 'invalid', name, problem });
      return;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns === '' || gw === '') h.error(p, 'gateway-name-invalid', { variant: 'empty-part', name });
    else if (!isDns1123Label(ns)) h.error(p, 'gateway-name-invalid', { variant: 'namespace', ns, name });
    else if (!isDns1123Label(gw)) h.error(p, 'gateway-name-invalid', { variant: 'name', gw, name });
  });
}

/** Istio's `validateStringMatch`: no empty prefix, and a regex that RE2 accepts. `allowEmptyPrefix` is for URIs. */
function checkStringMatch(h: RuleHits<Messages>, path: YamlPath, m: unknown, where: string, allowEmptyPrefix = false): void {
  if (!isRecord(m)) return;
  if (!allowEmptyPrefix && m.prefix === '') h.error([...path, 'prefix'], 'match-empty', { variant: 'prefix', where });
  if (typeof m.regex === 'string') {
    if (m.regex === '') h.error([...path, 'regex'], 'match-empty', { variant: 'regex', where });
    else {
      const p = regexProblem(m.regex);
      if (p) h.error([...path, 'regex'], 'match-regex', { where, problem: p });
    }
  }
}

const SUPPORTED_RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

/** Status codes Go's `http.StatusText` knows, which `retryOn` accepts as numbers. */
const HTTP_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408,
  409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);
const CORS_HEADER = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;

const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;

function isAuthorityHeader(name: string): boolean {
  return name.toLowerCase() === ':authority' || name.toLowerCase() === 'host';
}

/** Header add/set/remove names and values of a route or a destination. */
function checkHeaderOperations(h: RuleHits<Messages>, path: YamlPath, headers: unknown): void {
  if (!isRecord(headers)) return;
  for (const side of ['request', 'response'] as const) {
    const ops = headers[side];
    if (!isRecord(ops)) continue;
    for (const op of ['add', 'set'] as const) {
      if (!isRecord(ops[op])) continue;
      for (const [name, value] of Object.entries(ops[op])) {
        const p = [...path, side, op, name];
        if (name === '') h.error(p, 'headers-name', { variant: 'empty' }, 'key');
        else if (side === 'request' ? name.startsWith(':') && !isAuthorityHeader(name) : name.toLowerCase() === 'host' || name.startsWith(':')) {
          h.error(p, 'headers-name', { variant: 'set', name }, 'key');
        }
        if (typeof value === 'string' && !HEADER_VALUE.test(value)) h.error(p, 'headers-value', { name });
      }
    }
    listOf(ops.remove).forEach((name, j) => {
      if (typeof name !== 'string') return;
      const p = [...path, side, 'remove', j];
      if (name === '') h.error(p, 'headers-name', { variant: 'empty' });
      else if (name.toLowerCase() === 'host' || name.startsWith(':')) h.error(p, 'headers-name', { variant: 'remove', name });
    });
  }
}

function checkWeights(h: RuleHits<Messages>, path: YamlPath, routes: unknown[]): void {
  let total = 0;
  routes.forEach((d, i) => {
    if (!isRecord(d)) return;
    const w = typeof d.weight === 'number' ? d.weight : 0;
    if (w < 0) h.error([...path, i, 'weight'], 'weight-negative', { w });
    total += w;
  });
  if (routes.length > 1 && total === 0) h.error(path, 'weight-zero-total', { routesCount: routes.length }, 'key');
}

function checkHttpRoute(h: RuleHits<Messages>, path: YamlPath, route: unknown, delegateVs: boolean): void {
  if (!isRecord(route)) return;
  const has = (f: string) => route[f] !== undefined && route[f] !== null;
  const routes = listOf(route.route);
  const isRoot = !delegateVs && has('delegate');
  if (isRoot) {
    if (has('redirect')) h.error([...path, 'redirect'], 'http-root-route', { variant: 'redirect', name: String(route.name ?? '') }, 'key');
    if (has('route')) h.error([...path, 'route'], 'http-root-route', { variant: 'route', name: String(route.name ?? '') }, 'key');
  } else {
    if (delegateVs && has('delegate')) h.error([...path, 'delegate'], 'http-nested-delegate', {}, 'key');
    const conflict = (a: string, b: string, text: string) =>
      has(a) && (b === 'route' ? routes.length > 0 : has(b)) && h.error([...path, b], 'http-conflict', { a, b, text }, 'key');
    if (has('redirect')) {
      conflict('redirect', 'route', 'HTTP route cannot contain both route and redirect');
      conflict('redirect', 'fault', 'HTTP route cannot contain both fault and redirect');
      conflict('redirect', 'rewrite', 'HTTP route rule cannot contain both rewrite and redirect');
      conflict('redirect', 'directResponse', 'HTTP route rule cannot contain both direct_response and redirect');
    } else if (has('directResponse')) {
      conflict('directResponse', 'route', 'HTTP route cannot contain both route and direct_response');
      conflict('directResponse', 'fault', 'HTTP route cannot contain both fault and direct_response');
      conflict('directResponse', 'rewrite', 'HTTP route rule cannot contain both rewrite and direct_response');
    } else if (routes.length === 0) {
      h.error(path, 'http-no-action', {});
    }
  }
  if (has('mirror') && listOf(route.mirrors).length > 0) h.error([...path, 'mirrors'], 'mirror-both', {}, 'key');

  listOf(route.match).forEach((m, j) => {
    if (!isRecord(m)) return;
    const mp = [...path, 'match', j];
    for (const field of ['headers', 'withoutHeaders'] as const) {
      if (!isRecord(m[field])) continue;
      for (const [name, value] of Object.entries(m[field])) {
        const hp = [...mp, field, name];
        if (field === 'headers' && value === null) h.error(hp, 'match-header-null', { name }, 'key');
        const problem = headerNameProblem(name);
        if (problem) h.error(hp, 'match-header-name', { problem }, 'key');
        if (!(field === 'withoutHeaders' && isRecord(value) && value.regex === '*')) checkStringMatch(h, hp, value, field);
      }
    }
    checkStringMatch(h, [...mp, 'uri'], m.uri, 'uri', true);
    checkStringMatch(h, [...mp, 'scheme'], m.scheme, 'scheme');
    checkStringMatch(h, [...mp, 'method'], m.method, 'method');
    checkStringMatch(h, [...mp, 'authority'], m.authority, 'authority');
    if (isRecord(m.queryParams)) for (const [k, v] of Object.entries(m.queryParams)) checkStringMatch(h, [...mp, 'queryParams', k], v, 'queryParams');
    checkMatchCommon(h, mp, m);
    if (typeof m.sourceNamespace === 'string' && m.sourceNamespace !== '' && !isDns1123Label(m.sourceNamespace)) {
      h.error([...mp, 'sourceNamespace'], 'match-source-namespace', { sourceNamespace: m.sourceNamespace });
    }
  });

  checkHeaderOperations(h, [...path, 'headers'], route.headers);
  checkAuthority(h, path, route);
  checkCors(h, [...path, 'corsPolicy'], route.corsPolicy);
  checkFault(h, [...path, 'fault'], route.fault);

  if (typeof route.mirrorPercent === 'number') {
    if (route.mirrorPercent > 100) h.error([...path, 'mirrorPercent'], 'mirror-percent', { variant: 'mirror-percent', mirrorPercent: route.mirrorPercent });
    h.warning([...path, 'mirrorPercent'], 'mirror-percent-deprecated', { mirrorPercent: route.mirrorPercent }, 'key');
  }
  const mirrorPct = isRecord(route.mirrorPercentage) ? route.mirrorPercentage.value : undefined;
  if (typeof mirrorPct === 'number' && (mirrorPct < 0 || mirrorPct > 100))
    h.error([...path, 'mirrorPercentage', 'value'], 'mirror-percent', { variant: 'mirror-percentage', mirrorPct });
  checkDestination(h, [...path, 'mirror'], route.mirror);
  listOf(route.mirrors).forEach((m, j) => {
    if (!isRecord(m)) return;
    checkDestination(h, [...path, 'mirrors', j, 'destination'], m.destination);
    const v = isRecord(m.percentage) ? m.percentage.value : undefined;
    if (typeof v === 'number' && (v < 0 || v > 100)) h.error([...path, 'mirrors', j, 'percentage', 'value'], 'mirror-percent', { variant: 'percentage', v });
  });

  checkRedirect(h, [...path, 'redirect'], route.redirect);
  checkDirectResponse(h, [...path, 'directResponse'], route.directResponse);
  checkRetries(h, [...path, 'retries'], route.retries);
  checkRewrite(h, [...path, 'rewrite'], route.rewrite);
  routes.forEach((d, j) => {
    if (!isRecord(d)) return;
    checkHeaderOperations(h, [...path, 'route', j, 'headers'], d.headers);
    checkDestination(h, [...path, 'route', j, 'destination'], d.destination);
  });
  checkWeights(h, [...path, 'route'], routes);
}

/** Match fields every route kind shares: port, source labels and gateways. */
function checkMatchCommon(h: RuleHits<Messages>, mp: YamlPath, m: Record<string, any>): void {
  if (typeof m.port === 'number' && m.port !== 0) checkPortNumber(h, [...mp, 'port'], m.port, 'Match port');
  checkLabels(h, [...mp, 'sourceLabels'], m.sourceLabels);
  checkGatewayNames(h, [...mp, 'gateways'], listOf(m.gateways));
}

function checkAuthority(h: RuleHits<Messages>, path: YamlPath, route: Record<string, any>): void {
  let current = isRecord(route.rewrite) ? text(route.rewrite.authority) : undefined;
  const request = isRecord(route.headers) && isRecord(route.headers.request) ? route.headers.request : {};
  for (const op of ['set', 'add']) {
    if (!isRecord(request[op])) continue;
    for (const [k, v] of Object.entries(request[op])) {
      if (!isAuthorityHeader(k)) continue;
      if (current !== undefined) {
        h.error([...path, 'headers', 'request', op, k], 'headers-authority', { current, v: String(v) }, 'key');
        return;
      }
      current = String(v);
    }
  }
}

function checkCors(h: RuleHits<Messages>, path: YamlPath, cors: unknown): void {
  if (!isRecord(cors)) return;
  listOf(cors.allowOrigins).forEach((o, i) => {
    if (!isRecord(o)) return;
    const value = o.exact ?? o.prefix ?? o.regex;
    if (value === undefined || value === '') h.error([...path, 'allowOrigins', i], 'cors-origin', { value: String(value ?? '') });
    else checkStringMatch(h, [...path, 'allowOrigins', i], o, 'corsPolicy.allowOrigins');
  });
  listOf(cors.allowMethods).forEach((m, i) => {
    if (typeof m === 'string' && !CORS_METHODS.has(m)) h.error([...path, 'allowMethods', i], 'cors-method', { m });
  });
  for (const f of ['allowHeaders', 'exposeHeaders']) {
    listOf(cors[f]).forEach((name, i) => {
      if (typeof name !== 'string') return;
      if (name === '') h.error([...path, f, i], 'cors-header', { variant: 'empty' });
      else if (name !== '*' && !CORS_HEADER.test(name)) h.error([...path, f, i], 'cors-header', { variant: 'invalid', name });
    });
  }
  if (cors.maxAge !== undefined && !isWholeSeconds(cors.maxAge)) h.error([...path, 'maxAge'], 'cors-max-age', {});
}

function checkPercentage(h: RuleHits<Messages>, path: YamlPath, p: unknown): void {
  const v = isRecord(p) ? p.value : undefined;
  if (typeof v === 'number' && (v < 0 || v > 100 || (v > 0 && v < 0.0001))) h.error([...path, 'value'], 'fault-percentage', { v });
}

function checkFault(h: RuleHits<Messages>, path: YamlPath, fault: unknown): void {
  if (!isRecord(fault)) return;
  if (!isRecord(fault.abort) && !isRecord(fault.delay)) {
    h.error(path, 'fault-empty', {}, 'key');
    return;
  }
  const abort = fault.abort;
  if (isRecord(abort)) {
    checkPercentage(h, [...path, 'abort', 'percentage'], abort.percentage);
    if (abort.grpcStatus !== undefined) {
      if (typeof abort.grpcStatus === 'string' && !GRPC_STATUSES.has(abort.grpcStatus))
        h.error([...path, 'abort', 'grpcStatus'], 'fault-grpc-status', { grpcStatus: abort.grpcStatus });
    } else if (abort.http2Error !== undefined) {
      h.error([...path, 'abort', 'http2Error'], 'fault-http2-error', {}, 'key');
    } else if (abort.httpStatus !== undefined) {
      const st = abort.httpStatus;
      if (typeof st === 'number' && (st < 200 || st > 600)) h.error([...path, 'abort', 'httpStatus'], 'fault-http-status', { st });
    } else {
      h.warning([...path, 'abort'], 'fault-abort-type', {}, 'key');
    }
  }
  const delay = fault.delay;
  if (isRecord(delay)) {
    checkPercentage(h, [...path, 'delay', 'percentage'], delay.percentage);
    if (typeof delay.percent === 'number' && delay.percent > 0) {
      h.warning([...path, 'delay', 'percent'], 'fault-delay-percent', { percent: delay.percent }, 'key');
    }
    if (delay.exponentialDelay !== undefined) h.error([...path, 'delay', 'exponentialDelay'], 'fault-exponential-delay', {}, 'key');
  }
}

function checkRedirect(h: RuleHits<Messages>, path: YamlPath, r: unknown): void {
  if (!isRecord(r)) return;
  if (!text(r.uri) && !text(r.authority) && r.port === undefined && r.derivePort === undefined && !text(r.scheme)) {
    h.error(path, 'redirect-empty', {}, 'key');
  }
  if (typeof r.redirectCode === 'number' && r.redirectCode !== 0 && (r.redirectCode < 300 || r.redirectCode > 399)) {
    h.error([...path, 'redirectCode'], 'redirect-code', { redirectCode: r.redirectCode });
  }
  if (typeof r.scheme === 'string' && r.scheme !== '' && r.scheme !== 'http' && r.scheme !== 'https') {
    h.error([...path, 'scheme'], 'redirect-scheme', {});
  }
  if (typeof r.port === 'number' && r.port > 0) checkPortNumber(h, [...path, 'port'], r.port, 'Redirect port');
}

function checkDirectResponse(h: RuleHits<Messages>, path: YamlPath, d: unknown): void {
  if (!isRecord(d)) return;
  if (typeof d.status === 'number' && (d.status < 200 || d.status > 600)) h.error([...path, 'status'], 'direct-response-status', { status: d.status });
  const body = isRecord(d.body)
    ? typeof d.body.string === 'string'
      ? d.body.string.length
      : typeof d.body.bytes === 'string'
        ? Math.floor((d.body.bytes.length * 3) / 4)
        : 0
    : 0;
  if (body > 1024 * 1024) h.error([...path, 'body'], 'direct-response-size', { variant: 'over-1mb' }, 'key');
  else if (body > 100 * 1024) h.warning([...path, 'body'], 'direct-response-size', { variant: 'over-100kb' }, 'key');
}

function checkRetries(h: RuleHits<Messages>, path: YamlPath, r: unknown): void {
  if (!isRecord(r)) return;
  const attempts = typeof r.attempts === 'number' ? r.attempts : 0;
  if (attempts < 0) h.error([...path, 'attempts'], 'retries-attempts', {});
  if (attempts === 0 && (r.perTryTimeout !== undefined || text(r.retryOn) || r.retryRemoteLocalities !== undefined)) {
    h.error([...path, r.attempts === undefined ? 'retryOn' : 'attempts'], 'retries-disabled', {}, r.attempts === undefined ? 'key' : 'value');
  }
  if (typeof r.retryOn === 'string' && r.retryOn !== '') {
    for (const policy of r.retryOn.split(',')) {
      const n = Number(policy);
      if (!(Number.isInteger(n) && HTTP_STATUS_CODES.has(n)) && !SUPPORTED_RETRY_ON.has(policy)) {
        h.error([...path, 'retryOn'], 'retries-retry-on', { policy });
      }
    }
  }
}

function checkRewrite(h: RuleHits<Messages>, path: YamlPath, r: unknown): void {
  if (!isRecord(r)) return;
  const regexRewrite = r.uriRegexRewrite;
  if (text(r.uri) && regexRewrite !== undefined) h.error([...path, 'uriRegexRewrite'], 'rewrite-both', {}, 'key');
  if (!text(r.uri) && regexRewrite === undefined && !text(r.authority)) h.error(path, 'rewrite-empty', {}, 'key');
  if (isRecord(regexRewrite)) {
    if (!text(regexRewrite.match) || !text(regexRewrite.rewrite)) h.error([...path, 'uriRegexRewrite'], 'rewrite-regex', { variant: 'incomplete' }, 'key');
    else {
      const p = regexProblem(regexRewrite.match);
      if (p) h.error([...path, 'uriRegexRewrite', 'match'], 'rewrite-regex', { variant: 'syntax', problem: p });
    }
  }
}

function checkTlsRoute(h: RuleHits<Messages>, path: YamlPath, route: unknown, hosts: string[], appliesToGateway: boolean): void {
  if (!isRecord(route)) return;
  const matches = listOf(route.match);
  if (Array.isArray(route.match) && matches.length === 0) h.error([...path, 'match'], 'tls-no-match', {}, 'key');
  matches.forEach((m, j) => {
    if (!isRecord(m)) return;
    const mp = [...path, 'match', j];
    if (Array.isArray(m.sniHosts) && m.sniHosts.length === 0) h.error([...mp, 'sniHosts'], 'tls-no-sni', {}, 'key');
    listOf(m.sniHosts).forEach((sni, k) => {
      if (typeof sni !== 'string') return;
      const sp = [...mp, 'sniHosts', k];
      const p = appliesToGateway && sni.startsWith('outbound_') ? undefined : wildcardDomainProblem(sni);
      if (p) {
        if (isIpAddress(sni)) h.warning(sp, 'tls-sni-ip', { sni });
        else h.error(sp, 'tls-sni-invalid', { problem: p });
        return;
      }
      if (!hosts.some((host) => hostSubsetOf(sni.toLowerCase(), host.toLowerCase()))) {
        h.error(sp, 'tls-sni-not-in-hosts', { sni, hosts });
      }
    });
    checkSubnets(h, mp, m.destinationSubnets);
    checkMatchCommon(h, mp, m);
  });
  checkL4Routes(h, path, route, 'tls');
}

function checkTcpRoute(h: RuleHits<Messages>, path: YamlPath, route: unknown): void {
  if (!isRecord(route)) return;
  listOf(route.match).forEach((m, j) => {
    if (!isRecord(m)) return;
    checkSubnets(h, [...path, 'match', j], m.destinationSubnets);
    checkMatchCommon(h, [...path, 'match', j], m);
  });
  checkL4Routes(h, path, route, 'tcp');
}

function checkSubnets(h: RuleHits<Messages>, mp: YamlPath, subnets: unknown): void {
  listOf(subnets).forEach((s, k) => {
    if (typeof s !== 'string') return;
    const p = ipSubnetProblem(s);
    if (p) h.error([...mp, 'destinationSubnets', k], 'subnet-invalid', { problem: p });
  });
}

function checkL4Routes(h: RuleHits<Messages>, path: YamlPath, route: Record<string, any>, kind: 'tls' | 'tcp'): void {
  const routes = listOf(route.route);
  if (routes.length === 0)
    h.problem(
      'error',
      Array.isArray(route.route) ? [...path, 'route'] : path,
      { rule: kind === 'tls' ? 'tls-no-route' : 'tcp-no-route', args: { kind } },
      'key',
    );
  routes.forEach((d, j) => {
    if (isRecord(d)) checkDestination(h, [...path, 'route', j, 'destination'], d.destination);
  });
  checkWeights(h, [...path, 'route'], routes);
}

/** Replaces `mirrorPercent: N` by `mirrorPercentage: { value: N }`, keeping the value's text. */
function mirrorPercentFix({ file, span }: FixContext): Fix[] {
  const doc = file.documents.find((d) => d.start <= span.start && span.start <= d.end);
  const pair = doc ? pathAtOffset(doc.ast, span.start).pair : undefined;
  const keySpan = nodeSpan(pair?.key as never);
  const valueSpan = nodeSpan(pair?.value as never);
  if (!keySpan || !valueSpan || keySpan.start !== span.start || file.text.slice(keySpan.start, keySpan.end) !== 'mirrorPercent') return [];
  const value = file.text.slice(valueSpan.start, valueSpan.end);
  return [
    {
      title: 'Use mirrorPercentage',
      isPreferred: true,
      fixAllSafe: true,
      edits: [{ start: keySpan.start, end: valueSpan.end, newText: `mirrorPercentage: { value: ${value} }` }],
    },
  ];
}

/** The message of each rule, rendered from the arguments its check recorded. */
const MESSAGES = ruleMessages(SHARED_RULE_MESSAGES, {
  'delegate-gateways': () =>
    'A VirtualService without hosts is a delegate, used only through another VirtualService\'s "delegate"; ' +
    'it cannot list gateways. Add hosts, or remove gateways.' +
    istio('delegate virtual service must have no gateways specified'),
  'delegate-tls': () => `A delegate VirtualService (no hosts) can only have http routes.${istio('delegate virtual service must have no tls route specified')}`,
  'delegate-tcp': () => `A delegate VirtualService (no hosts) can only have http routes.${istio('delegate virtual service must have no tcp route specified')}`,
  'jwt-claim-mesh': (a: { key: string; gateways: string }) =>
    `Routing on JWT claims ("${a.key}") works only on a gateway, where a RequestAuthentication validates the ` +
    'token; this VirtualService applies to the mesh.' +
    `${istio(`JWT claim based routing (key: ${a.key}) is only supported for gateway, found no gateways: [${a.gateways}]`)}`,
  'host-wildcard-mesh': () =>
    'Host "*" would capture every host for the whole mesh, so Istio forbids it on a VirtualService bound to the ' +
    'mesh; list the hosts, or bind it to a gateway.' +
    istio('wildcard host * is not allowed for virtual services bound to the mesh gateway'),
  'host-duplicate': (a: { b: string; a: string }) =>
    `Host "${a.b}" overlaps "${a.a}" in the same VirtualService; list each host once.${istio(`duplicate hosts in virtual service: ${a.a} & ${a.b}`)}`,
  'no-routes': () => `This VirtualService has no http, tcp or tls routes.${istio('http, tcp or tls must be provided in virtual service')}`,
  'gateway-legacy-name': (a: { name: string; recommended: string }) =>
    `"${a.name}" is the legacy name.namespace form; write "${a.recommended}".` +
    `${istio(`using legacy gatewayName format "${a.name}"; prefer the <namespace>/<name> format: "${a.recommended}"`)}`,
  'gateway-name-invalid': (
    a:
      | { variant: 'invalid'; name: string; problem: string }
      | { variant: 'empty-part'; name: string }
      | { variant: 'namespace'; ns: string; name: string }
      | { variant: 'name'; gw: string; name: string },
  ) => {
    switch (a.variant) {
      case 'invalid':
        return `Gateway reference "${a.name}" is not valid: ${a.problem}.`;
      case 'empty-part':
        return `Gateway reference "${a.name}" needs both a namespace and a name around "/".${istio('config namespace and gateway name cannot be empty')}`;
      case 'namespace':
        return `"${a.ns}" is not a valid namespace in gateway reference "${a.name}".${istio(`invalid value for namespace: "${a.ns}"`)}`;
      case 'name':
        return `"${a.gw}" is not a valid Gateway name in "${a.name}" (a DNS label, no dots).${istio(`invalid value for gateway name: "${a.gw}"`)}`;
    }
  },
  'match-empty': (a: { variant: 'prefix'; where: string } | { variant: 'regex'; where: string }) => {
    switch (a.variant) {
      case 'prefix':
        return (
          `An empty prefix in a ${a.where} match matches nothing useful and Envoy rejects it; ` +
          `remove the match or give a prefix.${istio(`"${a.where}": prefix string match should not be empty`)}`
        );
      case 'regex':
        return `An empty regex in a ${a.where} match is not allowed.${istio(`"${a.where}": regex string match should not be empty`)}`;
    }
  },
  'match-regex': (a: { where: string; problem: string }) => `This ${a.where} regex is not accepted by Envoy: ${a.problem}. Istio uses RE2 syntax.`,
  'headers-name': (a: { variant: 'empty' } | { variant: 'set'; name: string } | { variant: 'remove'; name: string }) => {
    switch (a.variant) {
      case 'empty':
        return `A header name cannot be empty.${istio('header name cannot be empty')}`;
      case 'set':
        return (
          `Header "${a.name}" cannot be changed here${a.name.startsWith(':') ? ' (pseudo-headers starting with ":" are managed by Envoy)' : ''}.` +
          istio(
            a.name.toLowerCase() === 'host'
              ? `invalid header "${a.name}": cannot set Host header`
              : `invalid header "${a.name}": header cannot have ":" prefix`,
          )
        );
      case 'remove':
        return (
          `Header "${a.name}" cannot be removed.` +
          istio(
            a.name.toLowerCase() === 'host'
              ? `invalid header "${a.name}": cannot set Host header`
              : `invalid header "${a.name}": header cannot have ":" prefix`,
          )
        );
    }
  },
  'headers-value': (a: { name: string }) => `The value of header "${a.name}" contains control characters.${istio('header value configuration is invalid')}`,
  'weight-negative': (a: { w: number }) => `A route weight cannot be negative.${istio(`weight ${a.w} < 0`)}`,
  'weight-zero-total': (a: { routesCount: number }) =>
    `With ${a.routesCount} destinations the weights add up to 0, so Istio cannot split traffic between them; ` +
    `give each destination a weight (they should add up to 100).${istio('total destination weight = 0')}`,
  'http-root-route': (a: { variant: 'redirect'; name: string } | { variant: 'route'; name: string }) => {
    switch (a.variant) {
      case 'redirect':
        return (
          'A rule with delegate hands requests to another VirtualService; it cannot also redirect.' +
          `${istio(`root HTTP route ${a.name} must not specify redirect`)}`
        );
      case 'route':
        return (
          'A rule with delegate hands requests to another VirtualService; it cannot also have a route.' +
          `${istio(`root HTTP route ${a.name} must not specify route`)}`
        );
    }
  },
  'http-nested-delegate': () => `A delegate VirtualService cannot delegate again.${istio('delegate HTTP route cannot contain delegate')}`,
  'http-conflict': (a: { a: string; b: string; text: string }) =>
    `A rule cannot have both ${a.a} and ${a.b}; ${a.a} answers the request itself, so ${a.b} would never apply.${istio(a.text)}`,
  'http-no-action': () =>
    `This http rule does nothing: give it a route, a redirect or a directResponse.${istio('HTTP route, redirect or direct_response is required')}`,
  'mirror-both': () => `Use either mirror or mirrors, not both.${istio('HTTP route cannot contain both mirror and mirrors')}`,
  'match-header-null': (a: { name: string }) =>
    `Header match "${a.name}" has no condition; give exact, prefix or regex.${istio(`header match ${a.name} cannot be null`)}`,
  'match-header-name': (a: { problem: string }) => `${capitalize(a.problem)}.`,
  'match-source-namespace': (a: { sourceNamespace: string }) =>
    `"${a.sourceNamespace}" is not a valid namespace name.${istio(`sourceNamespace match ${a.sourceNamespace} is invalid`)}`,
  'mirror-percent': (
    a: { variant: 'mirror-percent'; mirrorPercent: number } | { variant: 'mirror-percentage'; mirrorPct: number } | { variant: 'percentage'; v: number },
  ) => {
    switch (a.variant) {
      case 'mirror-percent':
        return `mirrorPercent cannot exceed 100.${istio(`mirror_percent must have a max value of 100 (it has ${a.mirrorPercent})`)}`;
      case 'mirror-percentage':
        return (
          'mirrorPercentage must be between 0 and 100.' + `${istio(`mirror_percentage must have a ${a.mirrorPct < 0 ? 'min value of 0' : 'max value of 100'}`)}`
        );
      case 'percentage':
        return `A mirror percentage must be between 0 and 100.${istio(`mirror percentage must have a ${a.v < 0 ? 'min value of 0' : 'max value of 100'}`)}`;
    }
  },
  'mirror-percent-deprecated': (a: { mirrorPercent: number }) =>
    `mirrorPercent is deprecated; use mirrorPercentage: {value: ${a.mirrorPercent}}.` +
    istio('using deprecated setting "mirrorPercent", use "mirrorPercentage" instead'),
  'headers-authority': (a: { current: string; v: string }) =>
    `The authority is already rewritten to "${a.current}"; set it in one place only.` +
    `${istio(`authority header cannot be set multiple times: have "${a.current}", attempting to set "${a.v}"`)}`,
  'cors-origin': (a: { value: string }) =>
    `An allowOrigins entry needs a non-empty exact, prefix or regex.${istio(`'${a.value}' is not a valid match type for CORS allow origins`)}`,
  'cors-method': (a: { m: string }) =>
    `"${a.m}" is not an HTTP method (methods are upper case, such as GET or POST).${istio(`"${a.m}" is not a supported HTTP method`)}`,
  'cors-header': (a: { variant: 'empty' } | { variant: 'invalid'; name: string }) => {
    switch (a.variant) {
      case 'empty':
        return `A header name cannot be empty.${istio('header name cannot be empty')}`;
      case 'invalid':
        return `"${a.name}" is not a valid header name.${istio(`header name ${a.name} is not a valid header name`)}`;
    }
  },
  'cors-max-age': () =>
    `maxAge is kept only to whole seconds; write a whole number of seconds.${istio('max_age duration is accurate only to seconds precision')}`,
  'fault-percentage': (a: { v: number }) =>
    `The percentage must be 0, or between 0.0001 and 100.${istio(`percentage ${a.v} is neither 0.0, nor in range [0.0001, 100.0]`)}`,
  'fault-empty': () => `A fault needs an abort, a delay or both.${istio('HTTP fault injection must have an abort and/or a delay')}`,
  'fault-grpc-status': (a: { grpcStatus: string }) =>
    `"${a.grpcStatus}" is not a gRPC status name, such as UNAVAILABLE or NOT_FOUND.${istio(`gRPC status "${a.grpcStatus}" is not supported`)}`,
  'fault-http2-error': () => `HTTP/2 error aborts are not supported yet; use httpStatus.${istio('HTTP/2 abort fault injection not supported yet')}`,
  'fault-http-status': (a: { st: number }) => `HTTP status ${a.st} is not between 200 and 599.${istio(`HTTP status ${a.st} is not in range 200-599`)}`,
  'fault-abort-type': () =>
    `This abort sets no error: give httpStatus (or grpcStatus), or it does nothing.${istio('abort configured, but error type not set')}`,
  'fault-delay-percent': (a: { percent: number }) =>
    `fault.delay.percent is deprecated; use percentage: {value: ${a.percent}}. ` +
    '(Istio, IST0002: "HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage")',
  'fault-exponential-delay': () => `exponentialDelay is not supported yet; use fixedDelay.${istio('exponentialDelay not supported yet')}`,
  'redirect-empty': () => `A redirect must change something: uri, authority, scheme or port.${istio('redirect must specify URI, authority, scheme, or port')}`,
  'redirect-code': (a: { redirectCode: number }) =>
    `Redirect code ${a.redirectCode} is not a 3xx code.${istio(`${a.redirectCode} is not a valid redirect code, must be 3xx`)}`,
  'redirect-scheme': () => `Redirect scheme must be "http" or "https".${istio('invalid redirect scheme, must be "http" or "https"')}`,
  'direct-response-status': (a: { status: number }) =>
    `HTTP status ${a.status} is not between 200 and 599.${istio(`HTTP status ${a.status} is not in range 200-599`)}`,
  'direct-response-size': (a: { variant: 'over-1mb' } | { variant: 'over-100kb' }) => {
    switch (a.variant) {
      case 'over-1mb':
        return (
          'This response body is over 1MB; Istio rejects bodies that large.' +
          istio('large direct_responses may impact control plane performance, must be less than 1MB')
        );
      case 'over-100kb':
        return (
          'This response body is over 100KB and is sent to every proxy; keep it small.' + istio('large direct_responses may impact control plane performance')
        );
    }
  },
  'retries-attempts': () => `attempts cannot be negative.${istio('attempts cannot be negative')}`,
  'retries-disabled': () =>
    'With attempts 0 (or unset) retries are off, so the other retry settings do nothing; set attempts.' +
    istio('http retry policy configured when attempts are set to 0 (disabled)'),
  'retries-retry-on': (a: { policy: string }) =>
    `"${a.policy}" is not a retry condition Envoy knows (such as 5xx, gateway-error, connect-failure, reset, ` +
    `or an HTTP status code).${istio(`"${a.policy}" is not a valid retryOn policy`)}`,
  'rewrite-both': () => `Use either uri or uriRegexRewrite, not both.${istio('rewrite may only contain one of URI or UriRegexRewrite')}`,
  'rewrite-empty': () =>
    'This rewrite changes nothing: set uri, uriRegexRewrite or authority.' +
    istio('rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified'),
  'rewrite-regex': (a: { variant: 'incomplete' } | { variant: 'syntax'; problem: string }) => {
    switch (a.variant) {
      case 'incomplete':
        return `uriRegexRewrite needs both match and rewrite.${istio('UriRegexRewrite requires both Rewrite and Match fields to be specified')}`;
      case 'syntax':
        return `This regex is not accepted by Envoy: ${a.problem}. Istio uses RE2 syntax.`;
    }
  },
  'tls-no-match': () => `A tls rule needs at least one match with sniHosts.${istio('TLS route must have at least one match condition')}`,
  'tls-no-sni': () => `A tls match needs at least one SNI host.${istio('TLS match must have at least one SNI host')}`,
  'tls-sni-ip': (a: { sni: string }) =>
    `"${a.sni}" is an IP address; SNI carries host names, and most clients never send an IP there.` +
    `${istio(`using an IP address ("${a.sni}") goes against SNI spec and most clients do not support this`)}`,
  'tls-sni-invalid': (a: { problem: string }) => `${capitalize(a.problem)}.`,
  'tls-sni-not-in-hosts': (a: { sni: string; hosts: string[] }) =>
    `SNI host "${a.sni}" is not within the VirtualService's hosts (${a.hosts.join(', ') || 'none'}); ` +
    'add it to hosts, or match a host listed there.' +
    `${istio(`SNI host "${a.sni}" is not a compatible subset of any of the virtual service hosts: [${a.hosts.join(', ')}]`)}`,
  'tls-no-route': (a: { kind: 'tls' | 'tcp' }) =>
    `This ${a.kind} rule has no route; add route with a destination.${istio(`${a.kind.toUpperCase()} route is required`)}`,
  'tcp-no-route': (a: { kind: 'tls' | 'tcp' }) =>
    `This ${a.kind} rule has no route; add route with a destination.${istio(`${a.kind.toUpperCase()} route is required`)}`,
  'subnet-invalid': (a: { problem: string }) => `${capitalize(a.problem)}: destinationSubnets takes IPs or CIDR blocks.`,
});

type Messages = typeof MESSAGES;

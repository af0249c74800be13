/**
 * Two Istio Gateways select the same gateway workloads and declare the same host on the same port.
 * The gateway proxy builds one listener per port, so the two servers fight over it: one of them is
 * dropped, or requests for the host are routed by whichever Gateway wins. For egress this shows up as
 * traffic for an external host leaving through the wrong server (for example plain TCP instead of TLS
 * passthrough). Merge the servers into one Gateway, or give them different hosts or ports.
 *
 * Overlaps `istioctl analyze` IST0145: selectors are shared when they are equal, or when one is a
 * subset of the other and a workload in the workspace (or the egress gateway pods from the settings)
 * carries both; hosts are compared as written, except that the any-namespace prefix is dropped.
 */
import { namespaceOriginsNote, qualifiedName } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { labelsMatch, podLabels, workloads, WORKLOAD_KINDS } from '../mesh/workloads';
import { gatewaySelector } from '../mesh/gateways';
import { isRecord, listOf } from './rules/rule-hits';
import { fileLabel } from '../index/versions';

interface State {
  port: number;
  hosts: string[];
  gateways: string[];
  /** The same Gateways with their files, `ns/name (in file)`, for the message. */
  files?: string[];
  selector: string;
  /** Where the namespaces of the Gateways listed come from when not written (see namespace-origin.ts). */
  origins?: string;
}

const selectorText = (s: Record<string, string>) =>
  Object.keys(s)
    .sort()
    .map((k) => `${k}=${s[k]}`)
    .join(',');

const isSubset = (a: Record<string, string>, b: Record<string, string>) => Object.entries(a).every(([k, v]) => b[k] === v);

/** A server's hosts as Istio compares them: the any-namespace prefix dropped, `./h` as `<namespace>/h`. */
function serverHosts(server: Record<string, any>, namespace: string): string[] {
  return listOf(server.hosts)
    .filter((h): h is string => typeof h === 'string')
    .map((h) => h.toLowerCase())
    .map((h) => (h.startsWith('*/') ? h.slice(2) : h.startsWith('./') ? `${namespace}/${h.slice(2)}` : h));
}

export const gatewayConflict: Analyzer<State> = {
  code: 'gateway-conflict',
  severity: 'error',
  appliesTo: istioNetworking('Gateway'),
  reads: ['Gateway', ...WORKLOAD_KINDS],
  *check(r, { index, settings }) {
    const selector = gatewaySelector(r);
    const servers = listOf(r.spec.servers);
    // Only Gateways serving one of this Gateway's hosts can conflict with it.
    const bare = new Set(servers.flatMap((s) => (isRecord(s) ? serverHosts(s, r.namespace) : [])).map((h) => h.slice(h.indexOf('/') + 1)));
    const others = [...new Set([...bare].flatMap((h) => index.withTag('Gateway', `server-host:${h}`)))].filter(
      (g) => g.group === ISTIO_NETWORKING && !(g.namespace === r.namespace && g.name === r.name),
    );
    if (servers.length === 0 || others.length === 0) return;
    let pods: Record<string, string>[] | undefined;
    const shared = (other: Record<string, string>): boolean => {
      if (selectorText(selector) === selectorText(other)) return true;
      const larger = isSubset(selector, other) ? other : isSubset(other, selector) ? selector : undefined;
      if (!larger) return false;
      pods ??= [...workloads(index).map(podLabels), settings.egressGateway.selector];
      return pods.some((labels) => labelsMatch(larger, labels));
    };
    const candidates = others.filter((g) => shared(gatewaySelector(g)));
    for (let i = 0; i < servers.length; i++) {
      const server = servers[i];
      if (!isRecord(server) || !isRecord(server.port) || typeof server.port.number !== 'number') continue;
      const port = server.port.number;
      const bind = typeof server.bind === 'string' ? server.bind : '';
      const hosts = serverHosts(server, r.namespace);
      const conflicting = new Set<string>();
      const names: string[] = [];
      const files: string[] = [];
      const listed: Resource[] = [];
      const related: RelatedLocation[] = [];
      for (const g of candidates) {
        const clash = listOf(g.spec.servers).some((s) => {
          if (!isRecord(s) || !isRecord(s.port) || s.port.number !== port || (typeof s.bind === 'string' ? s.bind : '') !== bind) return false;
          const theirs = serverHosts(s, g.namespace);
          const common = hosts.filter((h) => theirs.includes(h));
          common.forEach((h) => conflicting.add(h));
          return common.length > 0;
        });
        if (!clash) continue;
        names.push(`${g.namespace}/${g.name}`);
        files.push(`${g.namespace}/${g.name} (in ${fileLabel(r.uri, g.uri)})`);
        listed.push(g);
        const span = nameSpanOf(g.document);
        if (span) related.push({ uri: g.uri, ...span, message: `Gateway ${qualifiedName(g, r.uri)} also serves these hosts on port ${port}` });
      }
      if (names.length === 0) continue;
      const span = spanAtPath(r.document.ast, ['spec', 'servers', i, 'port', 'number'], 'value', true);
      if (!span) continue;
      const origins = namespaceOriginsNote(listed, r.uri);
      const state: State = {
        port,
        hosts: [...conflicting],
        gateways: names.sort(),
        files: files.sort(),
        selector: selectorText(selector),
        ...(origins ? { origins } : {}),
      };
      yield { ...span, state, related };
    }
  },
  message: (s) =>
    (s.gateways.length > 1 ? `Gateways ${(s.files ?? s.gateways).join(', ')} also serve` : `Gateway ${(s.files ?? s.gateways)[0]} also serves`) +
    ` ${s.hosts.join(', ')} on ` +
    `port ${s.port} for the same gateway workloads (selector ` +
    `${s.selector || 'empty: every workload'}); the gateway proxy cannot serve both, so one is dropped or wins at ` +
    'random. Merge the servers into one Gateway, or use different hosts or ports.' +
    `${s.origins ?? ''} (Istio IST0145: "Conflict with gateways ${s.gateways.join(',')} (workload selector ` +
    `${s.selector}, port ${s.port}, hosts ${s.hosts.join(',')}).")`,
};

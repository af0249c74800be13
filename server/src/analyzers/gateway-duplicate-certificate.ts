/**
 * Two Istio Gateways that serve the same gateway workloads use the same certificate (the same
 * `credentialName`, or the same certificate and key files) on their TLS servers. Browsers and HTTP/2
 * clients reuse one connection for every host the certificate covers, so a request for a host of the
 * other Gateway arrives on a connection whose server does not know it, and gets a 404. Serve the hosts
 * from one Gateway server, or give each Gateway its own certificate.
 *
 * Overlaps `istioctl analyze` IST0138 and follows its condition: the finding is on a Gateway when
 * another Gateway's selector includes all of its labels (an empty selector counts as covering all).
 */
import { gatewaySelector } from '../mesh/gateways';
import { namespaceOriginsNote, qualifiedName } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { spanAtPath } from '../parse/yaml-path';
import { isRecord, listOf, text } from './rules/rule-hits';
import { fileLabel } from '../index/versions';

interface State {
  certificate: string;
  gateways: string[];
  /** The same Gateways with their files, `ns/name (in file)`, for the message. */
  files?: string[];
  /** Where the namespaces of the Gateways listed come from when not written (see namespace-origin.ts). */
  origins?: string;
}

function sameCertificate(a: Record<string, any>, b: Record<string, any>): boolean {
  const [ca, cb] = [text(a.credentialName), text(b.credentialName)];
  if (ca && cb) return ca === cb;
  if (ca || cb) return false;
  const [sa, sb] = [text(a.serverCertificate), text(b.serverCertificate)];
  const [ka, kb] = [text(a.privateKey), text(b.privateKey)];
  return !!sa && sa === sb && !!ka && ka === kb;
}

export const gatewayDuplicateCertificate: Analyzer<State> = {
  code: 'gateway-duplicate-certificate',
  severity: 'warning',
  appliesTo: istioNetworking('Gateway'),
  reads: ['Gateway'],
  *check(r, { index }) {
    const selector = gatewaySelector(r);
    const servers = listOf(r.spec.servers);
    // Only Gateways that name one of this Gateway's certificates can share it.
    const tags = servers.flatMap((s) =>
      isRecord(s) && isRecord(s.tls)
        ? [
            text(s.tls.credentialName) && `credential:${text(s.tls.credentialName)}`,
            text(s.tls.serverCertificate) && `certificate:${text(s.tls.serverCertificate)}`,
          ]
        : [],
    );
    const others = [...new Set(tags.filter((t): t is string => !!t).flatMap((t) => index.withTag('Gateway', t)))]
      .filter((g) => g.group === ISTIO_NETWORKING && !(g.namespace === r.namespace && g.name === r.name))
      .filter((g) => {
        const theirs = gatewaySelector(g);
        return Object.entries(selector).every(([k, v]) => theirs[k] === v);
      });
    if (others.length === 0) return;
    for (let i = 0; i < servers.length; i++) {
      const server = servers[i];
      if (!isRecord(server) || !isRecord(server.tls)) continue;
      const tls = server.tls;
      const names: string[] = [];
      const files: string[] = [];
      const listed: Resource[] = [];
      const related: RelatedLocation[] = [];
      for (const g of others) {
        const j = listOf(g.spec.servers).findIndex((s) => isRecord(s) && isRecord(s.tls) && sameCertificate(tls, s.tls));
        if (j < 0) continue;
        names.push(`${g.namespace}/${g.name}`);
        files.push(`${g.namespace}/${g.name} (in ${fileLabel(r.uri, g.uri)})`);
        listed.push(g);
        const span = spanAtPath(g.document.ast, ['spec', 'servers', j, 'tls', text(tls.credentialName) ? 'credentialName' : 'serverCertificate']);
        if (span) related.push({ uri: g.uri, ...span, message: `Gateway ${qualifiedName(g, r.uri)} uses the same certificate` });
      }
      if (names.length === 0) continue;
      const field = text(tls.credentialName) ? 'credentialName' : 'serverCertificate';
      const span = spanAtPath(r.document.ast, ['spec', 'servers', i, 'tls', field], 'value', true);
      if (!span) continue;
      const certificate = text(tls.credentialName) ?? text(tls.serverCertificate) ?? '';
      const origins = namespaceOriginsNote(listed, r.uri);
      yield { ...span, state: { certificate, gateways: names.sort(), files: files.sort(), ...(origins ? { origins } : {}) }, related };
    }
  },
  message: (s) =>
    `${(s.files ?? s.gateways).join(', ')} ${s.gateways.length > 1 ? 'use' : 'uses'} the same certificate ` +
    `"${s.certificate}" on workloads this Gateway also selects; clients that reuse an HTTP/2 connection across ` +
    'hosts can get 404s. Serve these hosts from one Gateway server, or use separate certificates.' +
    `${s.origins ?? ''} (Istio IST0138: "Duplicate certificate in multiple gateways may cause 404s if clients ` +
    're-use HTTP2 connections.")',
};

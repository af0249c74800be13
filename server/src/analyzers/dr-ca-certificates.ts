/**
 * A DestinationRule originates TLS (mode SIMPLE or MUTUAL) without `caCertificates`, so nothing in
 * the rule says which CA must have signed the server's certificate. Depending on the proxy's
 * settings the server is then checked only against the operating system's trust store, or not at
 * all, and a spoofed external service would not be noticed. Set `caCertificates` (the system bundle
 * `/etc/ssl/certs/ca-certificates.crt` is a sound default for public sites) and `subjectAltNames`,
 * or take the CA from the Secret named by `credentialName` (its `ca.crt` key).
 *
 * This follows Istio's IST0128 (top-level `trafficPolicy.tls`) and IST0129 (`portLevelSettings[].tls`)
 * exactly, including their exemption for a `credentialName` on a rule with a `workloadSelector`
 * and their silence on subset-level TLS. Istio reports these as warnings; here they are information,
 * because Istio's own egress TLS origination task (and most public-site origination) uses SIMPLE
 * without caCertificates and works as intended, and this extension keeps the configurations of
 * Istio's docs free of warnings.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { spanAtPath, type YamlPath } from '../parse/yaml-path';
import { insertMapEntry } from '../edits/yaml-edits';
import { isRecord, listOf, text } from './rules/rule-hits';

interface State {
  mode: string;
  host: string;
  /** The port of a portLevelSettings entry; absent for the top-level policy. */
  port?: number;
  /** Path of the `tls` mapping, for the fix; absent when credentialName is set (the CA then belongs in the Secret). */
  tlsPath?: YamlPath;
  credential?: string;
}

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export const drCaCertificates: Analyzer<State> = {
  code: 'dr-ca-certificates',
  severity: 'information',
  appliesTo: istioNetworking('DestinationRule'),
  reads: [],
  *check(r) {
    const s = r.spec;
    const tp = isRecord(s.trafficPolicy) ? s.trafficPolicy : undefined;
    if (!tp) return;
    const hasSelector = s.workloadSelector !== undefined && s.workloadSelector !== null;
    const host = typeof s.host === 'string' ? s.host : '';
    const candidates: { tls: unknown; path: YamlPath; port?: number }[] = [{ tls: tp.tls, path: ['spec', 'trafficPolicy', 'tls'] }];
    listOf(tp.portLevelSettings).forEach((pls, i) => {
      if (!isRecord(pls)) return;
      const port = isRecord(pls.port) && typeof pls.port.number === 'number' ? pls.port.number : undefined;
      candidates.push({ tls: pls.tls, path: ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls'], port });
    });
    for (const { tls, path, port } of candidates) {
      if (!isRecord(tls) || (tls.mode !== 'SIMPLE' && tls.mode !== 'MUTUAL') || text(tls.caCertificates)) continue;
      const credential = text(tls.credentialName);
      if (credential && hasSelector) continue;
      const span = spanAtPath(r.document.ast, [...path, 'mode'], 'value', true);
      if (!span) continue;
      const state: State = { mode: tls.mode, host };
      if (port !== undefined) state.port = port;
      if (credential) state.credential = credential;
      else state.tlsPath = path;
      yield { ...span, state };
    }
  },
  message: (s) => {
    const where = `TLS mode ${s.mode} to ${s.host}${s.port !== undefined ? ` on port ${s.port}` : ''}`;
    return s.credential
      ? `${where} takes its certificates from the Secret "${s.credential}" and sets no caCertificates: ` +
          "unless that Secret has a ca.crt key, nothing says which CA must sign the server's certificate. " +
          '(Istio reports this as IST0128/IST0129 unless the rule also has a workloadSelector.)'
      : `${where} sets no caCertificates, so this rule does not say which CA must sign the server's certificate; ` +
          `set caCertificates (for public sites, ${SYSTEM_BUNDLE}) and subjectAltNames, or provide a CA through ` +
          'credentialName.';
  },
  fix: (s, { file, span }) => {
    if (!s.tlsPath) return [];
    const doc = file.documents.find((d) => d.start <= span.start && span.start <= d.end);
    const edit = doc ? insertMapEntry(file.text, doc.ast, s.tlsPath, 'caCertificates', SYSTEM_BUNDLE) : undefined;
    return edit ? [{ title: `Verify the server with the system CA bundle (${SYSTEM_BUNDLE})`, edits: [edit] }] : [];
  },
};

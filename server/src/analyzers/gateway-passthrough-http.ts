/**
 * A Gateway server sets `tls.mode: PASSTHROUGH` (or `AUTO_PASSTHROUGH`) on a plain HTTP port
 * (`protocol: HTTP`, `HTTP2`, `GRPC` or `GRPC-WEB`). Istio builds an HTTP listener for such a server and
 * ignores the passthrough mode, so clients that send TLS through the gateway have their connections
 * reset, and the `tls` routes written for the port never apply. Passing TLS through needs a TLS port:
 * the quick fix changes the protocol to `TLS`. A `tls` block that only sets `httpsRedirect` is the
 * HTTP-to-HTTPS redirect and is left alone. Istio's validation accepts this combination silently.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { spanAtPath } from '../parse/yaml-path';
import { gatewayServers, HTTP_PROTOCOLS } from '../mesh/gateway-servers';
import { replaceScalar } from '../edits/yaml-edits';

interface State {
  port?: number;
  protocol: string;
  mode: string;
}

export const gatewayPassthroughHttp: Analyzer<State> = {
  code: 'gateway-passthrough-http',
  severity: 'error',
  appliesTo: istioNetworking('Gateway'),
  reads: [],
  *check(gw) {
    for (const s of gatewayServers(gw)) {
      if (!HTTP_PROTOCOLS.has(s.protocol) || !s.tlsModeExplicit || s.httpsRedirect) continue;
      if (s.tlsMode !== 'PASSTHROUGH' && s.tlsMode !== 'AUTO_PASSTHROUGH') continue;
      const span = spanAtPath(gw.document.ast, ['spec', 'servers', s.index, 'port', 'protocol']);
      if (span) yield { ...span, state: { port: s.port, protocol: s.protocol, mode: s.tlsMode } };
    }
  },
  message: (s) =>
    `The server${s.port === undefined ? '' : ` on port ${s.port}`} is protocol ` +
    `${s.protocol}, so the gateway expects plain ${s.protocol} and ignores tls.mode ${s.mode}: ` +
    `TLS connections through it are reset and tls routes for it never apply. Set protocol: TLS to pass TLS through.`,
  fix: (s, { file, span }) => {
    if (file.text.slice(span.start, span.end).replace(/["']/g, '').toUpperCase() !== s.protocol) return [];
    return [{ title: 'Change the protocol to TLS', isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, 'TLS')] }];
  },
};

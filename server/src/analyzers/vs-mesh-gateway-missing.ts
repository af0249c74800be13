/**
 * A VirtualService rule is written for the sidecars (`match: - gateways: [mesh]`), but `spec.gateways`
 * lists only gateways and not `mesh`. Istio applies a VirtualService to the sidecars only when
 * `spec.gateways` is empty or names `mesh`, so the rule is silently ignored: sidecars send the traffic
 * straight to the external host instead of to the egress gateway (or block it under REGISTRY_ONLY),
 * and the gateway's own rules never see it. The quick fix adds `mesh` to `spec.gateways`.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { spanAtPath, type YamlPath } from '../parse/yaml-path';
import { MESH_GATEWAY } from '../mesh/gateways';
import { appendSequenceItem } from '../edits/yaml-edits';
import { isRecord } from '../data';

interface State {
  /** How many rules name `mesh` in their matches. */
  rules: number;
  gateways: string[];
}

export const vsMeshGatewayMissing: Analyzer<State> = {
  code: 'vs-mesh-gateway-missing',
  severity: 'error',
  appliesTo: istioNetworking('VirtualService'),
  reads: [],
  *check(vs) {
    const gateways = Array.isArray(vs.spec.gateways) ? vs.spec.gateways.filter((g): g is string => typeof g === 'string') : [];
    if (gateways.length === 0 || gateways.includes(MESH_GATEWAY)) return;
    let first: YamlPath | undefined;
    let rules = 0;
    for (const protocol of ['http', 'tls', 'tcp']) {
      const list = Array.isArray(vs.spec[protocol]) ? vs.spec[protocol] : [];
      list.forEach((rule: unknown, i: number) => {
        const matches = isRecord(rule) && Array.isArray(rule.match) ? rule.match : [];
        let named = false;
        matches.forEach((m: unknown, j: number) => {
          const k = isRecord(m) && Array.isArray(m.gateways) ? m.gateways.indexOf(MESH_GATEWAY) : -1;
          if (k < 0) return;
          named = true;
          first ??= ['spec', protocol, i, 'match', j, 'gateways', k];
        });
        if (named) rules++;
      });
    }
    if (!first) return;
    // One finding per VirtualService: the fix is the same for every rule, and applying it twice would add mesh twice.
    const span = spanAtPath(vs.document.ast, first);
    if (span) yield { ...span, state: { rules, gateways } };
  },
  message: (s) =>
    `${s.rules === 1 ? 'This rule is' : `${s.rules} rules are`} written for sidecars (match gateways: ` +
    `mesh), but spec.gateways lists only ${s.gateways.map((g) => `"${g}"`).join(', ')} and not mesh, ` +
    `so Istio ignores ${s.rules === 1 ? 'it' : 'them'} for sidecars and their traffic does not go through the gateway. Add mesh to spec.gateways.`,
  fix: (_s, { file, span }) => {
    const doc = file.documents.find((d) => d.start <= span.start && span.end <= d.end);
    const edit = doc && appendSequenceItem(file.text, doc.ast, ['spec', 'gateways'], MESH_GATEWAY);
    return edit ? [{ title: 'Add mesh to spec.gateways', isPreferred: true, fixAllSafe: true, edits: [edit] }] : [];
  },
};

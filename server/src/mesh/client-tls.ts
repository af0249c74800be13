/**
 * The client TLS a proxy uses toward a destination (host, port, subset), from the effective
 * DestinationRule, merged as Istio merges traffic policies: a `portLevelSettings` entry for the port
 * replaces the whole policy it belongs to, and a subset's policy overrides the rule's field by field
 * (pilot/pkg/networking/util `MergeSubsetTrafficPolicy`, `GetPortLevelTrafficPolicy`;
 * pilot/pkg/model/destination_rule.go `MergeTrafficPolicy`). It does not pick the rule (see destination-rules.ts).
 * It also lists every `tls` block a DestinationRule writes (`tlsBlocks`), for checks that read them as written.
 */
import type { Resource } from '../parse/resource';
import type { YamlPath } from '../parse/yaml-path';
import { isRecord } from '../data';
import { subsetsOf, type EffectiveDestinationRule } from './destination-rules';

/** The client TLS settings in effect for one destination, with where they are written. */
export interface ClientTls {
  /** Upper-case `tls.mode`; DISABLE when nothing sets one (Istio's default). */
  mode: string;
  /** True when the `tls` map in effect writes its mode. */
  modeWritten: boolean;
  sni?: string;
  /**
   * The rule to name and edit: the one holding the `tls` in effect, else the one holding the most
   * specific traffic policy that applies (the subset's definition when the route names a subset).
   * Undefined when no DestinationRule applies.
   */
  rule?: Resource;
  /** Path of the `tls` map in effect in `rule`, when one is. */
  tlsPath?: YamlPath;
  /** Path of the most specific `trafficPolicy` that applies, existing or not, in the rule that defines it (`rule` when `tlsPath` is absent). */
  policyPath: YamlPath;
}

interface Policy {
  rule: Resource;
  path: YamlPath;
  policy: Record<string, any>;
}

/**
 * The policy for `port` (GetPortLevelTrafficPolicy): the `portLevelSettings` entry for the port when
 * there is one, which replaces the whole policy (its omitted fields take their defaults), else the policy itself.
 */
function forPort(p: Policy, port: number | undefined): { policy: Policy; portLevel: boolean } {
  const pls = Array.isArray(p.policy.portLevelSettings) ? p.policy.portLevelSettings : [];
  const i = port === undefined ? -1 : pls.findIndex((s: unknown) => isRecord(s) && isRecord(s.port) && s.port.number === port);
  return i < 0 ? { policy: p, portLevel: false } : { policy: { rule: p.rule, path: [...p.path, 'portLevelSettings', i], policy: pls[i] }, portLevel: true };
}

/**
 * The client TLS toward `subset` (or the whole host) on `port` under an effective DestinationRule.
 * Undefined when the route names a subset the rule does not define (another check reports that).
 * Without a rule, or without `tls` in effect, the mode is DISABLE: the proxy originates no TLS itself.
 */
export function clientTls(effective: EffectiveDestinationRule | undefined, subset: string | undefined, port: number | undefined): ClientTls | undefined {
  const rules = effective?.rules ?? [];
  const top = rules.find((r) => isRecord(r.spec.trafficPolicy));
  let tls: { rule: Resource; path: YamlPath; value: Record<string, any> } | undefined;
  let policyRule: Resource | undefined = top ?? rules[0];
  let policyPath: YamlPath = ['spec', 'trafficPolicy'];
  if (top) {
    const { policy } = forPort({ rule: top, path: ['spec', 'trafficPolicy'], policy: top.spec.trafficPolicy }, port);
    if (isRecord(policy.policy.tls)) tls = { rule: top, path: [...policy.path, 'tls'], value: policy.policy.tls };
  }
  if (subset !== undefined) {
    const def = subsetsOf(effective).get(subset);
    if (!def) return undefined;
    policyRule = def.rule;
    policyPath = ['spec', 'subsets', def.index, 'trafficPolicy'];
    if (isRecord(def.subset.trafficPolicy)) {
      const { policy, portLevel } = forPort({ rule: def.rule, path: policyPath, policy: def.subset.trafficPolicy }, port);
      // A subset's port-level entry replaces every field, `tls` included, even when it omits it (MergeTrafficPolicy with hasPortLevel).
      if (isRecord(policy.policy.tls)) tls = { rule: def.rule, path: [...policy.path, 'tls'], value: policy.policy.tls };
      else if (portLevel) tls = undefined;
    }
  }
  const mode = typeof tls?.value.mode === 'string' ? tls.value.mode.toUpperCase() : 'DISABLE';
  return {
    mode,
    modeWritten: typeof tls?.value.mode === 'string',
    sni: typeof tls?.value.sni === 'string' ? tls.value.sni : undefined,
    rule: tls?.rule ?? policyRule,
    tlsPath: tls?.path,
    policyPath,
  };
}

/** Client TLS modes in which the proxy itself originates TLS toward the destination. */
export const ORIGINATING_TLS_MODES: ReadonlySet<string> = new Set(['SIMPLE', 'MUTUAL']);

/** One `tls` block as written in a DestinationRule: top level, per port, in a subset, or per port in a subset. */
export interface TlsBlock {
  tls: Record<string, any>;
  /** Path of the `tls` map. */
  path: YamlPath;
  /** Upper-case `tls.mode`; '' when missing. */
  mode: string;
  /** The port of a `portLevelSettings` entry; undefined for a block that covers every port. */
  port?: number;
  /** The subset whose `trafficPolicy` holds the block. */
  subset?: string;
  /** For a block covering every port: the ports whose own port-level `tls` in the same policy replaces it. */
  overriddenPorts: number[];
}

/** Every `tls` block of a DestinationRule, each with the ports it governs. */
export function tlsBlocks(dr: Resource): TlsBlock[] {
  const out: TlsBlock[] = [];
  const modeOf = (tls: Record<string, any>) => (typeof tls.mode === 'string' ? tls.mode.toUpperCase() : '');
  const visit = (policy: unknown, base: YamlPath, subset: string | undefined) => {
    if (!isRecord(policy)) return;
    const pls = Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [];
    const overriddenPorts: number[] = [];
    pls.forEach((p: unknown, i: number) => {
      if (!isRecord(p) || !isRecord(p.tls)) return;
      const port = isRecord(p.port) && typeof p.port.number === 'number' ? p.port.number : undefined;
      if (port !== undefined) overriddenPorts.push(port);
      out.push({ tls: p.tls, path: [...base, 'portLevelSettings', i, 'tls'], mode: modeOf(p.tls), port, subset, overriddenPorts: [] });
    });
    if (isRecord(policy.tls)) out.push({ tls: policy.tls, path: [...base, 'tls'], mode: modeOf(policy.tls), subset, overriddenPorts });
  };
  visit(dr.spec.trafficPolicy, ['spec', 'trafficPolicy'], undefined);
  const subsets = Array.isArray(dr.spec.subsets) ? dr.spec.subsets : [];
  subsets.forEach((s: unknown, i: number) => {
    if (isRecord(s)) visit(s.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy'], typeof s.name === 'string' ? s.name : undefined);
  });
  return out;
}

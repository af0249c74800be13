/**
 * The user's settings (`istioEgress.*`), their defaults, and how a finding's severity is
 * overridden by them. Shared by the language server, which reads them from the editor, and the CLI.
 */
import type { Severity } from './model';
import type { OutboundMode } from './parse/mesh-config';
import { isRecord } from './data';

type SeverityOverride = Severity | 'off';

export interface Settings {
  /** Globs (relative to a workspace folder) of the files to index. */
  include: string[];
  /** Globs of files and folders to leave out; node_modules and .git are always left out. */
  exclude: string[];
  /** The outbound traffic policy when the workspace declares none (Istio's default is ALLOW_ANY). */
  outboundTrafficPolicy: OutboundMode;
  egressGateway: {
    /** The egress gateway Service's host. */
    host: string;
    /** The labels the egress gateway's pods carry. */
    selector: Record<string, string>;
  };
  /** Per-code severity overrides; 'off' hides the code. */
  severity: Record<string, SeverityOverride>;
  /** Globs (relative to a workspace folder) whose matches are meshes analysed separately; files outside every match are shared. */
  clusters: string[];
}

export const DEFAULT_SETTINGS: Settings = {
  include: ['**/*.yaml', '**/*.yml'],
  exclude: [],
  outboundTrafficPolicy: 'ALLOW_ANY',
  egressGateway: { host: 'istio-egressgateway.istio-system.svc.cluster.local', selector: { istio: 'egressgateway' } },
  severity: {},
  clusters: [],
};

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);
const stringList = (v: unknown, fallback: string[]) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : fallback);

/** Settings from untrusted JSON (the editor's configuration), with defaults for anything missing or malformed. */
export function normalizeSettings(raw: unknown): Settings {
  const r = isRecord(raw) ? raw : {};
  const gw = isRecord(r.egressGateway) ? r.egressGateway : {};
  const selector =
    isRecord(gw.selector) && Object.values(gw.selector).every((v) => typeof v === 'string')
      ? (gw.selector as Record<string, string>)
      : DEFAULT_SETTINGS.egressGateway.selector;
  const severity: Record<string, SeverityOverride> = {};
  if (isRecord(r.severity))
    for (const [code, s] of Object.entries(r.severity)) if (typeof s === 'string' && SEVERITIES.has(s)) severity[code] = s as SeverityOverride;
  return {
    include: stringList(r.include, DEFAULT_SETTINGS.include),
    exclude: stringList(r.exclude, DEFAULT_SETTINGS.exclude),
    outboundTrafficPolicy: r.outboundTrafficPolicy === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY',
    egressGateway: {
      host: typeof gw.host === 'string' && gw.host.trim() !== '' ? gw.host.trim() : DEFAULT_SETTINGS.egressGateway.host,
      selector,
    },
    severity,
    clusters: stringList(r.clusters, DEFAULT_SETTINGS.clusters),
  };
}

/**
 * What the client and the language server say to each other beyond LSP, typed once for both sides:
 * the custom requests and notifications, the command ids, and the bundle generator's modes and
 * host rule that the client's prompts offer. It depends on nothing but the protocol's message types,
 * so the client's bundle carries none of the server's code (no YAML parser).
 */
import { NotificationType, NotificationType0, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/** The commands the extension contributes; the server names the first in its code actions. */
export const COMMANDS = {
  generateBundle: 'istioEgress.generateBundle',
  restartServer: 'istioEgress.restartServer',
  showOutput: 'istioEgress.showOutput',
  showTrafficMap: 'istioEgress.showTrafficMap',
} as const;

export const BUNDLE_MODES = ['http', 'passthrough', 'tls-origination', 'mtls-origination', 'sidecar-tls-origination', 'sidecar-mtls-origination'] as const;
export type BundleMode = (typeof BUNDLE_MODES)[number];
export const API_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export const MODE_DESCRIPTIONS: Record<BundleMode, string> = {
  http: 'Plain HTTP through the egress gateway (ServiceEntry, Gateway, DestinationRule, VirtualService).',
  passthrough: 'HTTPS or TLS the application starts, passed through the egress gateway by SNI; accepts a wildcard host.',
  'tls-origination': 'The application sends HTTP; the egress gateway originates TLS to the external host.',
  'mtls-origination': 'The application sends HTTP; the egress gateway originates mutual TLS with a client certificate Secret.',
  'sidecar-tls-origination': 'No gateway: the sidecar originates TLS for plain HTTP the application sends on port 80.',
  'sidecar-mtls-origination': 'No gateway: the sidecar originates mutual TLS with a client certificate Secret in the application namespace.',
};

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A host the generator accepts: a lower-case DNS name of two labels or more, or `*.` and one. */
export function isValidHost(host: string): boolean {
  const h = host.startsWith('*.') ? host.slice(2) : host;
  if (h.length === 0 || h.length > 253 || !h.includes('.')) return false;
  return h.split('.').every((label) => label.length <= 63 && DNS_LABEL.test(label)) && !/^\d+$/.test(h.split('.').pop()!);
}

/** The server tells the client how many files and resources it indexed, after the start-up scan. */
export const IndexedNotification = new NotificationType<IndexedParams>('istioEgress/indexed');

export interface IndexedParams {
  files: number;
  resources: number;
  milliseconds: number;
}

export interface GenerateBundleParams {
  host: string;
  mode: string;
  port?: number;
  namespace?: string;
  gatewayNamespace?: string;
  gatewaySelector?: Record<string, string>;
  gatewayHost?: string;
  apiVersion?: string;
  registryOnly?: boolean;
  networkPolicy?: boolean;
  /** Leave out the ServiceEntry, when the host already has one (the "Route through the egress gateway" action). */
  withoutServiceEntry?: boolean;
}

export type GenerateBundleResult = { ok: true; yaml: string; resources: { kind: string; namespace: string; name: string }[] } | { ok: false; errors: string[] };

/** Generates an egress bundle with names that do not collide with the workspace's resources. */
export const GenerateBundleRequest = new RequestType<GenerateBundleParams, GenerateBundleResult, void>('istioEgress/generateBundle');

export interface BundleDefaults {
  gatewayNamespace: string;
  gatewaySelector: Record<string, string>;
  gatewayHost: string;
  /** Namespaces the workspace mentions, most used first. */
  namespaces: string[];
}

/** What the generator should offer as defaults: the user's settings and what the workspace declares. */
export const BundleDefaultsRequest = new RequestType0<BundleDefaults, void>('istioEgress/bundleDefaults');

/** The server tells the client that the workspace's findings or paths may have changed (after each batch of re-checks). */
export const WorkspaceChangedNotification = new NotificationType0('istioEgress/workspaceChanged');

/** Which part of the traffic map to draw: the paths from one client namespace, or to hosts containing a text (an exact host wins). */
export interface TrafficMapParams {
  /** A mesh, as the map names it (`TrafficMap.meshes`), when `istioEgress.clusters` splits the workspace. */
  mesh?: string;
  namespace?: string;
  host?: string;
  /** Only the policy, the lists and the counts, no nodes or edges (for the status bar). */
  summaryOnly?: boolean;
}

export type MapNodeKind = 'namespace' | 'sidecar' | 'egress-gateway' | 'route' | 'host';

/** Where a node is defined, 0-based like LSP positions. */
export interface MapLocation {
  uri: string;
  line: number;
  character: number;
}

export interface MapNode {
  id: string;
  kind: MapNodeKind;
  label: string;
  /** A second line under the label: what the node is (`namespace`, `sidecar`, `egress gateway`, `ServiceEntry cnn`). */
  caption: string;
  /** True when a link into the node is broken. */
  broken: boolean;
  at?: MapLocation;
  /** The centre and size of the node's box, from the layout. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MapEdge {
  id: string;
  from: string;
  to: string;
  /** One line per distinct port, protocol and TLS mode on the link, e.g. `80 HTTP · ISTIO_MUTUAL`. */
  labels: string[];
  /** What is missing, when the link is broken (one line per broken path). */
  broken: string[];
  /** What else decides the link (the outbound policy, the VirtualServices), shown as a tooltip. */
  notes: string[];
  /** A link the map cannot follow (after a broken link, or into a Gateway API route): drawn dashed. */
  dashed: boolean;
  /** The edge's polyline and the centre of its label, from the layout. */
  points: { x: number; y: number }[];
  labelX: number;
  labelY: number;
}

export interface TrafficMap {
  nodes: MapNode[];
  edges: MapEdge[];
  width: number;
  height: number;
  /** The mesh-wide outbound traffic policy and where it comes from, and the namespaces whose Sidecar sets another. */
  policy: { mode: string; origin: string; overrides: { namespace: string; mode: string }[] };
  /** Every external host and client namespace of the workspace, before filtering (for the filter lists and the status bar). */
  hosts: string[];
  namespaces: string[];
  /** Paths whose link is broken, before filtering. */
  brokenPaths: number;
  /** The meshes the map can be filtered by, when `istioEgress.clusters` splits the workspace (`shared` for shared files); absent otherwise and in a summary. */
  meshes?: string[];
  /**
   * Set on a summary (`summaryOnly`) that a change has overtaken: the last figures worked out, or
   * empty ones before the first; the server sends `MapSummaryNotification` when it has newer ones.
   */
  stale?: boolean;
}

/** The egress traffic map of the workspace, laid out, for the map view and the status bar. */
export const TrafficMapRequest = new RequestType<TrafficMapParams, TrafficMap, void>('istioEgress/trafficMap');

/** The summary worked out after a summary request was answered with stale figures (`stale` set if changes came meanwhile too). */
export const MapSummaryNotification = new NotificationType<TrafficMap>('istioEgress/mapSummary');

/** What the map view (a webview) asks the extension: its first map, another filter, or to open a node's YAML. */
export type MapViewRequest = { type: 'ready' } | { type: 'filter'; filter: TrafficMapParams } | { type: 'open'; at: MapLocation };

/** What the extension sends the map view: a map and the filter it was drawn with, or why there is none. */
export type MapViewUpdate = { type: 'map'; map: TrafficMap; filter: TrafficMapParams } | { type: 'error'; message: string };

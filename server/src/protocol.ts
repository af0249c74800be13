/**
 * The custom messages between the client and the language server, typed once for both sides.
 */

/** The server tells the client how many files and resources it indexed, after the start-up scan. */
export const IndexedNotification = 'istioEgress/indexed';

export interface IndexedParams {
  files: number;
  resources: number;
  milliseconds: number;
}

/** Generates an egress bundle with names that do not collide with the workspace's resources. */
export const GenerateBundleRequest = 'istioEgress/generateBundle';

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

/** What the generator should offer as defaults: the user's settings and what the workspace declares. */
export const BundleDefaultsRequest = 'istioEgress/bundleDefaults';

export interface BundleDefaults {
  gatewayNamespace: string;
  gatewaySelector: Record<string, string>;
  gatewayHost: string;
  /** Namespaces the workspace mentions, most used first. */
  namespaces: string[];
}

/**
 * The traffic map request: the navigation core's map of the workspace, laid out, with each node's
 * definition as an LSP position. Parameters from the client are checked: anything but string
 * filters and a boolean `summaryOnly` is ignored.
 */
import type { TrafficMap, TrafficMapParams } from '../protocol';
import { trafficMap, workspacePaths } from '../navigation/traffic-map';
import { layoutMap } from '../navigation/map-layout';
import type { NavigationContext } from '../navigation/references';
import type { MapSummary } from '../navigation/path-summary';
import { positionAt } from './positions';

function checkedParams(p: unknown): TrafficMapParams {
  const raw = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  return { namespace: text(raw.namespace), host: text(raw.host), summaryOnly: raw.summaryOnly === true };
}

/** Whether the request asks only for the summary (the status bar's), which `mapSummaryOf` answers. */
export const isSummaryRequest = (params: unknown): boolean => checkedParams(params).summaryOnly === true;

/** The answer to a summary request: the policy, lists and counts, and no map. */
export const mapSummaryOf = (summary: MapSummary): TrafficMap => ({ ...summary, nodes: [], edges: [], width: 0, height: 0 });

/**
 * The paths of the workspace as of one index version and settings: the status bar and the map view
 * ask after the same change, and computing every path of a large workspace takes a while.
 */
let cached: { index: unknown; version: number; settings: unknown; paths: ReturnType<typeof workspacePaths> } | undefined;

/** The laid-out map; `version` is the index's, which grows with every change. */
export function trafficMapOf(params: unknown, ctx: NavigationContext, version: number, textOf: (uri: string) => string | undefined): TrafficMap {
  if (!cached || cached.index !== ctx.index || cached.version !== version || cached.settings !== ctx.settings)
    cached = { index: ctx.index, version, settings: ctx.settings, paths: workspacePaths(ctx) };
  const model = trafficMap(ctx, checkedParams(params), cached.paths);
  // A summary (the status bar's, after every batch of changes) or a filter that keeps nothing has nothing to lay out.
  if (model.nodes.length === 0) return { ...model, nodes: [], edges: [], width: 0, height: 0 };
  const laidOut = layoutMap(model);
  return {
    ...laidOut,
    nodes: laidOut.nodes.map(({ at, ...node }) => {
      const text = at && textOf(at.uri);
      return text === undefined || !at ? node : { ...node, at: { uri: at.uri, ...positionAt(text, at.offset) } };
    }),
  };
}

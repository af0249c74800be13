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
  return { mesh: text(raw.mesh), namespace: text(raw.namespace), host: text(raw.host), summaryOnly: raw.summaryOnly === true };
}

/** Whether the request asks only for the summary (the status bar's), which `mapSummaryOf` answers. */
export const isSummaryRequest = (params: unknown): boolean => checkedParams(params).summaryOnly === true;

/** The answer to a summary request: the policy, lists and counts, and no map. */
export const mapSummaryOf = (summary: MapSummary): TrafficMap => ({ ...summary, nodes: [], edges: [], width: 0, height: 0 });

/** The laid-out map of `paths`, every egress path of the workspace (`PathSummary.mapPaths` keeps them between changes). */
export function trafficMapOf(
  params: unknown,
  ctx: NavigationContext,
  paths: ReturnType<typeof workspacePaths>,
  textOf: (uri: string) => string | undefined,
): TrafficMap {
  const model = trafficMap(ctx, checkedParams(params), paths);
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

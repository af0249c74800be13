/**
 * The traffic map's summary (outbound policy, hosts, client namespaces, broken paths) kept up to
 * date incrementally: the egress paths of each ServiceEntry and VirtualService are kept with the
 * index keys they read, a change drops only the resources that read a changed key, and only those
 * compute their paths again. The status bar asks for the summary after every batch of changes; the
 * answer equals `trafficMap(ctx, { summaryOnly: true })`, which computes every path of the workspace.
 * Once the traffic map has been asked for, the paths themselves are kept too, so that the open map
 * is drawn again after a change from the paths of the resources the change touched (`mapPaths`).
 */
import type { Resource } from '../parse/resource';
import { ISTIO_NETWORKING } from '../parse/resource';
import { fingerprintOf, slotOf, type IndexChange, type WorkspaceIndex } from '../index/workspace-index';
import { outboundPolicy } from '../mesh/sidecar-scope';
import { DEFAULT_ROOT_NAMESPACE } from '../mesh/root-namespace';
import type { Settings } from '../settings';
import { serviceEntryPaths, servicePaths, virtualServicePaths, type EgressPath } from './egress-path';
import { pathKey, type TrafficMapModel, type WorkspacePath } from './traffic-map';
import { DependentCache } from '../index/dependent-cache';

/** What the summary needs of one path: `key` is what `workspacePaths` keeps one path per. */
interface PathFacts {
  key: string;
  host: string;
  namespace: string;
  broken: boolean;
}

interface CachedPaths {
  uri: string;
  fingerprint: string;
  paths: PathFacts[];
  deps: Set<string>;
  /** The resource the paths were computed from, and the paths, when the map needs them (see `mapPaths`). */
  source?: Resource;
  full?: EgressPath[];
}

export type MapSummary = Omit<TrafficMapModel, 'nodes' | 'edges'>;

/**
 * The paths `workspacePaths` keeps of a resource: all of a ServiceEntry's or a Service's; a VirtualService's to a
 * ServiceEntry's host or through an egress gateway.
 */
function egressPathsOf(r: Resource, index: WorkspaceIndex, settings: Settings, deps: Set<string>): EgressPath[] {
  // As the resource sees the workspace (its mesh, the nearest version of each object), as the map and the lenses do.
  const ctx = { index: index.tracked(deps, r), settings };
  return r.kind === 'ServiceEntry'
    ? serviceEntryPaths(r, ctx)
    : r.kind === 'Service'
      ? servicePaths(r, ctx)
      : virtualServicePaths(r, ctx).filter((p) => p.definer.kind === 'ServiceEntry' || p.steps.some((s) => s.kind === 'egress-gateway'));
}

export class PathSummary {
  /** Per document (see `slotOf`): the facts of its paths while its content and what it read are unchanged. */
  private readonly cache = new DependentCache<CachedPaths>();
  /** How many resources have computed their paths, for tests of incrementality. */
  computedResources = 0;
  /** Whether the traffic map has been asked for: then the paths are kept, not only the summary's facts. */
  private keepPaths = false;
  private running: Promise<MapSummary> | undefined;
  private queued: Promise<MapSummary> | undefined;
  /** Counts changes (and resets), so that a finished pass knows whether a change came after it started. */
  private generation = 0;
  private last: { summary: MapSummary; generation: number } | undefined;

  constructor(
    private readonly index: WorkspaceIndex,
    private settings: Settings,
  ) {}

  /** Forgets everything, for new settings or a workspace indexed again. */
  reset(settings: Settings): void {
    this.generation++;
    this.settings = settings;
    this.cache.clear();
  }

  /** Drops the paths of every resource that read a key the change touched, and those of documents no longer in the changed file. */
  changed(change: IndexChange): void {
    // Any change may change the outbound policies, which the summary reads without keeping their keys.
    this.generation++;
    this.cache.changed(change, this.index);
  }

  /** The resources whose paths the summary reads, in the order `workspacePaths` reads them. */
  private sources(): Resource[] {
    return [
      ...this.index.ofKind('ServiceEntry', ISTIO_NETWORKING),
      ...this.index.ofKind('Service', ''),
      ...this.index.ofKind('VirtualService', ISTIO_NETWORKING),
    ];
  }

  private cached(r: Resource): CachedPaths | undefined {
    const cached = this.cache.get(slotOf(r));
    return cached && cached.fingerprint === fingerprintOf(r) ? cached : undefined;
  }

  private compute(r: Resource): CachedPaths {
    this.computedResources++;
    const deps = new Set<string>();
    const full = egressPathsOf(r, this.index, this.settings, deps);
    const mesh = this.index.meshOfUri(r.uri);
    const paths = full.map((p) => ({ key: pathKey(mesh, p), host: p.host, namespace: p.namespace, broken: !!p.broken }));
    const entry: CachedPaths = { uri: r.uri, fingerprint: fingerprintOf(r), paths, deps, ...(this.keepPaths ? { source: r, full } : {}) };
    this.cache.set(slotOf(r), entry);
    return entry;
  }

  /**
   * Works out the summary, yielding after each resource and namespace so that `summarize` can pause;
   * the paths of resources that have none cached are computed on the way.
   */
  private *aggregate(): Generator<void, MapSummary> {
    const seen = new Set<string>();
    const hosts = new Set<string>();
    const namespaces = new Set<string>();
    let brokenPaths = 0;
    for (const r of this.sources()) {
      for (const p of (this.cached(r) ?? this.compute(r)).paths) {
        if (seen.has(p.key)) continue;
        seen.add(p.key);
        hosts.add(p.host);
        namespaces.add(p.namespace);
        if (p.broken) brokenPaths++;
      }
      yield;
    }
    const meshPolicy = outboundPolicy(this.index, this.settings, DEFAULT_ROOT_NAMESPACE);
    const sorted = [...namespaces].sort();
    const overrides: { namespace: string; mode: string }[] = [];
    for (const namespace of sorted) {
      const mode = outboundPolicy(this.index, this.settings, namespace).mode;
      if (mode !== meshPolicy.mode) overrides.push({ namespace, mode });
      yield;
    }
    return {
      policy: { mode: meshPolicy.mode, origin: meshPolicy.origin, overrides },
      hosts: [...hosts].sort(),
      namespaces: sorted,
      brokenPaths,
    };
  }

  /**
   * Every egress path of the workspace, as `workspacePaths` lists them, from the paths kept per
   * resource: only resources without kept paths compute theirs, calling `pause` after each so that
   * the caller can let messages through. A kept path is reused only for the very resource object it
   * was computed from, so that the map places its nodes in the current text of an edited file.
   */
  async mapPaths(pause: () => Promise<void> | undefined): Promise<WorkspacePath[]> {
    this.keepPaths = true;
    const out: WorkspacePath[] = [];
    const seen = new Set<string>();
    for (const r of this.sources()) {
      let entry = this.cached(r);
      if (!entry?.full || entry.source !== r) {
        entry = this.compute(r);
        const waited = pause();
        if (waited) await waited;
      }
      const mesh = this.index.meshOfUri(r.uri);
      for (const path of entry.full!) {
        const key = pathKey(mesh, path);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ path, source: r, ...(mesh !== undefined ? { mesh } : {}) });
      }
    }
    return out;
  }

  /**
   * The last summary a pass worked out, at once, and whether a change or reset came after that pass
   * started (`stale`); undefined before the first pass ends.
   */
  latest(): { summary: MapSummary; stale: boolean } | undefined {
    return this.last && { summary: this.last.summary, stale: this.last.generation !== this.generation };
  }

  /** The summary now, computing the paths that are not cached (all of them at once: `summarize` spreads the work). */
  summary(): MapSummary {
    const steps = this.aggregate();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * The summary, calling `pause` after each resource so that the caller can let other work through
   * (it returns a promise that resolves when the caller's turn comes again, or undefined to go on).
   * A pass that a change overtakes still finishes, so that a stream of edits cannot starve it (the
   * status bar asks again after every batch of changes); a request that comes during a pass gets the
   * pass after it, which sees every change made before it started.
   */
  summarize(pause: () => Promise<void> | undefined): Promise<MapSummary> {
    // One at a time: a request that comes while one runs waits for it and then runs once for every request that came meanwhile.
    if (!this.running) return this.start(pause);
    const again = () => {
      this.queued = undefined;
      return this.start(pause);
    };
    this.queued ??= this.running.then(again, again);
    return this.queued;
  }

  private start(pause: () => Promise<void> | undefined): Promise<MapSummary> {
    const run: Promise<MapSummary> = this.summarizeNow(pause).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async summarizeNow(pause: () => Promise<void> | undefined): Promise<MapSummary> {
    const generation = this.generation;
    const steps = this.aggregate();
    for (;;) {
      const step = steps.next();
      if (step.done) {
        this.last = { summary: step.value, generation };
        return step.value;
      }
      const waited = pause();
      if (waited) await waited;
    }
  }
}

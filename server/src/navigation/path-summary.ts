/**
 * The traffic map's summary (outbound policy, hosts, client namespaces, broken paths) kept up to
 * date incrementally: the egress paths of each ServiceEntry, Service and VirtualService are kept with
 * the index keys they read, and so is each client namespace's outbound policy; a change drops only the
 * entries that read a changed key, and the figures are running totals (path-totals.ts) updated by the
 * delta of the entries dropped and computed again, so a refresh after an edit costs what the edit
 * touched, not the workspace. The answer equals `trafficMap(ctx, { summaryOnly: true })`, which
 * computes every path of the workspace.
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
import { DependentCache, type DependentEntry } from '../index/dependent-cache';
import { PathTotals, type PathFacts } from './path-totals';

interface CachedPaths extends DependentEntry {
  /** At most one path per key: the first the resource gives, as `workspacePaths` keeps them. */
  paths: PathFacts[];
  /** The resource the paths were computed from, and the paths, when the map needs them (see `mapPaths`). */
  source?: Resource;
  full?: EgressPath[];
}

/** A client namespace's outbound policy, kept with the keys it read; no file owns it, so its `uri` is empty. */
interface CachedPolicy extends DependentEntry {
  mode: string;
  origin: string;
}

export type MapSummary = Omit<TrafficMapModel, 'nodes' | 'edges'>;

/** Where a resource's paths come in the order `workspacePaths` reads kinds: ServiceEntries, Services, VirtualServices; undefined for other kinds. */
function sourceRank(r: Resource): number | undefined {
  if (r.kind === 'ServiceEntry' && r.group === ISTIO_NETWORKING) return 0;
  if (r.kind === 'Service' && r.group === '') return 1;
  if (r.kind === 'VirtualService' && r.group === ISTIO_NETWORKING) return 2;
  return undefined;
}

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
  private readonly cache = new DependentCache<CachedPaths>((slot, entry) => this.totals.remove(slot, entry.paths));
  /** Per client namespace (and the root namespace, for the mesh's policy): its outbound policy. */
  private readonly policies = new DependentCache<CachedPolicy>((namespace) => this.policyDropped(namespace));
  private readonly totals = new PathTotals((namespace, present) => this.namespaceCounted(namespace, present));
  /** Work left before the totals are the workspace's: every file (after a reset), files whose documents may lack paths, namespaces without a policy. */
  private everything = true;
  private readonly dirtyFiles = new Set<string>();
  private readonly dirtyPolicies = new Set<string>();
  /** The namespaces whose policy differs from the mesh's, while no policy or namespace changes. */
  private overrides: { namespace: string; mode: string }[] | undefined;
  /** Each source's place in the map's order, for the rare key whose paths disagree (see `PathTotals.brokenPaths`). */
  private order: { version: number; places: Map<string, number> } | undefined;
  /** How many resources have computed their paths, and namespaces their policy, for tests of incrementality. */
  computedResources = 0;
  computedPolicies = 0;
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
    this.policies.clear();
    this.totals.clear();
    this.dirtyFiles.clear();
    this.dirtyPolicies.clear();
    this.everything = true;
    this.overrides = undefined;
    this.order = undefined;
  }

  /**
   * Drops the paths and policies that read a key the change touched, and the paths of documents no
   * longer in the changed file; the totals lose what they gave, and the files that held them are
   * looked at again by the next pass.
   */
  changed(change: IndexChange): void {
    this.generation++;
    for (const uri of this.cache.changed(change, this.index)) this.dirtyFiles.add(uri);
    this.dirtyFiles.add(change.uri);
    // A kustomization moved these files' resources to another namespace: their fingerprints differ now.
    for (const uri of change.reindexed ?? []) this.dirtyFiles.add(uri);
    this.policies.changed(change, this.index);
  }

  private namespaceCounted(namespace: string, present: boolean): void {
    this.overrides = undefined;
    if (present) this.dirtyPolicies.add(namespace);
    else if (namespace !== DEFAULT_ROOT_NAMESPACE) this.policies.forget(namespace);
  }

  private policyDropped(namespace: string): void {
    this.overrides = undefined;
    this.dirtyPolicies.add(namespace);
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

  /** Computes a resource's paths; they are kept, and counted, only while it is the index's resource of its slot. */
  private compute(r: Resource, rank: number): CachedPaths {
    this.computedResources++;
    const deps = new Set<string>();
    const full = egressPathsOf(r, this.index, this.settings, deps);
    const mesh = this.index.meshOfUri(r.uri);
    const paths: PathFacts[] = [];
    const seen = new Set<string>();
    for (const p of full) {
      const key = pathKey(mesh, p);
      if (seen.has(key)) continue;
      seen.add(key);
      paths.push({ key, host: p.host, namespace: p.namespace, broken: !!p.broken });
    }
    const entry: CachedPaths = { uri: r.uri, fingerprint: fingerprintOf(r), paths, ...(this.keepPaths ? { source: r, full } : {}) };
    // A resource an edit replaced while a pass paused must not give paths to its successor's slot.
    if (this.index.file(r.uri)?.resources.includes(r)) {
      this.cache.set(slotOf(r), entry, deps);
      this.totals.add(slotOf(r), rank, paths);
    }
    return entry;
  }

  private computePolicy(namespace: string): void {
    this.computedPolicies++;
    const deps = new Set<string>();
    const policy = outboundPolicy(this.index.tracked(deps), this.settings, namespace);
    this.policies.set(namespace, { uri: '', fingerprint: '', mode: policy.mode, origin: policy.origin }, deps);
    this.dirtyPolicies.delete(namespace);
    this.overrides = undefined;
  }

  /**
   * Brings the totals up to date, yielding after each resource and namespace whose paths or policy it
   * computes so that `summarize` can pause; work that a change adds meanwhile is taken on the way, and
   * what is done stays done, so a change never sends a pass back to the start.
   */
  private *aggregate(): Generator<void, MapSummary> {
    for (;;) {
      if (this.everything) {
        this.everything = false;
        for (const uri of this.index.uris()) this.dirtyFiles.add(uri);
        this.dirtyPolicies.add(DEFAULT_ROOT_NAMESPACE);
      }
      const [uri] = this.dirtyFiles;
      if (uri !== undefined) {
        this.dirtyFiles.delete(uri);
        const file = this.index.file(uri);
        for (const r of file?.resources ?? []) {
          // A change to the file while the pass paused marked it again.
          if (this.index.file(uri) !== file || this.everything) break;
          const rank = sourceRank(r);
          if (rank === undefined) this.cache.forget(slotOf(r));
          else if (!this.cached(r)) {
            this.compute(r, rank);
            yield;
          }
        }
        continue;
      }
      const [namespace] = this.dirtyPolicies;
      if (namespace === undefined) break;
      this.dirtyPolicies.delete(namespace);
      if (namespace !== DEFAULT_ROOT_NAMESPACE && !this.totals.hasNamespace(namespace)) continue;
      if (this.policies.get(namespace)) continue;
      this.computePolicy(namespace);
      if (namespace !== DEFAULT_ROOT_NAMESPACE) yield;
    }
    return this.figures();
  }

  /** The figures from the totals, once nothing is left to compute. */
  private figures(): MapSummary {
    const mesh = this.policies.get(DEFAULT_ROOT_NAMESPACE)!;
    const namespaces = this.totals.namespaces();
    this.overrides ??= namespaces.flatMap((namespace) => {
      const mode = this.policies.get(namespace)!.mode;
      return mode !== mesh.mode ? [{ namespace, mode }] : [];
    });
    return {
      policy: { mode: mesh.mode, origin: mesh.origin, overrides: this.overrides },
      hosts: this.totals.hosts(),
      namespaces,
      brokenPaths: this.totals.brokenPaths((slots) => this.firstInOrder(slots)),
    };
  }

  /** Of a few sources' slots, the one `workspacePaths` reads first; builds each source's place once per index version. */
  private firstInOrder(slots: string[]): string {
    if (this.order?.version !== this.index.version) {
      const places = new Map<string, number>();
      for (const r of this.sources()) places.set(slotOf(r), places.size);
      this.order = { version: this.index.version, places };
    }
    const places = this.order.places;
    return slots.reduce((a, b) => ((places.get(b) ?? Infinity) < (places.get(a) ?? Infinity) ? b : a));
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
        entry = this.compute(r, sourceRank(r)!);
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

  /** The summary now, computing the paths and policies a change dropped (all of them at once: `summarize` spreads the work). */
  summary(): MapSummary {
    const steps = this.aggregate();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * The summary, calling `pause` after each resource and namespace computed so that the caller can let
   * other work through (it returns a promise that resolves when the caller's turn comes again, or
   * undefined to go on). A pass that a change overtakes still finishes, taking on the change's work on
   * the way, so that a stream of edits cannot starve it; its figures count as stale, since the change
   * came after it began. A request that comes during a pass gets the pass after it, which sees every
   * change made before it started and has only what is left to do.
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

/**
 * The status bar's summary requests: answered at once with the last figures worked out, marked
 * stale when a change came after them, while a pass works out new ones in slices (see
 * `PathSummary.summarize`) and sends each pass's figures when it ends. After an edit a pass takes
 * milliseconds; after the scan or a change every path reads (the mesh config, the egress gateway) it
 * takes seconds in a large workspace, and the status bar should not wait.
 */
import type { TrafficMap } from '../protocol';
import type { MapSummary, PathSummary } from '../navigation/path-summary';
import { mapSummaryOf } from './traffic-map';
import { SLICE_MS, yieldToMessages, type MessageWatch, type Slices } from './slices';

/** How long a pass waits at most behind re-checks and edits before it takes one more slice, so that a stream of edits cannot starve it. */
const MAX_WAIT_MS = 50;

/**
 * The pause between a pass's steps: when its slice is used up, it lets waiting messages through,
 * waits while `blocked` (the start-up scan, whose end starts the summary afresh), and while `busy`
 * (edits and re-checks) for at most `MAX_WAIT_MS`, so that diagnostics come first but a pass still
 * moves on during continuous typing.
 */
export function summaryPause(slices: Slices, messages: MessageWatch | undefined, blocked: () => boolean, busy: () => boolean): () => Promise<void> | undefined {
  const sleep = () => new Promise((resolve) => setTimeout(resolve, SLICE_MS));
  return () => {
    if (!slices.due()) return undefined;
    return (async () => {
      await yieldToMessages(messages);
      const since = Date.now();
      while (blocked() || (busy() && Date.now() - since < MAX_WAIT_MS)) await sleep();
      slices.restart();
    })();
  };
}

/** What a summary request gets before the first pass has ended: no figures, marked stale. */
const NO_FIGURES: MapSummary = { policy: { mode: '', origin: '', overrides: [] }, hosts: [], namespaces: [], brokenPaths: 0 };

export class SummaryRequests {
  private refreshing = false;
  /** A stale answer went out since the running pass began: it needs a pass that sees the change. */
  private asked = false;

  constructor(
    private readonly summary: PathSummary,
    /** Lets other work through between the pass's steps (see `PathSummary.summarize`). */
    private readonly pause: () => Promise<void> | undefined,
    /** Sends the figures of a pass that ended after a stale answer. */
    private readonly send: (summary: TrafficMap) => void,
    private readonly reportError: (error: unknown) => void,
  ) {}

  /** The answer to a summary request, now; starts a pass when the figures are stale. */
  answer(): TrafficMap {
    const latest = this.summary.latest();
    if (latest && !latest.stale) return mapSummaryOf(latest.summary);
    this.asked = true;
    this.refresh();
    return { ...mapSummaryOf(latest?.summary ?? NO_FIGURES), stale: true };
  }

  /**
   * Runs a pass and sends its figures; again while stale answers went out during the pass. A pass
   * that a change overtook with nobody asking is not repeated: the change ends with a
   * workspace-changed notification, after which the status bar asks again.
   */
  private refresh(): void {
    if (this.refreshing) return;
    this.refreshing = true;
    void (async () => {
      try {
        while (this.asked) {
          this.asked = false;
          const figures = await this.summary.summarize(this.pause);
          const stale = this.summary.latest()?.stale ?? true;
          this.send(stale ? { ...mapSummaryOf(figures), stale } : mapSummaryOf(figures));
          if (!stale) this.asked = false;
        }
      } catch (e) {
        this.reportError(e);
      } finally {
        this.refreshing = false;
      }
    })();
  }
}

/**
 * CheckAhead: checks the documents of a workspace while it is being loaded, in the time the loader
 * would otherwise spend waiting for the next file to be read or parsed on another thread, so that the
 * full check after the load finds most documents checked already. A document checked before a later
 * file was indexed may have read something that file changes: every change goes through the checker's
 * `affectedBy`, which drops such documents from its cache, and they are checked again when asked for.
 * The findings are therefore those of a check after the load.
 */
import type { IndexChange, WorkspaceIndex } from '../index/workspace-index';
import type { Checker } from './checker';
import type { WarmUp } from './warm-up';

export class CheckAhead {
  /** Files indexed so far, in order; documents are checked from `file` on. */
  private readonly files: string[] = [];
  private file = 0;
  private resource = 0;

  constructor(
    private readonly index: WorkspaceIndex,
    /** The checker to fill: one that tracks dependencies (not made with `once`). */
    private readonly checker: () => Checker,
    /** Takes the first check of each kind apart into steps (see warm-up.ts), one per pause; the CLI does without. */
    private readonly warmUp?: WarmUp,
  ) {}

  /** Notes a change the loader made to the index: what it affects is checked again later, a file it added is checked ahead. */
  changed(change: IndexChange): void {
    this.checker().affectedBy(change);
    if (this.index.file(change.uri)) this.files.push(change.uri);
  }

  /** Checks documents, as `whileWaiting` does, until `pending` settles (the next file read or parsed). */
  async until(pending: Promise<unknown>, pause: () => Promise<void>): Promise<void> {
    let ready = false;
    const done = () => (ready = true);
    pending.then(done, done);
    await this.whileWaiting(() => !ready, pause);
  }

  /**
   * Checks documents one at a time while `waiting` holds and some are left, calling `pause` after each:
   * `pause` lets other work through now and then (the awaited file among it), so that `waiting` can change.
   */
  async whileWaiting(waiting: () => boolean, pause: () => Promise<void>): Promise<void> {
    while (waiting() && this.file < this.files.length) {
      const resources = this.index.file(this.files[this.file])?.resources ?? [];
      if (this.resource < resources.length) {
        const r = resources[this.resource];
        if (!this.warmUp?.step(r)) {
          this.checker().prepare(r);
          this.resource++;
        }
      } else {
        this.file++;
        this.resource = 0;
      }
      await pause();
    }
  }
}

/**
 * Background work (the start-up scan, re-checks, the status bar's summary) runs in short slices on
 * the server's one thread; between slices, messages from the editor that arrived meanwhile are
 * handled first, so that completion and hover wait for at most the rest of one slice.
 * It owns only that turn-taking, not what the work is.
 */
import { performance } from 'node:perf_hooks';

/**
 * How long background work runs before it lets messages through. A yield costs a few turns of the
 * event loop (microseconds each), so short slices cost little; a request waits for the rest of one.
 */
export const SLICE_MS = 2;
/** How many turns of the event loop background work waits at most for a message that arrived to be handled (a partial message may wait for more input). */
const MAX_TURNS = 16;

/**
 * Whether a message from the editor has arrived and not been handled yet: `main.ts` calls `arrived`
 * when input comes in and `handled` when the connection dispatches a message.
 */
export class MessageWatch {
  private count = 0;
  private lastArrived = 0;
  private lastHandled = 0;

  arrived(): void {
    this.lastArrived = ++this.count;
  }

  handled(): void {
    this.lastHandled = ++this.count;
  }

  get waiting(): boolean {
    return this.lastArrived > this.lastHandled;
  }

  /** Changes whenever a message is handled, so that a caller can tell whether one was handled since it last looked. */
  get lastHandledAt(): number {
    return this.lastHandled;
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Resolves once every message that arrived before the call has been handled and its answer written.
 * The connection reads input when the event loop polls for it and hands a message on through
 * `setImmediate` callbacks (over stdio two: vscode-jsonrpc's read semaphore, then its message
 * queue); a single `setImmediate` queued by background work before the poll runs first, and the
 * message would wait for one more slice. So the work takes turns of the loop while `watch` says a
 * message waits, and at least two.
 * A handled request's answer is written one turn later (over stdio vscode-jsonrpc's write semaphore
 * takes a `setImmediate`): after a turn in which a message was handled, the work takes one more, or
 * the answer would wait for the next slice.
 */
export async function yieldToMessages(watch?: MessageWatch): Promise<void> {
  let handled = watch?.lastHandledAt;
  for (let i = 0; i < MAX_TURNS; i++) {
    await turn();
    const now = watch?.lastHandledAt;
    if (i >= 1 && !watch?.waiting && now === handled) break;
    handled = now;
  }
}

/** A clock for one piece of background work: `due()` says when its slice is used up. */
export class Slices {
  private started = performance.now();

  constructor(
    private readonly watch?: MessageWatch,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /** Whether the current slice is used up. */
  due(): boolean {
    return performance.now() - this.started >= this.sliceMs;
  }

  /** Lets messages through if the slice is used up, then starts a new one; resolves at once (no turn) otherwise. */
  async next(): Promise<void> {
    if (!this.due()) return;
    await yieldToMessages(this.watch);
    this.restart();
  }

  /** Starts a new slice now (after waiting some other way). */
  restart(): void {
    this.started = performance.now();
  }
}

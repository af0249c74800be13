/**
 * The process groups the end-to-end tests start (code-server with everything it spawns, Chromium),
 * and how they end: by group id, never by name, when asked, and at the latest when this process
 * exits or is interrupted. It does not start anything itself.
 *
 * When ISTIO_EGRESS_E2E_PIDS names a folder, each live group also has a file there named after its id,
 * so that run.sh and try.sh can end the groups even if this process is killed outright.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const live = new Set<number>();
const pidsDir = process.env.ISTIO_EGRESS_E2E_PIDS;

/** Remembers a group (by the id of its leader) to end on exit. */
export function track(pgid: number): void {
  live.add(pgid);
  if (pidsDir) fs.writeFileSync(path.join(pidsDir, String(pgid)), '');
  hookExit();
}

/**
 * Whether a member of the group still runs. Zombies do not count: in a container nobody may reap
 * an orphan, and a zombie needs no ending.
 */
function running(pgid: number): boolean {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

function signal(pgid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pgid, name);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function forget(pgid: number): void {
  live.delete(pgid);
  if (pidsDir) fs.rmSync(path.join(pidsDir, String(pgid)), { force: true });
}

/** Asks the group to end (SIGTERM), waits up to `graceMs` while the event loop runs, then kills what is left. */
export async function end(pgid: number, graceMs = 5000): Promise<void> {
  signal(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (running(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  signal(pgid, 'SIGKILL');
  forget(pgid);
}

/** The same, for 'exit' handlers, where nothing asynchronous runs any more. */
function endNow(pgid: number, graceMs = 3000): void {
  signal(pgid, 'SIGTERM');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + graceMs;
  while (running(pgid) && Date.now() < deadline) Atomics.wait(nap, 0, 0, 50);
  signal(pgid, 'SIGKILL');
  forget(pgid);
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => [...live].forEach((pgid) => endNow(pgid)));
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(name, () => process.exit(128 + os.constants.signals[name]));
  }
}

/**
 * `npm run bench`: drives the built `dist/server.js --stdio` as an editor does, on generated egress
 * monorepos (see workspace.ts) of 100, 1,000 and 5,000 hosts, and runs `istio-egress check` on them.
 * It measures the time from `initialized` to every file diagnosed from disk, opening every file,
 * edit latency for the edited file and for a dependent file in another file, completion and hover
 * latency (also during the start-up scan), peak memory, and how many injected mistakes are
 * reported; then starts the server again on the same workspace with the parse cache the first run
 * wrote (the first run starts with an empty one, so its figures are cold) and times every file
 * diagnosed, as reopening a workspace does; the CLI runs without a cache, then twice with `--cache`.
 * Then it writes BENCHMARKS.md. A benchmark, not a test: it asserts nothing.
 * The server is started with the Node options the extension gives it (`SERVER_EXEC_ARGV`).
 * Like the extension's status bar, the client asks for the map summary 300 ms after the last
 * workspace-changed notification, so the server does that work too.
 * BENCH_HOSTS=100,1000 picks the sizes; BENCH_EDITS the number of edits per size; BENCH_NODE_FLAGS adds
 * Node options to the server it starts, to profile it (`--cpu-prof --cpu-prof-dir=…`, `--heap-prof`);
 * BENCH_DIST measures another build's `server.js` and `cli.js`; BENCH_CLI=skip leaves out `istio-egress check`;
 * BENCH_OUT writes the results to another file than BENCHMARKS.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  ConfigurationRequest,
  RegistrationRequest,
  WorkDoneProgressCreateRequest,
  PublishDiagnosticsNotification,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  CompletionRequest,
  HoverRequest,
  ShutdownRequest,
  ExitNotification,
  type Diagnostic,
  type Position,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { MapSummaryNotification, TrafficMapRequest, WorkspaceChangedNotification, type TrafficMap } from '../../server/src/protocol';
import { SERVER_EXEC_ARGV } from '../../server/src/node/v8-options';
import { generateWorkspace, hostName, HOSTS_PER_FILE, type Mistake, type Workspace } from './workspace';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** The build to measure: `dist/` of this repository, or BENCH_DIST to compare with another build. */
const distDir = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(repoRoot, 'dist');
const serverPath = path.join(distDir, 'server.js');
const cliPath = path.join(distDir, 'cli.js');
const SIZES = (process.env.BENCH_HOSTS ?? '100,1000,5000').split(',').map(Number);
const EDITS = Number(process.env.BENCH_EDITS ?? 200);
/** The server is started with the Node options the extension gives it, then BENCH_NODE_FLAGS. */
const SERVER_FLAGS = [...SERVER_EXEC_ARGV, ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
const RUN_CLI = process.env.BENCH_CLI !== 'skip';
/** How long the status bar waits after a workspace-changed notification before it asks for the summary (client/src/status-bar.ts). */
const STATUS_BAR_DELAY_MS = 300;
/** How long without a publish counts as settled. */
const QUIET_MS = 1000;
const PHASE_TIMEOUT_MS = 10 * 60_000;
const EDIT_TIMEOUT_MS = 30_000;

interface Published {
  at: number;
  version?: number;
  diagnostics: Diagnostic[];
}

interface Latencies {
  values: number[];
  timeouts: number;
}

interface Result {
  hosts: number;
  files: number;
  documents: number;
  mistakes: number;
  cliMs?: number;
  cliReported?: number;
  cliPeakMb?: number;
  /** `istio-egress check --cache` with the cache its previous run wrote, and that previous run, which wrote it. */
  cliWarmMs?: number;
  cliWarmPeakMb?: number;
  cliWritingMs?: number;
  indexedMs?: number;
  /** The second start, with the first one's parse cache. */
  reopenDiagnosedMs?: number;
  reopenReported?: number;
  reopenCpuMs?: number;
  diagnosedMs?: number;
  /** The server's CPU time, all threads, when every file was diagnosed and the publishing had settled. */
  diagnosedCpuMs?: number;
  serverReported: number;
  openSettledMs?: number;
  openAllPublished: boolean;
  edited: Latencies;
  dependent: Latencies;
  publishedPerEdit: number[];
  completion: Latencies;
  hover: Latencies;
  completionDuringScan: Latencies;
  hoverDuringScan: Latencies;
  /** The status bar's summary requests, from request to answer. */
  summary: Latencies;
  /** From the same requests to up-to-date figures: the answer, or the refreshed figures that follow a stale one. */
  summaryFresh: Latencies;
  /** The same, asked right after each edit's diagnostics while the edits go on. */
  summaryDuringEdits: Latencies;
  summaryFreshDuringEdits: Latencies;
  peakMb: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Whether a diagnostic reports the mistake: its code, in the document that carries it. */
function reports(m: Mistake, code: string, line: number): boolean {
  return code === m.code && line >= m.document[0] && line <= m.document[1];
}

function countReported(ws: Workspace, found: (file: string) => { code: string; line: number }[]): number {
  let n = 0;
  for (const m of ws.mistakes) if (found(m.file).some((d) => reports(m, d.code, d.line))) n++;
  return n;
}

function runCli(ws: Workspace, cacheFile?: string): { ms: number; reported: number; peakMb: number } {
  const started = performance.now();
  const cache = cacheFile ? ['--cache', cacheFile] : [];
  const out = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cliPath, 'check', ws.dir, '--format', 'json', ...cache], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - started;
  const peakKb = Number(/(\d+)\s*$/.exec(out.stderr ?? '')?.[1] ?? 0);
  let findings: { file: string; line: number; code: string }[] = [];
  try {
    findings = JSON.parse(out.stdout);
  } catch {
    // Reported as zero below.
  }
  const byFile = new Map<string, { code: string; line: number }[]>();
  for (const f of findings) {
    const name = path.basename(f.file);
    byFile.set(name, [...(byFile.get(name) ?? []), { code: f.code, line: f.line - 1 }]);
  }
  return { ms, reported: countReported(ws, (file) => byFile.get(file) ?? []), peakMb: peakKb / 1024 };
}

function peakRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** A process's CPU time (user and system, every thread) from /proc, in milliseconds; 0 where /proc has none. */
function cpuMs(pid: number): number {
  try {
    // The fields after the command's name (which is in parentheses and may hold spaces); utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function positionOf(text: string, needle: string, after: boolean): Position {
  const offset = text.indexOf(needle) + (after ? needle.length : 2);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

type ServerResult = Omit<Result, `cli${string}` | 'reopenDiagnosedMs' | 'reopenReported'>;

/**
 * One session of the server on `ws`, keeping its parse cache in `cacheFolder`; with `scanOnly`, it stops once
 * every file is diagnosed from disk (a reopened workspace: only that figure is kept).
 */
async function runServer(ws: Workspace, cacheFolder: string, scanOnly = false): Promise<ServerResult> {
  const child = spawn(process.execPath, [...SERVER_FLAGS, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published = new Map<string, Published>();
  let lastPublish = 0;
  let publishCount = 0;
  let indexedAt: number | undefined;
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    lastPublish = performance.now();
    publishCount++;
    published.set(p.uri, { at: lastPublish, version: p.version, diagnostics: p.diagnostics });
  });
  connection.onNotification('istioEgress/indexed', () => {
    indexedAt = performance.now();
  });
  // The status bar: the summary, asked once a burst of workspace-changed notifications has settled.
  const summary: Latencies = { values: [], timeouts: 0 };
  const summaryFresh: Latencies = { values: [], timeouts: 0 };
  let summaryTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const freshWaiters: ((at: number) => void)[] = [];
  connection.onNotification(MapSummaryNotification, (s) => {
    const at = performance.now();
    if (!s.stale) for (const resolve of freshWaiters.splice(0)) resolve(at);
  });
  const askSummary = async (answered = summary, current = summaryFresh) => {
    const started = performance.now();
    const fresh = new Promise<number>((resolve) => freshWaiters.push(resolve));
    let answer: TrafficMap | undefined;
    await timed(answered, async () => (answer = await connection.sendRequest(TrafficMapRequest, { summaryOnly: true })));
    // Up-to-date figures in an answer are up to date for every earlier request still waiting, as for the status bar.
    if (answer && !answer.stale) for (const resolve of freshWaiters.splice(0)) resolve(performance.now());
    const at = answer && !answer.stale ? performance.now() : await Promise.race([fresh, sleep(EDIT_TIMEOUT_MS).then(() => undefined)]);
    if (at !== undefined) current.values.push(at - started);
    else current.timeouts++;
  };
  connection.onNotification(WorkspaceChangedNotification, () => {
    clearTimeout(summaryTimer);
    summaryTimer = setTimeout(() => {
      if (!stopped) void askSummary();
    }, STATUS_BAR_DELAY_MS);
  });
  connection.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => ({})));
  connection.onRequest(RegistrationRequest.type, () => undefined);
  connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
  connection.onNotification('$/progress', () => undefined);
  connection.listen();

  const uriOf = (file: string) => URI.file(path.join(ws.dir, file)).toString();
  const texts = new Map(ws.files.map((f) => [uriOf(f), fs.readFileSync(path.join(ws.dir, f), 'utf8')]));
  const found = (file: string) => (published.get(uriOf(file))?.diagnostics ?? []).map((d) => ({ code: String(d.code), line: d.range.start.line }));
  const allReported = () => countReported(ws, found) === ws.mistakes.length;
  const waitUntil = async (done: () => boolean, timeoutMs: number) => {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) return false;
      await sleep(5);
    }
    return true;
  };

  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    initializationOptions: { cacheFolder },
    rootUri: URI.file(ws.dir).toString(),
    workspaceFolders: [{ uri: URI.file(ws.dir).toString(), name: 'bench' }],
    capabilities: {
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
      window: { workDoneProgress: true },
      textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true }, completion: {}, hover: {} },
    },
  });

  // A file the user has open from the start, to ask for completion and hover while the scan runs.
  const probeUri = uriOf(ws.files[0]);
  const probeText = texts.get(probeUri)!;
  const completionAt = positionOf(probeText, '  resolution: ', true);
  const hoverAt = positionOf(probeText, '  resolution: ', false);
  const timed = async (list: Latencies, request: () => Promise<unknown>) => {
    const started = performance.now();
    // A request still waiting when the server shuts down is rejected: it counts as timed out.
    const answered = await Promise.race([
      request().then(
        () => true,
        () => false,
      ),
      sleep(EDIT_TIMEOUT_MS).then(() => false),
    ]);
    if (answered) list.values.push(performance.now() - started);
    else list.timeouts++;
  };
  const complete = (list: Latencies) =>
    timed(list, () => connection.sendRequest(CompletionRequest.type, { textDocument: { uri: probeUri }, position: completionAt }));
  const hover = (list: Latencies) => timed(list, () => connection.sendRequest(HoverRequest.type, { textDocument: { uri: probeUri }, position: hoverAt }));

  const initializedAt = performance.now();
  await connection.sendNotification(InitializedNotification.type, {});
  void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: probeUri, languageId: 'yaml', version: 1, text: probeText } });

  // Completion and hover while the start-up scan and first check run, until every mistake is reported.
  const completionDuringScan: Latencies = { values: [], timeouts: 0 };
  const hoverDuringScan: Latencies = { values: [], timeouts: 0 };
  const scanDeadline = performance.now() + PHASE_TIMEOUT_MS;
  while (!(indexedAt !== undefined && allReported()) && performance.now() < scanDeadline) {
    await complete(completionDuringScan);
    await hover(hoverDuringScan);
    await sleep(20);
  }
  const diagnosedOk = await waitUntil(
    () => indexedAt !== undefined && allReported() && performance.now() - lastPublish > QUIET_MS,
    Math.max(0, scanDeadline - performance.now()),
  );
  const diagnosedMs = diagnosedOk ? lastPublish - initializedAt : undefined;
  const diagnosedCpuMs = cpuMs(child.pid!);
  const serverReported = countReported(ws, found);
  const stop = async () => {
    stopped = true;
    clearTimeout(summaryTimer);
    try {
      await Promise.race([connection.sendRequest(ShutdownRequest.type), sleep(5000)]);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await connection.sendNotification(ExitNotification.type);
      // A profiling server writes its profile as it exits.
      await Promise.race([exited, sleep(process.env.BENCH_NODE_FLAGS ? 60_000 : 2000)]);
    } catch {
      // Killed below either way.
    }
    connection.dispose();
    child.kill();
  };
  const none: Latencies = { values: [], timeouts: 0 };
  if (scanOnly) {
    const peakMb = peakRssMb(child.pid!);
    await stop();
    return {
      ...{ hosts: ws.hosts, files: ws.files.length, documents: ws.documents, mistakes: ws.mistakes.length },
      indexedMs: indexedAt === undefined ? undefined : indexedAt - initializedAt,
      diagnosedMs,
      diagnosedCpuMs,
      serverReported,
      openAllPublished: false,
      ...{ edited: none, dependent: none, publishedPerEdit: [], completion: none, hover: none, summary, summaryFresh },
      ...{ completionDuringScan, hoverDuringScan, summaryDuringEdits: none, summaryFreshDuringEdits: none, peakMb },
    };
  }

  // Open every file, as an editor restoring its tabs does, until every file has its diagnostics.
  const openStarted = performance.now();
  const countBefore = publishCount;
  const openedAt = new Map<string, number>();
  for (const [uri, text] of texts) {
    if (uri === probeUri) continue;
    openedAt.set(uri, performance.now());
    void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  }
  const everyOpenPublished = () => [...openedAt].every(([uri, at]) => (published.get(uri)?.at ?? 0) >= at);
  const openOk = await waitUntil(() => (everyOpenPublished() || publishCount > countBefore) && performance.now() - lastPublish > QUIET_MS, PHASE_TIMEOUT_MS);
  const openSettledMs = openOk ? Math.max(lastPublish, openStarted) - openStarted : undefined;
  const openAllPublished = everyOpenPublished();

  // Edits: one kind toggles a subset typo in a VirtualService (the edited file's diagnostics change);
  // the other copies another file's host into a ServiceEntry (both files get se-duplicate-host).
  const edited: Latencies = { values: [], timeouts: 0 };
  const dependent: Latencies = { values: [], timeouts: 0 };
  const completion: Latencies = { values: [], timeouts: 0 };
  const hoverAfter: Latencies = { values: [], timeouts: 0 };
  const publishedPerEdit: number[] = [];
  const summaryDuringEdits: Latencies = { values: [], timeouts: 0 };
  const summaryFreshDuringEdits: Latencies = { values: [], timeouts: 0 };
  /** Summary requests made during the edits, not awaited there: the next edit goes on while the figures are worked out. */
  const asked: Promise<void>[] = [];
  const versions = new Map<string, number>();
  const files = ws.files.length;
  const editsDeadline = performance.now() + PHASE_TIMEOUT_MS;
  for (let n = 0; n < EDITS && performance.now() < editsDeadline; n++) {
    const f = (n * 7919 + 13) % files;
    const uri = uriOf(ws.files[f]);
    const original = texts.get(uri)!;
    const h = f * HOSTS_PER_FILE + (n % HOSTS_PER_FILE);
    const send = async (text: string): Promise<number> => {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      const started = performance.now();
      void connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
      const ok = await waitUntil(() => (published.get(uri)?.version ?? 0) >= version && (published.get(uri)?.at ?? 0) >= started, EDIT_TIMEOUT_MS);
      if (ok) edited.values.push(published.get(uri)!.at - started);
      else edited.timeouts++;
      return started;
    };
    const before = publishCount;
    if (n % 2 === 0 || files < 2) {
      // Break a subset name (a longer value, so every later document moves), then mend it.
      await send(original.replace(`subset: host-${h}\n`, `subset: host-${h}-edited\n`));
      await send(original);
    } else {
      const g = ((f + Math.floor(files / 2)) % files) | 0;
      const otherUri = uriOf(ws.files[g]);
      const has = () => (published.get(otherUri)?.diagnostics ?? []).some((d) => d.code === 'se-duplicate-host');
      for (const duplicate of [true, false]) {
        const text = duplicate
          ? original.replace(`  hosts:\n  - ${hostName(h)}\n  ports:`, `  hosts:\n  - ${hostName(g * HOSTS_PER_FILE)}\n  ports:`)
          : original;
        const started = await send(text);
        const ok = await waitUntil(() => has() === duplicate && (published.get(otherUri)?.at ?? 0) >= started, EDIT_TIMEOUT_MS);
        if (ok) dependent.values.push(published.get(otherUri)!.at - started);
        else dependent.timeouts++;
      }
    }
    asked.push(askSummary(summaryDuringEdits, summaryFreshDuringEdits));
    await sleep(50);
    publishedPerEdit.push(publishCount - before);
    await complete(completion);
    await hover(hoverAfter);
  }

  await Promise.all(asked);
  const peakMb = peakRssMb(child.pid!);
  await stop();
  return {
    hosts: ws.hosts,
    files: ws.files.length,
    documents: ws.documents,
    mistakes: ws.mistakes.length,
    indexedMs: indexedAt === undefined ? undefined : indexedAt - initializedAt,
    diagnosedMs,
    diagnosedCpuMs,
    serverReported,
    openSettledMs,
    openAllPublished,
    edited,
    dependent,
    publishedPerEdit,
    completion,
    hover: hoverAfter,
    completionDuringScan,
    hoverDuringScan,
    summary,
    summaryFresh,
    summaryDuringEdits,
    summaryFreshDuringEdits,
    peakMb,
  };
}

const ms = (v: number | undefined) =>
  v === undefined
    ? 'did not finish'
    : v >= 10_000
      ? `${(v / 1000).toFixed(1)} s`
      : v >= 1000
        ? `${(v / 1000).toFixed(2)} s`
        : `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const dist = (l: Latencies) =>
  l.values.length === 0
    ? l.timeouts
      ? `${l.timeouts} timed out`
      : 'n/a'
    : `${ms(percentile(l.values, 50))} / ${ms(percentile(l.values, 95))} / ` +
      `${ms(Math.max(...l.values))} (n=${l.values.length}${l.timeouts ? `, ${l.timeouts} timed out at ${EDIT_TIMEOUT_MS / 1000} s` : ''})`;

function render(results: Result[]): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const head = `| | ${results
    .map((r) => `${r.hosts.toLocaleString('en')} hosts (${r.files.toLocaleString('en')} files, ` + `${r.documents.toLocaleString('en')} documents)`)
    .join(' | ')} |`;
  const rows: [string, (r: Result) => string][] = [
    ['`initialized` → workspace indexed', (r) => ms(r.indexedMs)],
    ['`initialized` → every file diagnosed from disk (last publish, every injected mistake reported)', (r) => ms(r.diagnosedMs)],
    [
      'reopen: `initialized` → every file diagnosed from disk, with the parse cache of the previous run',
      (r) => `${ms(r.reopenDiagnosedMs)}${r.reopenReported === r.mistakes ? '' : `, ${r.reopenReported ?? 0} of ${r.mistakes} mistakes reported`}`,
    ],
    [
      'server CPU time (every thread) when every file is diagnosed and publishing has settled (1 s later), from disk / reopened',
      (r) => `${ms(r.diagnosedCpuMs)} / ${ms(r.reopenCpuMs)}`,
    ],
    ['open every file → diagnostics settled', (r) => `${ms(r.openSettledMs)}${r.openAllPublished ? ', every file published' : ', not every file published'}`],
    ['edit → diagnostics of the edited file, p50 / p95 / max', (r) => dist(r.edited)],
    ['edit → diagnostics of a dependent file, p50 / p95 / max', (r) => dist(r.dependent)],
    [
      'files published per edit, median / max',
      (r) => `${percentile(r.publishedPerEdit, 50) ?? 'n/a'} / ${r.publishedPerEdit.length ? Math.max(...r.publishedPerEdit) : 'n/a'}`,
    ],
    ['completion, p50 / p95 / max', (r) => dist(r.completion)],
    ['hover, p50 / p95 / max', (r) => dist(r.hover)],
    ['completion during the start-up scan, p50 / p95 / max', (r) => dist(r.completionDuringScan)],
    ['hover during the start-up scan, p50 / p95 / max', (r) => dist(r.hoverDuringScan)],
    ['status bar summary (asked 300 ms after each workspace change), p50 / p95 / max', (r) => dist(r.summary)],
    ['status bar summary, request → up-to-date figures (the answer, or the refresh after a stale one), p50 / p95 / max', (r) => dist(r.summaryFresh)],
    ['status bar summary asked after each edit while the edits go on, p50 / p95 / max', (r) => dist(r.summaryDuringEdits)],
    ['status bar summary asked after each edit, request → up-to-date figures, p50 / p95 / max', (r) => dist(r.summaryFreshDuringEdits)],
    ['server peak memory (RSS)', (r) => `${r.peakMb.toFixed(0)} MB`],
    ['injected mistakes reported by the server', (r) => `${r.serverReported} of ${r.mistakes}`],
    ['`istio-egress check` wall time, peak memory', (r) => (r.cliMs === undefined ? 'not run' : `${ms(r.cliMs)}, ${r.cliPeakMb?.toFixed(0)} MB`)],
    [
      '`istio-egress check --cache` with the cache of the previous run: wall time, peak memory (the previous run, which wrote it)',
      (r) => (r.cliWarmMs === undefined ? 'not run' : `${ms(r.cliWarmMs)}, ${r.cliWarmPeakMb?.toFixed(0)} MB (${ms(r.cliWritingMs)})`),
    ],
    ['injected mistakes reported by `istio-egress check`', (r) => (r.cliMs === undefined ? 'not run' : `${r.cliReported} of ${r.mistakes}`)],
  ];
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (test/bench/bench.ts), which drives the built `dist/server.js --stdio` with an LSP client as an editor does.',
    "The workspace (test/bench/workspace.ts) is a platform team's egress monorepo: one file per namespace with five external hosts " +
      "(ServiceEntry, Gateway, DestinationRule and VirtualService each, routed through the egress gateway) and the namespace's Sidecar " +
      'with REGISTRY_ONLY, 21 documents per file.',
    'One host in ten carries one injected mistake, of eight kinds the analyzers know; ' +
      'a mistake counts as reported when a diagnostic with its code lies in its document.',
    "Edits alternate between toggling a subset typo in a VirtualService (the edited file's diagnostics change) and copying another file's host " +
      'into a ServiceEntry and back (the other file gains and loses `se-duplicate-host`, measured as "dependent").',
    "Completion and hover ask about a ServiceEntry's `resolution` in a file opened before the scan; " +
      'during the scan they are asked every 20 ms until every mistake is reported.',
    'Like the status bar, the client asks for the map summary 300 ms after the last workspace-changed notification; ' +
      'the server answers at once with its last figures, marked stale after a change, and sends the refreshed figures when it has worked them out. ' +
      "The client also asks right after each edit's diagnostics and goes on editing, to time fresh figures during a stream of edits.",
    '',
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, ${os.type()} ${os.release()}; ` +
      `shared with other work (load average at the end: ${load})`,
    `- Node ${process.version}; ${EDITS} edits per size`,
    '',
    head,
    `| --- |${results.map(() => ' --- |').join('')}`,
    rows.map(([label, f]) => `| ${label} | ${results.map(f).join(' | ')} |`).join('\n'),
    '',
  ].join('\n');
}

/**
 * What the new BENCHMARKS.md keeps of the old one: the previous run's figures (its date, machine and
 * table), to read side by side with the new ones, and the notes written by hand under "## Notes".
 */
function history(previous: string): string {
  const lines = previous.split('\n');
  const date = lines.findIndex((l) => l.startsWith('- Date:'));
  let end = lines.findIndex((l, i) => i > date && l.startsWith('|'));
  while (end >= 0 && end < lines.length && lines[end].startsWith('|')) end++;
  const run = date >= 0 && end > date ? `\n## Previous run\n\n${lines.slice(date, end).join('\n')}\n` : '';
  const notesAt = previous.indexOf('\n## Notes\n');
  return run + (notesAt >= 0 ? previous.slice(notesAt) : '');
}

async function main(): Promise<void> {
  const root = path.join(os.tmpdir(), 'istio-egress-bench');
  const results: Result[] = [];
  for (const hosts of SIZES) {
    const ws = generateWorkspace(root, hosts);
    console.error(`${hosts} hosts: ${ws.files.length} files, ${ws.documents} documents, ${ws.mistakes.length} mistakes in ${ws.dir}`);
    const caches = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-bench-cache-'));
    const cli = RUN_CLI ? runCli(ws) : undefined;
    if (cli) console.error(`  istio-egress check: ${ms(cli.ms)}, ${cli.reported}/${ws.mistakes.length} reported`);
    const writing = RUN_CLI ? runCli(ws, path.join(caches, 'cli.bin')) : undefined;
    const warm = RUN_CLI ? runCli(ws, path.join(caches, 'cli.bin')) : undefined;
    if (warm) console.error(`  istio-egress check --cache: ${ms(writing?.ms)} writing the cache, ${ms(warm.ms)} with it`);
    const serverCache = path.join(caches, 'server');
    const server = await runServer(ws, serverCache);
    const reopen = await runServer(ws, serverCache, true);
    console.error(`  reopened with the parse cache: every file diagnosed in ${ms(reopen.diagnosedMs)}`);
    fs.rmSync(caches, { recursive: true, force: true });
    const result: Result = {
      ...server,
      cliMs: cli?.ms,
      cliReported: cli?.reported,
      cliPeakMb: cli?.peakMb,
      cliWarmMs: warm?.ms,
      cliWarmPeakMb: warm?.peakMb,
      cliWritingMs: writing?.ms,
      reopenDiagnosedMs: reopen.diagnosedMs,
      reopenReported: reopen.serverReported,
      reopenCpuMs: reopen.diagnosedCpuMs,
    };
    console.error(
      '  ' +
        JSON.stringify({
          ...result,
          edited: dist(result.edited),
          dependent: dist(result.dependent),
          completion: dist(result.completion),
          hover: dist(result.hover),
          completionDuringScan: dist(result.completionDuringScan),
          hoverDuringScan: dist(result.hoverDuringScan),
          summary: dist(result.summary),
          summaryFresh: dist(result.summaryFresh),
          summaryDuringEdits: dist(result.summaryDuringEdits),
          summaryFreshDuringEdits: dist(result.summaryFreshDuringEdits),
          publishedPerEdit: undefined,
        }),
    );
    results.push(result);
  }
  const file = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : path.join(repoRoot, 'BENCHMARKS.md');
  const markdown = render(results) + history(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  fs.writeFileSync(file, markdown);
  console.log(markdown);
}

void main();

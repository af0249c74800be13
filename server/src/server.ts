/**
 * startServer: the LSP capabilities and one table of handlers. It keeps the workspace index
 * current (start-up scan, open editors, watched files) and publishes diagnostics for every indexed
 * file whose findings may have changed. Reading files and loading schemas come in through `io`.
 */
import {
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Position,
} from 'vscode-languageserver';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { parseDocumentAt, parseFileParts, parseFileSteps, type ParsedFile } from './parse/parse';
import { parsedFileOf, type FileParser, type ParsedRecord } from './parse/parsed-record';
import { WorkspaceIndex } from './index/workspace-index';
import { meshPartition } from './index/meshes';
import { Checker } from './check/checker';
import { CheckAhead } from './check/check-ahead';
import { WarmUp } from './check/warm-up';
import { FixVerdicts } from './check/fixes';
import type { SchemaStore } from './schema/catalogue';
import { DEFAULT_SETTINGS, normalizeSettings, type Settings } from './settings';
import { toDiagnostic } from './features/diagnostics';
import { codeActions } from './features/code-actions';
import { completionItems, hoverInfo, warmUpRequests } from './features/completion';
import { egressPathLenses } from './features/code-lens';
import { definition, documentSymbolsOf, prepareRename, references, rename, workspaceSymbolsOf, type Navigation } from './features/navigation';
import { offsetAt, openDocuments } from './features/positions';
import { compileFilter, inSkippedFolder, type FileFilter } from './node/workspace';
import type { RecordStore } from './node/record-store';
import type { KeptFindings } from './check/kept-findings';
import {
  IndexedNotification,
  MapSummaryNotification,
  GenerateBundleRequest,
  BundleDefaultsRequest,
  TrafficMapRequest,
  WorkspaceChangedNotification,
  type IndexedParams,
} from './protocol';
import { isSummaryRequest, trafficMapOf } from './features/traffic-map';
import { PathSummary } from './navigation/path-summary';
import { bundleDefaults, bundleFor } from './features/generate';
import { checkedBundleParams, fileFolders } from './features/faults';
import { FileEvents } from './features/file-events';
import { Slices, type MessageWatch } from './features/slices';
import { SummaryRequests, summaryPause } from './features/summary-requests';
import { errorReporter } from './faults';
import { severityProblems } from './check/severity-setting';
import { isRecord } from './data';
import type { FaultReport } from './model';

/** A document opened and being parsed a document at a time (see `opening` in `startServer`). */
interface Opening {
  text: string;
  steps: Generator<void, { file: ParsedFile }>;
  /** The parsed file, once the last step is taken. */
  file?: ParsedFile;
}

/** Takes one step of an opening's parse, if any is left; true once the file is parsed. */
function stepOpening(open: Opening): boolean {
  if (!open.file) {
    const step = open.steps.next();
    if (step.done) open.file = step.value.file;
  }
  return open.file !== undefined;
}

/** The file an opening's steps give, taking those left. */
function parsedOpening(open: Opening): ParsedFile {
  while (!stepOpening(open));
  return open.file!;
}

export interface ServerIO {
  /** Absolute paths of the files to index under a folder; folders it cannot list go to `unreadable`. */
  listFiles(folder: string, filter: FileFilter, unreadable?: (folder: string, reason: string) => void): Promise<string[]>;
  readFile(path: string): Promise<string | undefined>;
  schemas(): SchemaStore;
  /** Whether a message from the editor waits, so that background work lets it through first. */
  messages?: MessageWatch;
  /**
   * Parsers on other threads for a scan of `files` files (node/parse-pool.ts), or undefined when the scan
   * should parse them itself; faults go to `report`. The scan closes what it is given when it ends.
   */
  parserFor?(files: number, report: (fault: FaultReport) => void): FileParser | undefined;
  /**
   * The parse records kept between sessions in `file` (node/record-store.ts), when the editor names a folder it owns
   * (`initializationOptions.cacheFolder`); a scan then parses only the files whose text changed. `warn` goes to the output channel.
   */
  recordStore?(file: string, warn: (message: string) => void): RecordStore;
}

const PUBLISH_DELAY_MS = 20;
/** Files the start-up scan reads ahead of the one it parses. */
const READ_AHEAD = 8;
/** Files the start-up scan reads and hands to other threads to parse ahead of the one it indexes, when it has them. */
const PARSE_AHEAD = 32;
/** More diagnostics than this in one file help nobody and make every publish slow; the first ones are shown. */
const MAX_DIAGNOSTICS = 1000;
/** How long after a scan its parse records are written to the cache, so that publishing its diagnostics comes first. */
const CACHE_SAVE_DELAY_MS = 2000;
/** How long after a scan its cache is written if publishing its diagnostics has not settled by then. */
const CACHE_SAVE_LATEST_MS = 60_000;

/** A promise and the function that resolves it. */
interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export function startServer(connection: Connection, io: ServerIO): void {
  const index = new WorkspaceIndex();
  const documents = new TextDocuments(openDocuments((uri) => index.file(uri)?.text));
  const fixVerdicts = new FixVerdicts(index);
  let settings: Settings = DEFAULT_SETTINGS;
  /** The status bar's summary of the egress paths, kept per resource so that a change recomputes only what it touched. */
  const pathSummary = new PathSummary(index, settings);
  let checker: Checker | undefined;
  let folders: string[] = [];
  let canConfigure = false;
  let canWatch = false;
  let canProgress = false;
  let canFolders = false;
  let canRefreshLenses = false;
  const published = new Set<string>();
  const pending = new Set<string>();
  /** Files the user edited, published before the files that depend on them. */
  const urgent = new Set<string>();
  /** The latest text of edited documents, parsed when publishing or when a request needs it: a burst of keystrokes is parsed once. */
  const edits = new Map<string, string>();
  /**
   * Documents opened with a text the index does not hold, parsed a document at a time by `drain`, which lets messages
   * through between documents, then indexed: the first parse of a file on this thread is slow (its code is cold), and
   * a completion or hover sent with the open would wait for all of it. Such a request reads only its own document meanwhile.
   */
  const opening = new Map<string, Opening>();
  let publishTimer: NodeJS.Timeout | undefined;
  let draining = false;
  /** From the end of a scan until its files are published: the status bar's summary waits for that too, diagnostics come first. */
  let settling = false;
  /** Schedules writing the parse cache of the last scan, once its files are published. */
  let saveWhenSettled: (() => void) | undefined;
  let activeScans = 0;
  /**
   * Indexing under way: the scans that have not indexed all their files yet, and the server's start until the first scan
   * begins, when the index holds only what the editor opened (see `beginIndexing`). Meanwhile a file is published with its
   * syntax and schema findings only (see `publish`) and the status bar's summary waits; every file is published in full after.
   */
  let indexingScans = 0;
  /** Resolves when no indexing is under way; definitions, references, the traffic map and the bundle generator wait for it (`whenIndexed`). */
  let indexedAll: Deferred | undefined;
  /** Counts one more indexing under way; the function it returns ends that one, once. */
  function beginIndexing(): () => void {
    if (indexingScans++ === 0) indexedAll = deferred();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--indexingScans > 0) return;
      indexedAll?.resolve();
      indexedAll = undefined;
    };
  }
  /** Ends the indexing counted from the server's start, once a scan has begun its own. */
  const startIndexed = beginIndexing();
  /** Runs `run` once no indexing is under way. */
  const whenIndexed = async <T>(run: () => T): Promise<T> => {
    await indexedAll?.promise;
    return run();
  };
  /** Whether the editor has answered the first request for settings (the first scan starts then). */
  let settingsKnown = false;
  /** The parse threads of the scans running, stopped when the server shuts down. */
  const parsers = new Set<FileParser>();
  /** Where parse records are kept between sessions, when the editor gave a folder for them. */
  let recordStore: RecordStore | undefined;
  /** Watcher events and document opens and closes, so that a scan does not store a read that one of them has overtaken. */
  const fileEvents = new FileEvents();
  /** Events matter only to a scan running (its reads note the moment they start); none is kept between scans. */
  const noteEvent = (uri: string, deleted: boolean) => {
    if (activeScans > 0) fileEvents.record(uri, deleted);
  };

  const reportError = errorReporter((message) => connection.console.error(message));
  /** A checker; a scan's takes the schema findings its cache kept, so that the documents of unchanged files are not validated again. */
  const newChecker = (kept?: KeptFindings) => new Checker(index, io.schemas(), settings, reportError, { kept });
  const getChecker = () => (checker ??= newChecker());
  /** The first check of each kind, taken apart so that the scan and the re-checks let messages through between its steps. */
  const warmUp = new WarmUp(() => getChecker().store, reportError);
  const fsPath = (uri: string) => URI.parse(uri).fsPath;
  // Only `file:` URIs name local files; `untitled:`, `vscode-vfs:`, notebook cells and the like are never read from disk.
  const isFileUri = (uri: string) => uri.startsWith('file:');
  /** The workspace folder a local path is in (or is), if any. */
  const folderOf = (p: string) => folders.find((f) => p === f || p.startsWith(f.endsWith('/') ? f : `${f}/`));
  const inWorkspace = (uri: string) => isFileUri(uri) && folderOf(fsPath(uri)) !== undefined;
  let reportedGlobErrors = '';
  const matcherFor = () => {
    const compiled = compileFilter({ include: settings.include, exclude: settings.exclude });
    const errors = compiled.errors.map((e) => `istioEgress.${e}`).join('\n');
    if (errors && errors !== reportedGlobErrors) {
      connection.console.error(errors);
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Istio Egress: ${errors}` });
    }
    reportedGlobErrors = errors;
    return compiled.matches;
  };
  let matches = matcherFor();
  let reportedSeverityProblems = '';
  /** Settings from the editor; entries of `istioEgress.severity` that are ignored (a misspelt code or level) are shown once. */
  const settingsFrom = (raw: unknown): Settings => {
    const problems = severityProblems(isRecord(raw) ? raw.severity : undefined, 'istioEgress.severity').join('\n');
    if (problems && problems !== reportedSeverityProblems) {
      connection.console.warn(problems);
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Istio Egress: ${problems}` });
    }
    reportedSeverityProblems = problems;
    return normalizeSettings(raw);
  };
  const isIndexable = (uri: string) => {
    if (!isFileUri(uri)) return false;
    const p = fsPath(uri);
    const folder = folderOf(p);
    if (folder === undefined || folder === p) return false;
    const rel = p.slice(folder.length).replace(/^\/+/, '');
    return !inSkippedFolder(rel) && matches(rel);
  };

  function update(uri: string, text: string | undefined, edited = false): void {
    const open = opening.get(uri);
    opening.delete(uri);
    // Opening a file fires both open and change events, and usually brings the text already indexed from disk.
    if (text !== undefined && index.file(uri)?.text === text) {
      pending.add(uri);
      schedulePublish();
      return;
    }
    const parsed = () => (open && open.text === text ? parsedOpening(open) : parseFileParts(uri, text!, { trees: false }).file);
    const change = text === undefined ? index.removeFile(uri) : index.setFile(parsed());
    pathSummary.changed(change);
    for (const affected of getChecker().affectedBy(change)) pending.add(affected);
    if (text === undefined) pending.add(uri);
    if (edited) urgent.add(uri);
    schedulePublish();
  }

  /**
   * Publishes pending files: edited files at once and first, then the files that depend on them, in
   * slices that yield to the event loop, so that completion, hover and newer edits never wait for a
   * long re-check (a newer edit's file jumps the queue). Other files wait `PUBLISH_DELAY_MS`, so that a burst of edits
   * is checked once, unless `now` (the end of a scan, new settings: nothing more is coming).
   */
  function schedulePublish(now = false): void {
    if (draining) return;
    if (publishTimer) {
      if (!now) return;
      clearTimeout(publishTimer);
    }
    publishTimer = setTimeout(() => void drain(), now || urgent.size > 0 ? 0 : PUBLISH_DELAY_MS);
  }

  /** Brings edited documents (one, or all) into the index. */
  function flushEdits(uri?: string): void {
    for (const [u, text] of uri === undefined ? [...edits] : edits.has(uri) ? [[uri, edits.get(uri)!] as const] : []) {
      edits.delete(u);
      update(u, text, true);
    }
  }

  /** Brings edited and opened documents (one, or all) into the index, for a request; an opened one is parsed at once. */
  function flush(uri?: string): void {
    flushEdits(uri);
    for (const [u, open] of uri === undefined ? [...opening] : opening.has(uri) ? [[uri, opening.get(uri)!] as const] : []) update(u, open.text);
  }

  /**
   * The file a completion or hover at `offset` reads: the indexed one, or, for a document opened and not parsed yet,
   * its one document at `offset` parsed alone (see `parseDocumentAt`) when it can be.
   */
  function fileForRequest(uri: string, position: Position): { file: ParsedFile; offset: number } | undefined {
    const open = edits.has(uri) ? undefined : opening.get(uri);
    if (open) {
      const offset = offsetAt(open.text, position);
      const file = parseDocumentAt(uri, open.text, offset);
      if (file) return { file, offset };
    }
    flush(uri);
    const file = index.file(uri);
    return file && { file, offset: offsetAt(file.text, position) };
  }

  async function drain(): Promise<void> {
    publishTimer = undefined;
    draining = true;
    try {
      const slices = new Slices(io.messages);
      let publishedAny = false;
      flushEdits();
      while (pending.size > 0 || urgent.size > 0 || opening.size > 0) {
        const yieldIfDue = async () => {
          if (!slices.due()) return;
          await slices.next();
          flushEdits();
        };
        // An opened document is parsed a document at a time, then indexed; a request or an edit may overtake it.
        const [opened] = opening;
        if (opened) {
          const [u, open] = opened;
          while (opening.get(u) === open && !stepOpening(open)) await yieldIfDue();
          if (opening.get(u) === open) update(u, open.text);
          continue;
        }
        const [uri] = urgent.size > 0 ? urgent : pending;
        // Check a file document by document, yielding between them; an edit that arrives meanwhile wins.
        const file = index.file(uri);
        for (const r of file?.resources ?? []) {
          while (warmUp.step(r)) await yieldIfDue();
          if (index.file(uri) !== file) break;
          getChecker().prepare(r);
          await yieldIfDue();
        }
        if (index.file(uri) !== file) continue;
        urgent.delete(uri);
        pending.delete(uri);
        publish(uri);
        publishedAny = true;
        await yieldIfDue();
      }
      // Egress paths read other files: a change anywhere may change the lenses of open editors.
      if (publishedAny && canRefreshLenses && indexingScans === 0) connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      // The traffic map and the status bar follow the same changes.
      if (publishedAny) void connection.sendNotification(WorkspaceChangedNotification);
    } finally {
      draining = false;
      if (edits.size > 0 || pending.size > 0 || opening.size > 0) schedulePublish();
      else {
        settling = false;
        saveWhenSettled?.();
        saveWhenSettled = undefined;
      }
    }
  }

  const textOf = (uri: string) => index.file(uri)?.text;
  /** Runs a request on the indexed file it names, at the offset of its position when it has one. */
  const withFile = <T>(p: { textDocument: { uri: string }; position?: Position }, run: (file: ParsedFile, offset: number) => T, none: T): T => {
    // Navigation reads other files too, so every pending edit is brought into the index first.
    flush();
    const file = index.file(p.textDocument.uri);
    return file ? run(file, p.position ? offsetAt(file.text, p.position) : 0) : none;
  };
  const navigation = (): Navigation => ({ index, settings, textOf, indexing: indexingScans > 0 });

  function publish(uri: string): void {
    const file = index.file(uri);
    // Nothing before the user's settings are known: they may turn a finding off or change its severity.
    if (!settingsKnown) return;
    // A file opened or edited while a scan indexes the workspace shows its syntax and schema findings: an analyzer could
    // miss what a file not read yet defines (a subset, a gateway, a kustomization's namespace) and show a false alarm.
    const partial = indexingScans > 0;
    const findings = !file ? [] : partial ? getChecker().syntaxAndSchemaFindings(uri) : getChecker().findings(uri);
    // An open Istio file always gets its list, empty or not, so that the editor can tell "checked, clean" from "not
    // checked yet"; during a scan only once it has shown something, as an empty list would say "clean" too early.
    const open = !!file?.owned && !!documents.get(uri) && !partial;
    if (findings.length === 0 && !published.has(uri) && !open) return;
    const diagnostics = file ? findings.slice(0, MAX_DIAGNOSTICS).map((f) => toDiagnostic(file.text, f, textOf)) : [];
    if (diagnostics.length) published.add(uri);
    else published.delete(uri);
    const version = documents.get(uri)?.version;
    void connection.sendDiagnostics({ uri, version, diagnostics });
  }

  function publishAll(): void {
    for (const uri of index.uris()) pending.add(uri);
    for (const uri of published) pending.add(uri);
    schedulePublish(true);
  }

  async function fetchSettings(): Promise<void> {
    if (!canConfigure) return;
    try {
      const raw = await connection.workspace.getConfiguration('istioEgress');
      settings = settingsFrom(raw);
    } catch {
      settings = DEFAULT_SETTINGS;
    }
  }

  /** Indexes every matching file of the workspace folders (open editors keep their unsaved text). */
  async function scan(): Promise<void> {
    activeScans++;
    const indexed = beginIndexing();
    startIndexed();
    try {
      await scanFolders(indexed);
    } catch (e) {
      // A failed scan must not take the server down (or leave the editor waiting): report it, keep serving open files,
      // and publish every file with what is indexed, as no more is coming.
      connection.console.error(`Istio Egress: indexing the workspace failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      settling = true;
      indexed();
      publishAll();
    } finally {
      indexed();
      if (--activeScans === 0) fileEvents.clear();
    }
  }

  /** Indexes the folders' files, then publishes every file; `indexed` is called when every file is indexed, before the publishing starts. */
  async function scanFolders(indexed: () => void): Promise<void> {
    const started = Date.now();
    const progress = canProgress ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Istio Egress: indexing', 0, 'listing files', false);
    const paths: string[] = [];
    /** Folders and files that could not be read (permissions), for one warning in the output channel. */
    const unreadable: string[] = [];
    const filter = { include: settings.include, exclude: settings.exclude };
    for (const folder of folders) paths.push(...(await io.listFiles(folder, filter, (p, reason) => unreadable.push(`${p} (${reason})`))));
    const seen = new Set<string>();
    let lastReport = 0;
    const slices = new Slices(io.messages);
    // Files are read a few ahead of the one being indexed, so that it never waits for the disk; with parse
    // threads, each is parsed there as soon as it is read, and only indexed here, in order. Without a cache file,
    // the threads start now and load their code while the cache's stamps are worked out: at 100 hosts (20 files),
    // waiting for them had been a fifth of the scan. With one, a file whose text is unchanged is answered from it,
    // and the threads start for the first file that is not.
    const pool = io.parserFor?.(paths.length, reportError);
    if (pool) {
      parsers.add(pool);
      if (!(await recordStore?.exists())) pool.start?.();
    }
    const cache = await recordStore?.load();
    // The meshes depend on the settings and folders only; the checker starts afresh for the settings of this scan.
    index.setMeshes(
      meshPartition(
        settings.clusters,
        folders.map((f) => URI.file(f).toString()),
      ),
    );
    checker = newChecker(cache?.keptFindings());
    // While the next file is read or parsed, the files indexed so far are checked (see check-ahead.ts).
    const ahead = new CheckAhead(index, getChecker, warmUp);
    const parser = cache ? cache.parser(pool) : pool;
    const uris = paths.map((p) => URI.file(p).toString());
    const reads = new Map<number, { text: Promise<string | undefined>; record?: Promise<ParsedRecord | undefined>; since: number }>();
    const readAhead = (from: number) => {
      for (let j = from; j < Math.min(paths.length, from + (parser ? PARSE_AHEAD : READ_AHEAD)); j++) {
        if (reads.has(j)) continue;
        const read = io.readFile(paths[j]);
        // A failed read is reported when its turn comes, by the await below.
        read.catch(() => undefined);
        const uri = uris[j];
        const record = parser && read.then((text) => (text === undefined ? undefined : parser.parse(uri, text))).catch(() => undefined);
        reads.set(j, { text: read, record, since: fileEvents.now() });
      }
    };
    try {
      for (let i = 0; i < paths.length; i++) {
        const uri = uris[i];
        seen.add(uri);
        readAhead(i);
        const read = reads.get(i)!;
        reads.delete(i);
        if (!documents.get(uri)) {
          await ahead.until(Promise.all([read.text, read.record]), () => slices.next());
          const text = await read.text;
          const record = await read.record;
          if (text === undefined) unreadable.push(paths[i]);
          // The file may have been opened while it was read: the editor's unsaved text wins then; and a watcher
          // event for it (changed, deleted) may have been handled meanwhile: the index has the newer state then.
          if (text !== undefined && !documents.get(uri) && !fileEvents.touchedSince(uri, read.since)) {
            ahead.changed(index.setFile(parsedFileOf(uri, text, record)));
          }
        }
        if (progress && (i - lastReport >= 200 || i === paths.length - 1)) {
          lastReport = i;
          progress.report(Math.round(((i + 1) / paths.length) * 100), `${i + 1}/${paths.length} files`);
        }
        await slices.next();
      }
    } finally {
      if (pool) parsers.delete(pool);
      await parser?.close();
    }
    for (const uri of [...index.uris()]) if (!seen.has(uri) && !documents.get(uri)) ahead.changed(index.removeFile(uri));
    if (cache && recordStore) {
      const saveSlices = new Slices(io.messages);
      const store = recordStore;
      const save = (delayMs: number) => store.saveLater(cache, seen, delayMs, () => (saveSlices.due() ? saveSlices.next() : undefined));
      // Written once the scan's files are published, so that the schema findings of every document go with the records; at the latest a while after.
      save(CACHE_SAVE_LATEST_MS);
      saveWhenSettled = () => save(CACHE_SAVE_DELAY_MS);
    }
    progress?.done();
    if (unreadable.length > 0) {
      const more = unreadable.length > 10 ? ` and ${unreadable.length - 10} more` : '';
      connection.console.warn(`Istio Egress: these could not be read and are not checked: ${unreadable.slice(0, 10).join(', ')}${more}.`);
    }
    pathSummary.reset(settings);
    settling = true;
    indexed();
    publishAll();
    let resources = 0;
    for (const f of index.files()) resources += f.resources.length;
    const params: IndexedParams = { files: index.size, resources, milliseconds: Date.now() - started };
    void connection.sendNotification(IndexedNotification, params);
  }

  async function onWatchedFile(uri: string, type: FileChangeType): Promise<void> {
    if (documents.get(uri) || !isFileUri(uri)) return;
    if (type === FileChangeType.Deleted) {
      noteEvent(uri, true);
      // A deleted folder arrives as one event for the folder: drop every file below it, but not the
      // open ones, whose text lives in the editor.
      const prefix = uri.endsWith('/') ? uri : `${uri}/`;
      for (const known of [...index.uris()]) if ((known === uri || known.startsWith(prefix)) && !documents.get(known)) update(known, undefined);
      return;
    }
    if (!isIndexable(uri)) return;
    noteEvent(uri, false);
    const text = await io.readFile(fsPath(uri));
    // The file may have been opened while it was read: the editor's text wins then.
    if (documents.get(uri)) return;
    update(uri, text);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    canConfigure = !!caps.workspace?.configuration;
    canWatch = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    canProgress = !!caps.window?.workDoneProgress;
    canFolders = !!caps.workspace?.workspaceFolders;
    canRefreshLenses = !!caps.workspace?.codeLens?.refreshSupport;
    folders = fileFolders((params.workspaceFolders ?? []).map((f) => f.uri));
    if (folders.length === 0 && params.rootUri && !params.workspaceFolders?.length) folders = fileFolders([params.rootUri]);
    const init = params.initializationOptions as { settings?: unknown; cacheFolder?: unknown } | undefined;
    if (init?.settings) settings = settingsFrom(init.settings);
    // Nothing is written into the workspace: a cache folder inside a workspace folder is not used.
    if (typeof init?.cacheFolder === 'string' && path.isAbsolute(init.cacheFolder) && !folderOf(path.resolve(init.cacheFolder))) {
      recordStore = io.recordStore?.(path.join(init.cacheFolder, 'parse-records.bin'), (message) => connection.console.warn(`Istio Egress: ${message}`));
    }
    // The editor waits for this answer before it asks anything: the first completion and hover compile their code now.
    warmUpRequests(io.schemas(), navigation());
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '-'], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'istio-egress' },
    };
  });

  connection.onShutdown(async () => {
    await Promise.all([...parsers].map((p) => p.close()));
    await recordStore?.flush();
  });

  connection.onInitialized(async () => {
    if (canFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
        const removed = new Set(e.removed.map((f) => URI.parse(f.uri).fsPath));
        folders = [...folders.filter((f) => !removed.has(f)), ...fileFolders(e.added.map((f) => f.uri))];
        await scan();
      });
    }
    if (canConfigure) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'istioEgress' });
    if (canWatch)
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{yaml,yml}' }, { globPattern: '**/Kustomization' }, { globPattern: '**/' }],
      });
    await fetchSettings();
    settingsKnown = true;
    matches = matcherFor();
    await scan();
  });

  connection.onDidChangeConfiguration(async (change) => {
    const before = settings;
    if (canConfigure) await fetchSettings();
    else settings = settingsFrom((change.settings as { istioEgress?: unknown } | undefined)?.istioEgress);
    matches = matcherFor();
    if (JSON.stringify(before.include) !== JSON.stringify(settings.include) || JSON.stringify(before.exclude) !== JSON.stringify(settings.exclude)) {
      await scan();
    } else {
      index.setMeshes(
        meshPartition(
          settings.clusters,
          folders.map((f) => URI.file(f).toString()),
        ),
      );
      getChecker().setSettings(settings);
      pathSummary.reset(settings);
      publishAll();
    }
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    for (const change of params.changes) await onWatchedFile(change.uri, change.type);
  });

  documents.onDidOpen((e) => {
    const uri = e.document.uri;
    const text = e.document.getText();
    noteEvent(uri, false);
    edits.delete(uri);
    if (index.file(uri)?.text === text) update(uri, text);
    else {
      opening.set(uri, { text, steps: parseFileSteps(uri, text, { trees: false }) });
      urgent.add(uri);
      schedulePublish();
    }
  });
  documents.onDidChangeContent((e) => {
    // The change event that comes with an open brings the text being parsed.
    if (opening.get(e.document.uri)?.text === e.document.getText() && !edits.has(e.document.uri)) return;
    edits.set(e.document.uri, e.document.getText());
    urgent.add(e.document.uri);
    schedulePublish();
  });
  documents.onDidClose(async (e) => {
    const uri = e.document.uri;
    edits.delete(uri);
    opening.delete(uri);
    // A read the start-up scan began before this close is older than the read below.
    noteEvent(uri, false);
    // Back to what is on disk, or out of the index for files outside the workspace.
    const text = inWorkspace(uri) && isIndexable(uri) ? await io.readFile(fsPath(uri)) : undefined;
    if (!documents.get(uri)) update(uri, text);
  });

  connection.onCompletion((p) => {
    const at = fileForRequest(p.textDocument.uri, p.position);
    return at ? completionItems(at.file, at.offset, io.schemas(), navigation()) : [];
  });
  connection.onHover((p) => {
    const at = fileForRequest(p.textDocument.uri, p.position);
    return at ? hoverInfo(at.file, at.offset, io.schemas(), navigation()) : null;
  });
  // Definitions and references may be in files a scan has not read yet: both wait for it, rather than answer "none" or a part.
  connection.onDefinition((p) => whenIndexed(() => withFile(p, (file, offset) => definition(file, offset, navigation()), [])));
  connection.onReferences((p) => whenIndexed(() => withFile(p, (file, offset) => references(file, offset, p.context.includeDeclaration, navigation()), [])));
  connection.onPrepareRename((p) => withFile(p, (file, offset) => prepareRename(file, offset, navigation()), null));
  connection.onRenameRequest((p) => withFile(p, (file, offset) => rename(file, offset, p.newName, navigation()), null));
  connection.onDocumentSymbol((p) => withFile(p, (file) => documentSymbolsOf(file), []));
  connection.onWorkspaceSymbol((p) => {
    // The query reads every file, so every pending edit is brought into the index first, as for navigation.
    flush();
    return workspaceSymbolsOf(index.files(), p.query);
  });
  // While a scan indexes the workspace, a path may lack a hop defined in a file not read yet (the egress gateway's route), and
  // a lens would say the traffic bypasses it: none until every file is indexed, when the editor is asked to refresh them.
  connection.onCodeLens((p) => (indexingScans > 0 ? [] : withFile(p, (file) => egressPathLenses(file, navigation(), (uri) => getChecker().findings(uri)), [])));
  connection.onCodeAction((p) => {
    flush(p.textDocument.uri);
    const file = index.file(p.textDocument.uri);
    if (!file) return [];
    const findings = getChecker().findings(p.textDocument.uri);
    return codeActions(p, file, findings, reportError, (finding, fix) => fixVerdicts.isSound(io.schemas(), settings, file, findings, finding, fix));
  });

  // A bundle's names must not collide with those of files a scan has not read yet: both requests wait for it.
  connection.onRequest(BundleDefaultsRequest, () => whenIndexed(() => bundleDefaults(index, settings)));
  connection.onRequest(GenerateBundleRequest, (p) => whenIndexed(() => bundleFor(index, settings, checkedBundleParams(p))));
  /** The summary's passes take slices behind the scan, and mostly behind edits and re-checks (see `summaryPause`). */
  const summarySlices = new Slices(io.messages);
  const summaryRequests = new SummaryRequests(
    pathSummary,
    summaryPause(
      summarySlices,
      io.messages,
      () => indexingScans > 0 || settling,
      () => draining || publishTimer !== undefined || edits.size > 0,
    ),
    (summary) => void connection.sendNotification(MapSummaryNotification, summary),
    (e) => connection.console.error(`Istio Egress: the egress summary failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  );
  /** The map view waits for its map: computing the paths it lacks yields only to other messages. */
  const mapSlices = new Slices(io.messages);
  connection.onRequest(TrafficMapRequest, async (p) => {
    if (isSummaryRequest(p)) {
      flush();
      // A fresh slice: a pass after an edit needs no pause, and its figures follow this answer at once.
      summarySlices.restart();
      return summaryRequests.answer();
    }
    // A map drawn while a scan indexes the workspace could miss a hop defined in a file not read yet: it waits for the scan.
    return whenIndexed(async () => {
      flush();
      const paths = await pathSummary.mapPaths(() => (mapSlices.due() ? mapSlices.next() : undefined));
      return trafficMapOf(p, navigation(), paths, textOf);
    });
  });

  documents.listen(connection);
  connection.listen();
}

/**
 * A real LSP client for protocol tests: spawns the bundled `dist/server.js --stdio`, answers the
 * server's requests (configuration, registrations, progress) like an editor would, and records
 * published diagnostics so tests can wait for them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import {
  CodeLensRefreshRequest,
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
  DidCloseTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidChangeConfigurationNotification,
  ShutdownRequest,
  ExitNotification,
  type ProtocolConnection,
  type Diagnostic,
  type InitializeResult,
  type FileChangeType,
  type Position,
} from 'vscode-languageserver-protocol/node';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { IndexedNotification } from '../../server/src/protocol';
import { SERVER_EXEC_ARGV } from '../../server/src/node/v8-options';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const serverPath = path.join(repoRoot, 'dist', 'server.js');

export interface TestClient {
  connection: ProtocolConnection;
  initializeResult: InitializeResult;
  /** Diagnostics last published per URI. */
  diagnostics: Map<string, Diagnostic[]>;
  /** How many times the server asked the client to refresh its code lenses. */
  codeLensRefreshes(): number;
  /** The document version the last diagnostics per URI were published for. */
  diagnosticVersions: Map<string, number | undefined>;
  /** Resolves with the first published diagnostics for `uri` that satisfy `accept`. */
  waitForDiagnostics(uri: string, accept: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, text: string, version: number): void;
  close(uri: string): void;
  fileChanged(uri: string, type: FileChangeType): void;
  setSettings(settings: Record<string, unknown>): void;
  stderr(): string;
  /** Messages the server logged (window/logMessage): what the extension's output channel shows. */
  logs: { type: number; message: string }[];
  stop(): Promise<void>;
}

/** Resolves once `condition` holds, checking every 20 ms; rejects after `timeoutMs`, naming what it waited for. */
export async function waitUntil(condition: () => boolean, what = 'the condition', timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The position of the last character of the n-th occurrence of `needle` in `text`. */
export function at(text: string, needle: string, nth = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, needle);
  return TextDocument.create('file:///x', 'yaml', 1, text).positionAt(i + needle.length - 1);
}

export function fileUri(p: string): string {
  return URI.file(p).toString();
}

/** What the server says when its start-up scan is done. */
export interface IndexedInfo {
  files: number;
  resources: number;
  milliseconds: number;
}

export interface ClientOptions {
  /** The process the server watches as its parent (default: this one). */
  processId?: number;
  /** Workspace folder URIs (default: the workspace). */
  folderUris?: string[];
  /** Resolve as soon as the server is initialized, without waiting for the start-up scan (then await `indexed`). */
  noWait?: boolean;
  /** Answer the server's requests for settings only once this settles: the start-up scan starts after the first answer. */
  settingsAnswered?: Promise<void>;
  /** What the editor passes in `initialize` (the extension: its cache folder). */
  initializationOptions?: Record<string, unknown>;
}

export async function startClient(
  workspace: string,
  settings: Record<string, unknown> = {},
  options: ClientOptions & SpawnOptions = {},
): Promise<TestClient & { child: ChildProcess; indexed: Promise<IndexedInfo> }> {
  // With the Node options the extension starts it with.
  const child: ChildProcess = spawn(process.execPath, [...SERVER_EXEC_ARGV, serverPath, '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const client = await connectClient(child.stdout!, child.stdin!, workspace, settings, options, {
    stderr: () => stderr,
    kill: () => stopChild(child),
    sendExit: true,
  });
  return { ...client, child };
}

/**
 * Ends the server process and waits until it has exited (SIGKILL if SIGTERM is not enough within 5 s), then
 * closes its pipes, so that no handle keeps the test process alive after `stop()`.
 */
async function stopChild(child: ChildProcess): Promise<void> {
  const running = () => child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>((resolve) => (running() ? child.once('exit', () => resolve()) : resolve()));
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (!running()) break;
    child.kill(signal);
    await Promise.race([exited, delay(5000)]);
  }
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
}

/** Resolves after `ms` without keeping the process alive. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Runs the server as another user (`uid`, `gid`), e.g. one that cannot read some files. */
interface SpawnOptions {
  uid?: number;
  gid?: number;
  /** Added to this process's environment for the server. */
  env?: Record<string, string>;
}

/**
 * A client over any pair of streams: a spawned server's stdio, or a server started in this process
 * with its own `ServerIO` (see `in-process.ts`). `sendExit` is false for a server in this process,
 * which would otherwise exit this process too.
 */
export async function connectClient(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  workspace: string,
  settings: Record<string, unknown>,
  options: ClientOptions,
  server: { stderr: () => string; kill: () => void | Promise<void>; sendExit: boolean },
): Promise<TestClient & { indexed: Promise<IndexedInfo> }> {
  const stderr = server.stderr;
  const connection = createProtocolConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const diagnostics = new Map<string, Diagnostic[]>();
  const diagnosticVersions = new Map<string, number | undefined>();
  const events = new EventEmitter();
  events.setMaxListeners(100);
  let currentSettings = settings;
  let indexed!: (p: IndexedInfo) => void;
  const indexedPromise = new Promise<IndexedInfo>((resolve) => (indexed = resolve));

  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    diagnostics.set(p.uri, p.diagnostics);
    diagnosticVersions.set(p.uri, p.version);
    events.emit('diagnostics', p.uri, p.diagnostics);
  });
  connection.onNotification(IndexedNotification, (p: IndexedInfo) => indexed(p));
  connection.onRequest(ConfigurationRequest.type, async (p) => {
    await options.settingsAnswered;
    return p.items.map(() => currentSettings);
  });
  connection.onRequest(RegistrationRequest.type, () => undefined);
  connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
  let lensRefreshes = 0;
  connection.onRequest(CodeLensRefreshRequest.type, () => {
    lensRefreshes++;
  });
  connection.onNotification('$/progress', () => undefined);
  const logs: { type: number; message: string }[] = [];
  connection.onNotification('window/logMessage', (p: { type: number; message: string }) => void logs.push(p));
  connection.listen();

  const initializeResult = await connection.sendRequest(InitializeRequest.type, {
    processId: options.processId ?? process.pid,
    ...(options.initializationOptions ? { initializationOptions: options.initializationOptions } : {}),
    rootUri: options.folderUris ? null : fileUri(workspace),
    workspaceFolders: (options.folderUris ?? [fileUri(workspace)]).map((uri) => ({ uri, name: path.basename(uri) })),
    capabilities: {
      workspace: {
        configuration: true,
        workspaceFolders: true,
        didChangeWatchedFiles: { dynamicRegistration: true },
        didChangeConfiguration: { dynamicRegistration: true },
        codeLens: { refreshSupport: true },
      },
      window: { workDoneProgress: true },
      textDocument: {
        publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
        completion: { completionItem: { snippetSupport: true } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, dataSupport: true },
      },
    },
  });
  await connection.sendNotification(InitializedNotification.type, {});
  if (!options.noWait) await Promise.race([indexedPromise, delay(20000).then(() => Promise.reject(new Error(`server did not index in time\n${stderr()}`)))]);

  return {
    indexed: indexedPromise,
    connection,
    initializeResult,
    diagnostics,
    codeLensRefreshes: () => lensRefreshes,
    diagnosticVersions,
    waitForDiagnostics(uri, accept, timeoutMs = 5000) {
      const now = diagnostics.get(uri);
      if (now && accept(now)) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('diagnostics', listener);
          reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(diagnostics.get(uri)?.map((d) => d.code))}`));
        }, timeoutMs);
        const listener = (u: string, d: Diagnostic[]) => {
          if (u !== uri || !accept(d)) return;
          clearTimeout(timer);
          events.off('diagnostics', listener);
          resolve(d);
        };
        events.on('diagnostics', listener);
      });
    },
    open(uri, text, version = 1) {
      void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
    },
    change(uri, text, version) {
      void connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    close(uri) {
      void connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    fileChanged(uri, type) {
      void connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type }] });
    },
    setSettings(next) {
      currentSettings = next;
      void connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { istioEgress: next } });
    },
    stderr,
    logs,
    async stop() {
      try {
        await Promise.race([connection.sendRequest(ShutdownRequest.type), delay(2000)]);
        if (server.sendExit) await connection.sendNotification(ExitNotification.type);
      } catch {
        // The server may already be gone; it is killed below either way.
      }
      connection.dispose();
      await server.kill();
    },
  };
}

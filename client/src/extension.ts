/**
 * The VS Code side: starts the istio-egress language server over IPC for YAML files, and
 * registers the extension's commands, the traffic map view, the status bar item and the snippets'
 * completion at document roots. Everything that understands Istio lives in the server; the client
 * asks questions, shows what the server answers and writes what it generates.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { generateBundleCommand, type GenerateArgs } from './generate-bundle';
import { SERVER_EXEC_ARGV } from '../../server/src/node/v8-options';
import { COMMANDS, IndexedNotification, MapSummaryNotification, WorkspaceChangedNotification, type TrafficMapParams } from '../../server/src/protocol';
import { TrafficMapView } from './traffic-map';
import { EgressStatusBar } from './status-bar';
import { snippetCompletionProvider } from './snippets';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    // V8's heap options must be on the server's command line (server/src/node/v8-options.ts).
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Local files and unsaved ones, plus the file systems of virtual workspaces (the server never reads those from disk).
    documentSelector: ['file', 'untitled', 'vscode-vfs', 'vsls', 'memfs'].map((scheme) => ({ scheme, language: 'yaml' })),
    synchronize: { configurationSection: 'istioEgress' },
    outputChannelName: 'Istio Egress',
    // A folder VS Code keeps for this workspace, outside it, where the server keeps parse results between sessions.
    initializationOptions: { cacheFolder: cacheFolder(context) },
  };
  client = new LanguageClient('istioEgress', 'Istio Egress', serverOptions, clientOptions);
  const map = new TrafficMapView(client, context.extensionUri);
  const status = new EgressStatusBar(client);
  const changed = () => {
    map.workspaceChanged();
    status.workspaceChanged();
  };
  client.onNotification(WorkspaceChangedNotification, changed);
  client.onNotification(IndexedNotification, changed);
  client.onNotification(MapSummaryNotification, (summary) => status.summarized(summary));
  context.subscriptions.push(
    map,
    status,
    vscode.commands.registerCommand(COMMANDS.showTrafficMap, (filter?: TrafficMapParams) => map.show(filter)),
    vscode.languages.registerCompletionItemProvider(
      { language: 'yaml' },
      snippetCompletionProvider(context.asAbsolutePath(path.join('snippets', 'egress.code-snippets'))),
    ),
    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => client?.outputChannel.show(true)),
    vscode.commands.registerCommand(COMMANDS.generateBundle, (args?: GenerateArgs) => (client ? generateBundleCommand(client, args) : undefined)),
  );
  await client.start();
}

/** The folder for the server's parse cache: this workspace's storage, else the extension's; none when `istioEgress.cache` is off. */
function cacheFolder(context: vscode.ExtensionContext): string | undefined {
  if (!vscode.workspace.getConfiguration('istioEgress').get<boolean>('cache', true)) return undefined;
  const folder = context.storageUri ?? context.globalStorageUri;
  return folder.scheme === 'file' ? folder.fsPath : undefined;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/**
 * The VS Code side: starts the istio-egress language server over IPC for YAML files, and
 * registers the extension's commands. Everything that understands Istio lives in the server;
 * the bundle command only asks the user questions and writes what the server generates.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { generateBundleCommand, type GenerateArgs } from './generate-bundle';
import { COMMANDS } from '../../server/src/protocol';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Local files and unsaved ones, plus the file systems of virtual workspaces (the server never reads those from disk).
    documentSelector: ['file', 'untitled', 'vscode-vfs', 'vsls', 'memfs'].map((scheme) => ({ scheme, language: 'yaml' })),
    synchronize: { configurationSection: 'istioEgress' },
    outputChannelName: 'Istio Egress',
  };
  client = new LanguageClient('istioEgress', 'Istio Egress', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => client?.outputChannel.show(true)),
    vscode.commands.registerCommand(COMMANDS.generateBundle, (args?: GenerateArgs) => (client ? generateBundleCommand(client, args) : undefined)),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/**
 * "Istio Egress: Generate Egress Bundle…": asks for the host, mode, port, namespaces, gateway,
 * API version and extras (each with a default), has the language server generate the bundle with
 * names that do not collide, and writes it to a new untitled document, the active file, or a new
 * workspace file. It never overwrites a file.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { API_VERSIONS, BUNDLE_MODES, DNS_LABEL, MODE_DESCRIPTIONS, isValidHost, type BundleMode } from '../../server/src/protocol';
import { BundleDefaultsRequest, GenerateBundleRequest, type BundleDefaults, type GenerateBundleParams } from '../../server/src/protocol';

type Target = 'untitled' | 'append' | 'file';

/** Arguments a caller (a code action, a test) may fill in; the command asks for the rest. */
export interface GenerateArgs extends Partial<GenerateBundleParams> {
  target?: Target;
  /** The document to append to, for target `append` (default: the active editor). */
  uri?: string;
  /** Workspace-relative path of the new file, for target `file`. */
  file?: string;
}

function defaultPort(mode: BundleMode): number {
  return mode === 'passthrough' ? 443 : 80;
}

async function pick<T extends string>(
  title: string,
  items: { label: T; description?: string; detail?: string }[],
  placeHolder?: string,
): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return chosen?.label;
}

async function askSelector(defaults: BundleDefaults): Promise<Record<string, string> | undefined> {
  const text = Object.entries(defaults.gatewaySelector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const answer = await vscode.window.showInputBox({
    title: 'Egress gateway selector',
    prompt: 'The labels of the egress gateway pods, as KEY=VALUE[,KEY=VALUE]',
    value: text,
    ignoreFocusOut: true,
    validateInput: (v) => (v.split(',').every((p) => /^[\w./-]+=[\w.-]+$/.test(p.trim())) ? undefined : 'Write labels as KEY=VALUE, separated by commas.'),
  });
  if (answer === undefined) return undefined;
  return Object.fromEntries(answer.split(',').map((p) => p.trim().split('=') as [string, string]));
}

/** Asks for everything the arguments leave open; undefined when the user cancels. */
async function complete(args: GenerateArgs, defaults: BundleDefaults): Promise<(GenerateBundleParams & { target: Target }) | undefined> {
  const host =
    args.host ??
    (await vscode.window.showInputBox({
      title: 'Generate Egress Bundle: external host',
      prompt: 'The external host, such as api.example.com, or a wildcard such as *.example.com (passthrough only)',
      placeHolder: 'api.example.com',
      ignoreFocusOut: true,
      validateInput: (v) => (isValidHost(v.trim().toLowerCase()) ? undefined : 'Enter a DNS name such as api.example.com, or *.example.com.'),
    }));
  if (!host) return undefined;
  const wildcard = host.trim().startsWith('*.');
  const modes = BUNDLE_MODES.filter((m) => !wildcard || m === 'passthrough');
  const mode =
    (args.mode as BundleMode | undefined) ??
    (await pick(
      'Generate Egress Bundle: mode',
      modes.map((m) => ({ label: m, detail: MODE_DESCRIPTIONS[m] })),
    ));
  if (!mode) return undefined;
  let port = args.port;
  if (port === undefined) {
    const answer = await vscode.window.showInputBox({
      title: 'Generate Egress Bundle: port',
      prompt: 'The port your application connects to',
      value: String(defaultPort(mode)),
      ignoreFocusOut: true,
      validateInput: (v) => (/^\d+$/.test(v) && +v >= 1 && +v <= 65535 ? undefined : 'Enter a port from 1 to 65535.'),
    });
    if (answer === undefined) return undefined;
    port = Number(answer);
  }
  let namespace = args.namespace;
  if (namespace === undefined) {
    const other = 'Other namespace…';
    const chosen = await pick('Generate Egress Bundle: application namespace', [...defaults.namespaces.map((ns) => ({ label: ns })), { label: other }]);
    if (!chosen) return undefined;
    namespace =
      chosen === other
        ? await vscode.window.showInputBox({
            title: 'Application namespace',
            ignoreFocusOut: true,
            validateInput: (v) => (DNS_LABEL.test(v) ? undefined : 'Use lowercase letters, digits and dashes.'),
          })
        : chosen;
    if (!namespace) return undefined;
  }
  let gatewayNamespace = args.gatewayNamespace;
  let gatewaySelector = args.gatewaySelector;
  let gatewayHost = args.gatewayHost;
  if (!mode.startsWith('sidecar-') && gatewayNamespace === undefined) {
    const selectorText = Object.entries(defaults.gatewaySelector)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    const custom = 'Another egress gateway…';
    const chosen = await pick('Generate Egress Bundle: egress gateway', [
      { label: `${defaults.gatewayHost}`, description: `namespace ${defaults.gatewayNamespace}, selector ${selectorText}` },
      { label: custom },
    ]);
    if (!chosen) return undefined;
    if (chosen === custom) {
      gatewayNamespace = await vscode.window.showInputBox({
        title: 'Egress gateway namespace',
        value: defaults.gatewayNamespace,
        ignoreFocusOut: true,
        validateInput: (v) => (DNS_LABEL.test(v) ? undefined : 'Use lowercase letters, digits and dashes.'),
      });
      if (!gatewayNamespace) return undefined;
      gatewaySelector = await askSelector(defaults);
      if (!gatewaySelector) return undefined;
      gatewayHost = await vscode.window.showInputBox({
        title: 'Egress gateway Service host',
        value: `istio-egressgateway.${gatewayNamespace}.svc.cluster.local`,
        ignoreFocusOut: true,
        validateInput: (v) => (isValidHost(v) ? undefined : 'Enter the Service host.'),
      });
      if (!gatewayHost) return undefined;
    } else {
      gatewayNamespace = defaults.gatewayNamespace;
    }
  }
  const apiVersion =
    args.apiVersion ??
    (await pick(
      'Generate Egress Bundle: API version',
      API_VERSIONS.map((v, i) => ({ label: v, description: i === 0 ? 'recommended' : undefined })),
    ));
  if (!apiVersion) return undefined;
  let { registryOnly, networkPolicy } = args;
  if (registryOnly === undefined || networkPolicy === undefined) {
    const extras = await vscode.window.showQuickPick(
      [
        {
          label: 'REGISTRY_ONLY outbound policy',
          detail: 'An IstioOperator that makes sidecars block hosts without a ServiceEntry.',
          picked: false,
          id: 'registry',
        },
        {
          label: 'NetworkPolicy',
          detail: `Lets pods in ${namespace} reach only istio-system and DNS, so they cannot bypass the gateway.`,
          picked: false,
          id: 'netpol',
        },
      ],
      { title: 'Generate Egress Bundle: extras (optional)', canPickMany: true, ignoreFocusOut: true },
    );
    if (!extras) return undefined;
    registryOnly = extras.some((e) => e.id === 'registry');
    networkPolicy = extras.some((e) => e.id === 'netpol');
  }
  let target = args.target;
  if (!target) {
    const options: { label: string; id: Target }[] = [{ label: 'New untitled document', id: 'untitled' }];
    if (vscode.window.activeTextEditor?.document.languageId === 'yaml')
      options.push({ label: `Append to ${vscode.workspace.asRelativePath(vscode.window.activeTextEditor.document.uri)}`, id: 'append' });
    if (vscode.workspace.workspaceFolders?.length) options.push({ label: 'New file in the workspace…', id: 'file' });
    const chosen = await vscode.window.showQuickPick(options, { title: 'Generate Egress Bundle: write to', ignoreFocusOut: true });
    if (!chosen) return undefined;
    target = chosen.id;
  }
  return {
    host: host.trim().toLowerCase(),
    mode,
    port,
    namespace,
    gatewayNamespace,
    gatewaySelector,
    gatewayHost,
    apiVersion,
    registryOnly,
    networkPolicy,
    withoutServiceEntry: args.withoutServiceEntry,
    target,
  };
}

async function write(target: Target, yaml: string, args: GenerateArgs, host: string): Promise<vscode.TextDocument | undefined> {
  if (target === 'untitled') {
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: yaml });
    return (await vscode.window.showTextDocument(doc)).document;
  }
  if (target === 'append') {
    const uri = args.uri ? vscode.Uri.parse(args.uri) : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('Istio Egress: there is no active file to append the bundle to.');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const separator = text.trim() === '' ? '' : `${text.endsWith('\n') ? '' : eol}---${eol}`;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, doc.positionAt(text.length), separator + yaml.replace(/\r?\n/g, eol));
    if (!(await vscode.workspace.applyEdit(edit))) return undefined;
    return (await vscode.window.showTextDocument(doc)).document;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const exists = async (rel: string) => {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, rel));
      return true;
    } catch {
      return false;
    }
  };
  let rel = args.file;
  if (rel === undefined) {
    let suggestion = `egress-${host.replace(/^\*\./, 'wildcard-').replace(/[^a-z0-9.-]/g, '-')}.yaml`;
    for (let i = 2; await exists(suggestion); i++) suggestion = suggestion.replace(/(-\d+)?\.yaml$/, `-${i}.yaml`);
    rel = await vscode.window.showInputBox({ title: 'New file (relative to the workspace folder)', value: suggestion, ignoreFocusOut: true });
    if (!rel) return undefined;
  }
  if (await exists(rel)) {
    void vscode.window.showErrorMessage(`Istio Egress: ${rel} already exists; the bundle was not written. Choose another name.`);
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder.uri, rel);
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { overwrite: false, ignoreIfExists: false });
  edit.insert(uri, new vscode.Position(0, 0), yaml);
  if (!(await vscode.workspace.applyEdit(edit))) return undefined;
  const created = await vscode.workspace.openTextDocument(uri);
  await created.save();
  // Saving a new file can close and reopen its document: return the one the editor shows.
  return (await vscode.window.showTextDocument(uri)).document;
}

/** Runs the command; resolves to the document written, or undefined when cancelled or refused. */
export async function generateBundleCommand(client: LanguageClient, args: GenerateArgs = {}): Promise<vscode.TextDocument | undefined> {
  const defaults = await client.sendRequest(BundleDefaultsRequest);
  const params = await complete(args, defaults);
  if (!params) return undefined;
  const { target, ...request } = params;
  const result = await client.sendRequest(GenerateBundleRequest, request);
  if (!result.ok) {
    void vscode.window.showErrorMessage(`Istio Egress: ${result.errors.join(' ')}`);
    return undefined;
  }
  const doc = await write(target, result.yaml, args, params.host);
  if (doc) void vscode.window.showInformationMessage(`Istio Egress: generated ${result.resources.length} resources for ${params.host} (${params.mode}).`);
  return doc;
}

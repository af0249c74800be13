/**
 * The Egress Traffic Map view: one webview panel that shows the map the language server lays out,
 * redrawn when the workspace changes, filtered as the view asks, and opening a node's YAML when it
 * is clicked. The panel runs only the bundled dist/map.js and dist/map.css, under a policy that
 * allows nothing else (no network, no inline script or style).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TrafficMapRequest, type MapViewRequest, type MapViewUpdate, type TrafficMapParams } from '../../server/src/protocol';

const VIEW_TYPE = 'istioEgress.trafficMap';

export class TrafficMapView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private filter: TrafficMapParams = {};
  private ready = false;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly extensionUri: vscode.Uri,
  ) {}

  /**
   * Opens the map, or brings it to the front, showing only the paths that `filter` keeps (all of them
   * without one). The whole map takes the active editor's place; the map of one host (from a code
   * lens) opens beside the YAML it was asked from.
   */
  show(filter: TrafficMapParams = {}): void {
    this.filter = {
      ...(filter.mesh ? { mesh: filter.mesh } : {}),
      ...(filter.namespace ? { namespace: filter.namespace } : {}),
      ...(filter.host ? { host: filter.host } : {}),
    };
    if (this.panel) {
      this.panel.reveal(undefined, true);
      void this.refresh();
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const beside = !!this.filter.host;
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'Egress Traffic Map',
      { viewColumn: beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus: beside },
      {
        enableScripts: true,
        localResourceRoots: [dist],
      },
    );
    this.ready = false;
    this.panel.webview.html = this.html(this.panel.webview, dist);
    this.panel.webview.onDidReceiveMessage((m: MapViewRequest) => this.onMessage(m));
    this.panel.onDidChangeViewState(() => {
      // A hidden webview loses its page; it asks again with `ready` when shown.
      if (!this.panel?.visible) this.ready = false;
    });
    this.panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    });
  }

  /** Redraws the map soon, once a burst of changes has settled. */
  workspaceChanged(): void {
    if (!this.panel) return;
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.refresh(), 200);
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.panel?.dispose();
  }

  private onMessage(message: MapViewRequest): void {
    if (message.type === 'ready') {
      this.ready = true;
      void this.refresh();
    } else if (message.type === 'filter') {
      this.filter = message.filter;
      void this.refresh();
    } else if (message.type === 'open') {
      const { uri, line, character } = message.at;
      const position = new vscode.Position(line, character);
      // The YAML opens beside the map, never in its place.
      const viewColumn = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
      void vscode.window.showTextDocument(vscode.Uri.parse(uri), { viewColumn, selection: new vscode.Range(position, position) });
    }
  }

  private async refresh(): Promise<void> {
    const panel = this.panel;
    if (!panel || !this.ready) return;
    const filter = this.filter;
    let update: MapViewUpdate;
    try {
      update = { type: 'map', map: await this.client.sendRequest(TrafficMapRequest, filter), filter };
    } catch (e) {
      update = { type: 'error', message: `The map could not be drawn: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (this.panel === panel) await panel.webview.postMessage(update);
  }

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'map.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'map.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`].join(
      '; ',
    );
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${style.toString()}">
<title>Egress Traffic Map</title>
</head>
<body>
<header>
  <label id="mesh-filter" hidden>Mesh <select id="mesh" aria-label="Mesh"></select></label>
  <label>Namespace <select id="namespace" aria-label="Client namespace"></select></label>
  <label>Host <input id="host" list="hosts" placeholder="all hosts" aria-label="External host"><datalist id="hosts"></datalist></label>
  <button id="clear" type="button">Show all</button>
  <button id="zoom" type="button" aria-pressed="false">Actual size</button>
  <div id="summary" role="status">Loading the map…</div>
</header>
<main id="canvas"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}

/**
 * The status bar item: the mesh's effective outbound traffic policy, how many external hosts the
 * workspace reaches and how many findings it has; clicking it opens the traffic map. The policy and
 * hosts come from the server's map request; the findings are the diagnostics the server published.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { COMMANDS, TrafficMapRequest, type TrafficMap } from '../../server/src/protocol';

/** The `source` of the server's diagnostics. */
const SOURCE = 'istio-egress';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export class EgressStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('istioEgress.status', vscode.StatusBarAlignment.Left, 10);
  private map: TrafficMap | undefined;
  private pending: NodeJS.Timeout | undefined;
  /** Errors and warnings of the server per file, recounted only for the files whose diagnostics changed. */
  private readonly findingsByUri = new Map<string, number>();
  private findings = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'Istio Egress';
    this.item.command = COMMANDS.showTrafficMap;
    for (const [uri, ds] of vscode.languages.getDiagnostics()) this.recount(uri, ds);
    this.subscriptions = [
      this.item,
      vscode.languages.onDidChangeDiagnostics((e) => {
        for (const uri of e.uris) this.recount(uri, vscode.languages.getDiagnostics(uri));
        this.render();
      }),
    ];
  }

  private recount(uri: vscode.Uri, ds: readonly vscode.Diagnostic[]): void {
    const key = uri.toString();
    const n = ds.filter((d) => d.source === SOURCE && d.severity <= vscode.DiagnosticSeverity.Warning).length;
    this.findings += n - (this.findingsByUri.get(key) ?? 0);
    if (n > 0) this.findingsByUri.set(key, n);
    else this.findingsByUri.delete(key);
  }

  /** Asks the server again soon, once a burst of changes has settled. */
  workspaceChanged(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.update(), 300);
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const s of this.subscriptions) s.dispose();
  }

  /** New figures the server worked out after answering with stale ones. */
  summarized(summary: TrafficMap): void {
    this.map = summary;
    this.render();
  }

  private async update(): Promise<void> {
    try {
      const summary = await this.client.sendRequest(TrafficMapRequest, { summaryOnly: true });
      // Before its first figures the server answers with empty stale ones: keep what is shown until it sends figures.
      this.map = summary.stale && summary.policy.mode === '' ? this.map && { ...this.map, stale: true } : summary;
    } catch {
      this.map = undefined;
    }
    this.render();
  }

  private render(): void {
    const findings = this.findings;
    const map = this.map;
    // A workspace without Istio egress configuration gets no item.
    if (!map || (map.hosts.length === 0 && findings === 0 && map.policy.origin === 'setting')) {
      this.item.hide();
      return;
    }
    const icon = findings > 0 || map.brokenPaths > 0 ? '$(warning)' : '$(globe)';
    this.item.text = `${icon} ${map.policy.mode} · ${plural(map.hosts.length, 'host')} · ${plural(findings, 'finding')}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Istio Egress**\n\n`);
    const origin = map.policy.origin === 'setting' ? 'assumed from the `istioEgress.outboundTrafficPolicy` setting' : `from the ${map.policy.origin}`;
    tooltip.appendMarkdown(`Outbound traffic policy: \`${map.policy.mode}\`, ${origin}\n\n`);
    for (const o of map.policy.overrides) tooltip.appendMarkdown(`- namespace \`${o.namespace}\`: \`${o.mode}\` (Sidecar)\n`);
    tooltip.appendMarkdown(
      `\n${plural(map.hosts.length, 'external host')}, ${plural(map.brokenPaths, 'broken path')}, ${plural(findings, 'finding')} (errors and warnings)\n\n`,
    );
    if (map.stale) tooltip.appendMarkdown('Updating the figures after the latest changes…\n\n');
    tooltip.appendMarkdown('Click to show the egress traffic map.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = {
      label: `Istio Egress: outbound policy ${map.policy.mode}, ${plural(map.hosts.length, 'external host')}, ${plural(findings, 'finding')}`,
    };
    this.item.show();
  }
}

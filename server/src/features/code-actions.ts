/**
 * Code actions: the quick fixes of our diagnostics under the cursor, plus "fix all of this kind in
 * the file" where the fix is safe to repeat. Fixes come from `diagnostic.data`, never from message text.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { findingId, type FaultReport, type Finding, type Fix } from '../model';
import type { ParsedFile } from '../parse/parse';
import { fixesFor } from '../check/fixes';
import { SOURCE } from './diagnostics';
import { COMMANDS } from '../protocol';
import { toRange, toSpan } from './positions';

function toWorkspaceEdit(uri: string, text: string, fix: Fix) {
  const edits: LspTextEdit[] = fix.edits.map((e) => ({ range: toRange(text, e), newText: e.newText }));
  return { changes: { [uri]: edits } };
}

/** Whether two fixes touch the same text: overlapping ranges, or insertions at the same place. */
function overlapping(edits: Fix['edits'], taken: Fix['edits']): boolean {
  return edits.some((e) => taken.some((t) => (e.start < t.end && t.start < e.end) || (e.start === t.start && (e.start === e.end || t.start === t.end))));
}

/**
 * `allFindings` are the file's current findings. A diagnostic the client sends is fixed only when a
 * current finding has its code and place, and from that finding's `data`: a diagnostic from an
 * older version of the text (or a made-up one) could carry offsets that no longer fit.
 * They also build the "fix all" actions.
 */
export function codeActions(
  params: CodeActionParams,
  file: ParsedFile,
  allFindings: Finding[],
  onError?: (fault: FaultReport) => void,
  /** Whether a fix is safe to offer (the server re-checks the fixed text); all are, without it. */
  isSound: (finding: Finding, fix: Fix) => boolean = () => true,
): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind.startsWith(k) || k.startsWith(kind));
  const refactors = wants(CodeActionKind.Refactor) ? routeThroughGatewayActions(params, file) : [];
  if (!wants(CodeActionKind.QuickFix)) return refactors;
  const uri = params.textDocument.uri;
  const text = file.text;
  const out: CodeAction[] = [];
  const fixAllOffered = new Set<string>();
  for (const d of params.context.diagnostics) {
    if (d.source !== SOURCE || typeof d.code !== 'string' || !d.range) continue;
    // The fix comes from the current finding at this place with this id (`code`, or `code/rule` for a
    // many-rule analyzer), never from the diagnostic's own data.
    const span = toSpan(text, d.range);
    const current = allFindings.find((f) => findingId(f) === d.code && f.start === span.start && f.end === span.end);
    if (!current) continue;
    const code = current.code;
    const fixes = fixesFor(code, current.data, file, current, onError).filter((fix) => isSound(current, fix));
    for (const fix of fixes) {
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.isPreferred, edit: toWorkspaceEdit(uri, text, fix) });
    }
    if (fixes.some((f) => f.fixAllSafe) && !fixAllOffered.has(code)) {
      fixAllOffered.add(code);
      const all = fixAll(code, file, allFindings, onError);
      if (all && all.count > 1) {
        out.push({ title: `Fix all "${code}" problems in this file (${all.count})`, kind: CodeActionKind.QuickFix, edit: { changes: { [uri]: all.edits } } });
      }
    }
  }
  return [...out, ...refactors];
}

/**
 * On a ServiceEntry: "Route through the egress gateway…", which generates the Gateway,
 * DestinationRule and VirtualService for its host and appends them to the file.
 */
function routeThroughGatewayActions(params: CodeActionParams, file: ParsedFile): CodeAction[] {
  const offset = toSpan(file.text, params.range).start;
  const doc = file.documents.find((d) => offset >= d.start && offset <= d.end);
  const se = doc?.resource;
  if (!se || se.kind !== 'ServiceEntry' || se.group !== 'networking.istio.io') return [];
  const host = Array.isArray(se.spec.hosts) ? se.spec.hosts.find((h: unknown) => typeof h === 'string' && h.includes('.')) : undefined;
  if (!host) return [];
  const ports = Array.isArray(se.spec.ports) ? se.spec.ports.filter((p: any) => p && typeof p.number === 'number') : [];
  const tls = ports.find((p: any) => /^(TLS|HTTPS)$/i.test(String(p.protocol ?? '')));
  const http = ports.find((p: any) => /^HTTP2?$/i.test(String(p.protocol ?? '')));
  const wildcard = host.startsWith('*');
  const mode = wildcard || (tls && !http) ? 'passthrough' : 'http';
  const port = (mode === 'passthrough' ? tls : http)?.number;
  const args = {
    host,
    mode,
    port,
    namespace: se.namespace,
    withoutServiceEntry: !wildcard,
    apiVersion: se.version,
    target: 'append',
    uri: params.textDocument.uri,
  };
  return [
    {
      title: 'Route through the egress gateway…',
      kind: CodeActionKind.RefactorRewrite,
      command: { title: 'Route through the egress gateway…', command: COMMANDS.generateBundle, arguments: [args] },
    },
  ];
}

function fixAll(
  code: string,
  file: ParsedFile,
  findings: Finding[],
  onError?: (fault: FaultReport) => void,
): { count: number; edits: LspTextEdit[] } | undefined {
  const taken: Fix['edits'] = [];
  let count = 0;
  for (const f of findings) {
    if (f.code !== code) continue;
    const fixes = fixesFor(code, f.data, file, f, onError);
    const fix = fixes.find((x) => x.fixAllSafe && x.isPreferred) ?? fixes.find((x) => x.fixAllSafe);
    if (!fix || overlapping(fix.edits, taken)) continue;
    taken.push(...fix.edits);
    count++;
  }
  if (count === 0) return undefined;
  return { count, edits: taken.map((e) => ({ range: toRange(file.text, e), newText: e.newText })) };
}

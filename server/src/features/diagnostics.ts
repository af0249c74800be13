/**
 * Findings to LSP diagnostics: the same source, the code, a link to the code's documentation,
 * the fix state in `data`, and related locations.
 */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { findingId, MAX_RELATED, type Finding, type Severity } from '../model';
import { toRange } from './positions';
import { docsLink } from '../codes';

export const SOURCE = 'istio-egress';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** `textOf` gives the current text of another file, for related locations there. */
export function toDiagnostic(text: string, f: Finding, textOf: (uri: string) => string | undefined): Diagnostic {
  const tags: DiagnosticTag[] = [];
  if (f.unnecessary) tags.push(DiagnosticTag.Unnecessary);
  if (f.deprecated) tags.push(DiagnosticTag.Deprecated);
  const d: Diagnostic = {
    range: toRange(text, f),
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: findingId(f),
    codeDescription: { href: docsLink(f.code) },
    message: f.relatedNotListed ? `${f.message} (${f.relatedNotListed} more related locations not listed)` : f.message,
  };
  if (f.data !== undefined) d.data = f.data;
  if (tags.length) d.tags = tags;
  if (f.related?.length) {
    d.relatedInformation = [];
    for (const r of f.related.slice(0, MAX_RELATED)) {
      const relatedText = textOf(r.uri);
      if (relatedText !== undefined) d.relatedInformation.push({ location: { uri: r.uri, range: toRange(relatedText, r) }, message: r.message });
    }
  }
  return d;
}

/**
 * The CLI's three output formats. `text` is for people, `json` is the list of findings, and
 * `sarif` is SARIF 2.1.0 for code-scanning tools: ruleId = code, 1-based lines and columns,
 * artifact URIs relative to the current directory.
 */
import type { Finding, Severity } from './model';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface FileFindings {
  /** Path relative to the current directory, with `/` separators. */
  path: string;
  text: string;
  findings: Finding[];
}

interface Located {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

function lineTable(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function locate(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

function located(starts: number[], f: Finding): Located {
  const s = locate(starts, f.start);
  const e = locate(starts, Math.max(f.end, f.start));
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export const DOCS_URL = 'https://github.com/istio-egress/istio-egress/blob/main/docs/diagnostics.md';

export function formatFindings(files: FileFindings[], format: OutputFormat, toolVersion: string): string {
  const rows = files.flatMap((file) => {
    const starts = lineTable(file.text);
    return [...file.findings].sort((a, b) => a.start - b.start || a.code.localeCompare(b.code)).map((f) => ({ file, f, at: located(starts, f) }));
  });
  if (format === 'json') {
    return JSON.stringify(rows.map(({ file, f, at }) => ({ file: file.path, ...at, severity: f.severity, code: f.code, message: f.message })), null, 2) + '\n';
  }
  if (format === 'sarif') {
    const codes = [...new Set(rows.map((r) => r.f.code))].sort();
    const sarif = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'istio-egress',
              version: toolVersion,
              informationUri: 'https://github.com/istio-egress/istio-egress',
              rules: codes.map((id) => ({ id, helpUri: `${DOCS_URL}#${id}` })),
            },
          },
          columnKind: 'utf16CodeUnits',
          results: rows.map(({ file, f, at }) => ({
            ruleId: f.code,
            ruleIndex: codes.indexOf(f.code),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file.path.split('/').map(encodeURIComponent).join('/') },
                  region: { startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn },
                },
              },
            ],
          })),
        },
      ],
    };
    return JSON.stringify(sarif, null, 2) + '\n';
  }
  const lines = rows.map(({ file, f, at }) => `${file.path}:${at.line}:${at.column} ${f.severity} ${f.code} ${f.message}`);
  const count = (s: Severity) => rows.filter((r) => r.f.severity === s).length;
  const summary = `${count('error')} error(s), ${count('warning')} warning(s), ${count('information') + count('hint')} info in ${files.length} file(s) checked.`;
  return [...lines, summary].join('\n') + '\n';
}

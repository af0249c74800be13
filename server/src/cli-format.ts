/**
 * The CLI's three output formats. `text` is for people, `json` is the list of findings, and
 * `sarif` is SARIF 2.1.0 for code-scanning tools: ruleId = code (or code/rule for one rule of a many-rule analyzer), 1-based lines and columns,
 * artifact URIs relative to the current directory.
 */
import { codeOfId, findingId, type Finding, type Severity } from './model';
import { positionAt } from './features/positions';
import { docsLink } from './codes';

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

/** 1-based lines and columns (UTF-16 code units, as SARIF's default columnKind). */
function located(text: string, f: Finding): Located {
  const s = positionAt(text, f.start);
  const e = positionAt(text, Math.max(f.end, f.start));
  return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatFindings(files: FileFindings[], format: OutputFormat, toolVersion: string): string {
  const rows = files.flatMap((file) => {
    return [...file.findings].sort((a, b) => a.start - b.start || a.code.localeCompare(b.code)).map((f) => ({ file, f, at: located(file.text, f) }));
  });
  if (format === 'json') {
    return (
      JSON.stringify(
        rows.map(({ file, f, at }) => ({
          file: file.path,
          ...at,
          severity: f.severity,
          code: f.code,
          ...(f.rule ? { rule: f.rule } : {}),
          message: f.message,
        })),
        null,
        2,
      ) + '\n'
    );
  }
  if (format === 'sarif') {
    // One SARIF rule per finding id, so code-scanning tools tell (and let users dismiss) each rule of a many-rule analyzer apart.
    const ids = [...new Set(rows.map((r) => findingId(r.f)))].sort();
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
              rules: ids.map((id) => ({ id, helpUri: docsLink(codeOfId(id)) })),
            },
          },
          columnKind: 'utf16CodeUnits',
          results: rows.map(({ file, f, at }) => ({
            ruleId: findingId(f),
            ruleIndex: ids.indexOf(findingId(f)),
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
  const lines = rows.map(({ file, f, at }) => `${file.path}:${at.line}:${at.column} ${f.severity} ${findingId(f)} ${f.message}`);
  const count = (s: Severity) => rows.filter((r) => r.f.severity === s).length;
  const summary =
    `${count('error')} error(s), ${count('warning')} warning(s), ${count('information') + count('hint')} info in ` + `${files.length} file(s) checked.`;
  return [...lines, summary].join('\n') + '\n';
}

/**
 * The YAML parser's settings and its errors as findings, shared by the file parser and the
 * mesh-config reader (which parses the YAML inside the `istio` ConfigMap).
 */
import type { Document, ParseOptions, DocumentOptions, SchemaOptions, ToJSOptions } from 'yaml';
import type { Finding } from '../model';

/** Aliases a document may expand before it counts as an alias bomb. */
export const MAX_ALIAS_COUNT = 1000;

export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  prettyErrors: false,
  uniqueKeys: true,
  keepSourceTokens: false,
  // Findings carry what matters; the library's console warnings (keys that are collections) are noise on stderr.
  logLevel: 'error',
};
export const TO_JS_OPTIONS: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };

/** Syntax errors and warnings of one YAML document as findings. */
export function yamlErrorFindings(doc: Document.Parsed): Finding[] {
  const out: Finding[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const [start, end] = e.pos;
    const duplicate = e.code === 'DUPLICATE_KEY';
    out.push({
      code: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
      severity: e.name === 'YAMLWarning' ? 'warning' : 'error',
      message: duplicate ? 'This key appears twice in the same mapping; Kubernetes rejects duplicate fields.' : plainYamlMessage(e.message),
      start,
      end: Math.max(end, start + 1),
    });
  }
  return out;
}

function plainYamlMessage(message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax error: ${first.charAt(0).toLowerCase()}${first.slice(1)}${/[.!?]$/.test(first) ? '' : '.'}`;
}

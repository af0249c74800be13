/**
 * The quick fixes for a finding, from its code and `data` alone (no cached state): schema codes
 * go to the schema fixer, analyzer codes to their analyzer's `fix`.
 */
import type { Fix, Span } from '../model';
import type { ParsedFile } from '../parse/parse';
import { fixSchemaFinding } from '../schema/validate';
import { analyzerFor } from './registry';

export function fixesFor(code: string, data: unknown, file: ParsedFile, span: Span): Fix[] {
  try {
    if (code.startsWith('schema-')) return fixSchemaFinding({ code, data, ...span }, file.text);
    const analyzer = analyzerFor(code);
    if (!analyzer?.fix || data === undefined) return [];
    return analyzer.fix(data, { file, span });
  } catch {
    return [];
  }
}

/**
 * The vocabulary every core folder shares: findings, fixes and text edits in character offsets.
 * Nothing here knows about LSP positions or VS Code; features/ converts at the edge.
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A half-open character range [start, end) in a file's text. */
export interface Span {
  start: number;
  end: number;
}

/** Another place a finding points to, such as "Gateway defined here". */
export interface RelatedLocation extends Span {
  uri: string;
  message: string;
}

/** One problem found in one file: what the editor shows as a diagnostic. */
export interface Finding extends Span {
  code: string;
  /**
   * Which rule of a many-rule analyzer fired (`host-invalid` of `se-invalid`). Users see and configure
   * it as `code/rule` (see `findingId`); fixes and documentation go by `code`.
   */
  rule?: string;
  severity: Severity;
  message: string;
  /** The state the fix needs; small and JSON-serialisable. */
  data?: unknown;
  related?: RelatedLocation[];
  /** How many more related locations there were than `related` keeps (see MAX_RELATED). */
  relatedNotListed?: number;
  /** Shown faded (unused/unnecessary code) where the editor supports it. */
  unnecessary?: boolean;
  deprecated?: boolean;
}

/** What users see and configure a finding by: `code`, or `code/rule` for a many-rule analyzer. */
export function findingId(f: { code: string; rule?: string }): string {
  return f.rule ? `${f.code}/${f.rule}` : f.code;
}

/** The analyzer or schema code of a finding id: `se-invalid/host-invalid` → `se-invalid`. */
export function codeOfId(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

/**
 * Related locations kept per finding. A host with a thousand VirtualServices would otherwise give
 * each of them a thousand locations, a million per publish; the message says how many more there are.
 */
export const MAX_RELATED = 20;

/** A replacement of the text in [start, end) by `newText`. */
export interface TextEdit extends Span {
  newText: string;
}

/** A quick fix: a title and the edits it makes to the file it was offered in. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
  /** When several findings of this code can be fixed together in one file. */
  fixAllSafe?: boolean;
}

/** An exception an analyzer, the schema validator or a fix threw for one file; reported, never hiding other findings. */
export interface FaultReport {
  uri: string;
  /** The analyzer's code, `schema` for validation, or the fixed finding's code. */
  code: string;
  error: unknown;
}

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

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
  /** Shown faded (unused/unnecessary code) where the editor supports it. */
  unnecessary?: boolean;
  deprecated?: boolean;
}

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

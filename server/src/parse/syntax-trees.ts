/**
 * Where the YAML syntax trees of parsed files live. A tree takes about 25 times the memory of its
 * text, and most of a large workspace's files are only read for their data once checked, so trees
 * are kept for files the caller holds (open in the editor) and for the files used most recently, up
 * to a budget of text; the others are dropped and parsed again, identically, when something asks.
 * It does not decide which files are open: `holdSyntax` in parse.ts is told.
 */
import type { Document } from 'yaml';

/** Text (in characters) whose trees are kept besides the held files': about 40 MB of trees. */
const DEFAULT_BUDGET_CHARS = 1_500_000;

let budget = DEFAULT_BUDGET_CHARS;
/** Trees kept within the budget (file to text length), least recently used first. */
const recent = { files: new Map<SyntaxTrees, number>(), chars: 0, newest: undefined as SyntaxTrees | undefined };
let reparsed = 0;

/** One file's document trees: present, or parsed again from the file's text on demand. */
export class SyntaxTrees {
  private trees: Document.Parsed[] | undefined;
  private held = false;

  constructor(
    trees: Document.Parsed[],
    /** The file's text length, what the budget counts. */
    private readonly size: number,
    /** Parses the file again; it must give the trees the first parse gave. */
    private readonly parse: () => Document.Parsed[],
  ) {
    this.trees = trees;
    this.remember();
  }

  /** The tree of document `index` of the file. */
  tree(index: number): Document.Parsed {
    if (!this.trees) {
      this.trees = this.parse();
      reparsed++;
    }
    if (!this.held) this.remember();
    return this.trees[index];
  }

  /** Keeps the trees whatever the budget (an open file), or lets the budget drop them again. */
  hold(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    if (held) this.forget();
    else if (this.trees) this.remember();
  }

  /** Whether the trees are in memory now. */
  get present(): boolean {
    return this.trees !== undefined;
  }

  /** Drops the trees; the next `tree` parses again. */
  drop(): void {
    this.forget();
    this.trees = undefined;
  }

  private remember(): void {
    if (recent.newest === this) return;
    this.forget();
    recent.files.set(this, this.size);
    recent.chars += this.size;
    recent.newest = this;
    keepWithinBudget();
  }

  private forget(): void {
    const size = recent.files.get(this);
    if (size === undefined) return;
    recent.files.delete(this);
    recent.chars -= size;
    if (recent.newest === this) recent.newest = undefined;
  }
}

/** Drops the least recently used trees until the rest fit the budget; the newest always stays. */
function keepWithinBudget(): void {
  for (const oldest of recent.files.keys()) {
    if (recent.chars <= budget || oldest === recent.newest) break;
    oldest.drop();
  }
}

/**
 * Sets how much text's trees are kept besides held files (0 keeps none). Returns the previous
 * budget, so that tests can restore it.
 */
export function setSyntaxBudget(chars: number): number {
  const previous = budget;
  budget = chars;
  keepWithinBudget();
  return previous;
}

/** How many times trees were parsed again since start, for tests and profiles. */
export function reparsedFiles(): number {
  return reparsed;
}

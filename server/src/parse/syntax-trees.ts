/**
 * Where the YAML syntax trees of parsed files live. A tree takes about 25 times the memory of its
 * text, and most of a large workspace's files are only read for their data once checked, so trees
 * are kept for the files used most recently, up to a budget of text; the others are dropped and
 * parsed again, identically, when something asks. The file being edited is always the most recent:
 * each keystroke parses it, and completion, hover and its check read it next.
 */
import type { Document } from 'yaml';

/** Text (in characters) whose trees are kept: about 40 MB of trees. */
const DEFAULT_BUDGET_CHARS = 1_500_000;

let budget = DEFAULT_BUDGET_CHARS;
/** Trees kept within the budget (file to text length), least recently used first. */
const recent = { files: new Map<SyntaxTrees, number>(), chars: 0, newest: undefined as SyntaxTrees | undefined };
let reparsed = 0;

/** One file's document trees: present, or parsed again from the file's text on demand. */
export class SyntaxTrees {
  private trees: Document.Parsed[] | undefined;

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
    this.remember();
    return this.trees[index];
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
 * Sets how much text's trees are kept (0 keeps the most recent file's only). Returns the previous
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

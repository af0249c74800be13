/**
 * Where the YAML syntax trees of parsed files live. A tree takes about 25 times the memory of its
 * text, and most of a large workspace's files are only read for their data once checked, so trees
 * are kept for the files used most recently, up to a budget of text; the others are dropped and
 * parsed again, identically, when something asks: only the document asked for when the file's
 * documents can be parsed one by one (see `parse.ts`), else the whole file. An edit parses its file for
 * its data only; the documents that its check, completion and hover read next are parsed one at a time.
 */
import type { Document } from 'yaml';

/**
 * Text (in characters) whose trees are kept: about 13 MB of trees (25 bytes a character, measured on
 * a workspace of 7 KB files after 200 edits in as many files), some seventy such files.
 */
const DEFAULT_BUDGET_CHARS = 500_000;

let budget = DEFAULT_BUDGET_CHARS;
/** Files with trees within the budget (file to the text its present trees stand for), least recently used first. */
const recent = { files: new Map<SyntaxTrees, number>(), chars: 0, newest: undefined as SyntaxTrees | undefined };
let reparses = 0;

/** How a file's trees are parsed again once dropped. */
export interface Reparse {
  /** Parses the whole file again; it must give the trees the first parse gave. */
  all: () => Document.Parsed[];
  /**
   * The text length of each document's part of the file, when each can be parsed on its own; `one`
   * then parses one document again, or answers undefined when it cannot (and the whole file is parsed).
   */
  parts?: { sizes: number[]; one: (index: number) => Document.Parsed | undefined };
}

/** One file's document trees: present, or parsed again from the file's text on demand. */
export class SyntaxTrees {
  /** The trees in memory, by document; undefined entries were dropped. */
  private trees: (Document.Parsed | undefined)[];
  /** The text the present trees stand for, what the budget counts. */
  private chars: number;

  constructor(
    /** The trees just parsed; undefined when the file was parsed elsewhere (a worker thread) and they are parsed here only when read. */
    trees: Document.Parsed[] | undefined,
    /** The file's text length. */
    private readonly size: number,
    private readonly reparse: Reparse,
  ) {
    this.trees = trees ?? [];
    this.chars = trees ? size : 0;
    if (trees) this.remember();
  }

  /** The tree of document `index` of the file. */
  tree(index: number): Document.Parsed {
    let tree = this.trees[index];
    if (!tree) {
      reparses++;
      const one = this.reparse.parts?.one(index);
      if (one) {
        tree = this.trees[index] = one;
        this.chars += this.reparse.parts!.sizes[index];
      } else {
        this.trees = this.reparse.all();
        this.chars = this.size;
        tree = this.trees[index];
      }
    }
    this.remember();
    return tree!;
  }

  /** Whether the trees of every document are in memory now. */
  get present(): boolean {
    return this.chars === this.size;
  }

  /** Whether the tree of document `index` is in memory now. */
  has(index: number): boolean {
    return this.trees[index] !== undefined;
  }

  /** Drops the trees; the next `tree` parses again. */
  drop(): void {
    this.forget();
    this.trees = [];
    this.chars = 0;
  }

  private remember(): void {
    if (recent.newest === this && recent.files.get(this) === this.chars) return;
    this.forget();
    recent.files.set(this, this.chars);
    recent.chars += this.chars;
    recent.newest = this;
    keepWithinBudget();
  }

  private forget(): void {
    const chars = recent.files.get(this);
    if (chars === undefined) return;
    recent.files.delete(this);
    recent.chars -= chars;
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

/** How many times dropped trees were parsed again (one document, or a whole file) since start, for tests and profiles. */
export function reparsedTrees(): number {
  return reparses;
}

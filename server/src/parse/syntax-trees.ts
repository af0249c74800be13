/**
 * Where the YAML syntax trees of parsed files live. A tree takes about 25 times the memory of its
 * text, and most of a large workspace's files are only read for their data once checked, so trees
 * are kept for the files used most recently, up to a budget of text; the others are dropped and
 * parsed again, identically, when something asks: only the document asked for when the file's
 * documents can be parsed one by one (see `parse.ts`), else the whole file. An edit parses its file for
 * its data only; the documents that its check, completion and hover read next are parsed one at a time.
 *
 * A document that can be parsed on its own is not parsed when its tree is asked for, but when the tree
 * is first read: most trees asked for during a check serve to place one finding (`spanAtPath`), which
 * the document's outline (block-outline.ts) answers from its text for plain block YAML.
 */
import { Document } from 'yaml';
import { blockOutline, type OutlineNode } from './block-outline';

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
  parts?: {
    sizes: number[];
    one: (index: number) => Document.Parsed | undefined;
    /** The text the parts are cut from and where each starts, to read a document's outline from. */
    source: string;
    starts: number[];
  };
}

/** A tree handed out but not parsed yet: what reading it parses, and the outline of its text once asked for. */
interface DeferredTree {
  parse: () => Document.Parsed;
  real?: Document.Parsed;
  text: { source: string; start: number; end: number };
  /** Undefined until asked for; null when the text is not plain enough to outline. */
  outline?: OutlineNode | null;
}

const deferred = new WeakMap<object, DeferredTree>();

/**
 * A stand-in for a document's tree that parses the tree the first time anything on it is read, and from
 * then on is that tree to every reader (a proxy forwards every operation to it); `outlineOf` answers for
 * it without parsing.
 */
function deferredTree(tree: DeferredTree): Document.Parsed {
  const real = () => (tree.real ??= tree.parse());
  // The target only gives the proxy the tree's prototype; every operation goes to the parsed tree.
  const proxy = new Proxy(Object.create(Document.prototype) as object, {
    get: (_, key) => Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may not report a property as non-configurable unless its target has it so.
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
  });
  deferred.set(proxy, tree);
  return proxy as Document.Parsed;
}

/**
 * The outline of a tree that `SyntaxTrees` handed out and nobody has read yet, when its text is plain
 * block YAML; undefined otherwise, when the tree itself must answer.
 */
export function outlineOf(doc: unknown): OutlineNode | undefined {
  const tree = typeof doc === 'object' && doc !== null ? deferred.get(doc) : undefined;
  if (!tree || tree.real) return undefined;
  if (tree.outline === undefined) tree.outline = blockOutline(tree.text.source, tree.text.start, tree.text.end);
  return tree.outline ?? undefined;
}

/** One file's document trees: present, or parsed again from the file's text on demand. */
export class SyntaxTrees {
  /** The trees in memory, by document; undefined entries were dropped. */
  private trees: (Document.Parsed | undefined)[];
  /** Stand-ins handed out for dropped trees, by document, until they are read (see `tree`). */
  private waiting: (Document.Parsed | undefined)[] = [];
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

  /**
   * The tree of document `index` of the file. A dropped tree of a document that can be parsed on its own
   * comes back as a stand-in that parses it when first read (see `deferredTree`).
   */
  tree(index: number): Document.Parsed {
    let tree = this.trees[index] ?? this.waiting[index];
    if (!tree) {
      const parts = this.reparse.parts;
      if (parts) {
        const start = parts.starts[index];
        const text = { source: parts.source, start, end: start + parts.sizes[index] };
        tree = this.waiting[index] = deferredTree({ text, parse: () => this.parseOne(index, tree!) });
        return tree;
      }
      this.parseAll();
      tree = this.trees[index];
    }
    this.remember();
    return tree!;
  }

  /** Parses document `index` again for its stand-in, and keeps the tree in its place when the stand-in still holds it. */
  private parseOne(index: number, standIn: Document.Parsed): Document.Parsed {
    const kept = this.waiting[index] === standIn;
    const one = this.reparse.parts?.one(index);
    if (!one) {
      // The document did not come back alone where it was: the whole file is parsed, as `tree` does without parts.
      const all = this.parseAll(kept);
      return all[index];
    }
    reparses++;
    if (kept) {
      this.waiting[index] = undefined;
      this.trees[index] = one;
      this.chars += this.reparse.parts!.sizes[index];
      this.remember();
    }
    return one;
  }

  /** Parses the whole file again; its trees replace those kept unless `keep` is false (a stand-in read after its file's trees were dropped). */
  private parseAll(keep = true): Document.Parsed[] {
    reparses++;
    const all = this.reparse.all();
    if (keep) {
      this.trees = all;
      this.waiting = [];
      this.chars = this.size;
      this.remember();
    }
    return all;
  }

  /** Whether the trees of every document are in memory now. */
  get present(): boolean {
    return this.chars === this.size;
  }

  /** Whether the tree of document `index` is in memory now (a stand-in nobody has read does not count). */
  has(index: number): boolean {
    return this.trees[index] !== undefined;
  }

  /** Drops the trees; the next `tree` parses again. */
  drop(): void {
    this.forget();
    this.trees = [];
    this.waiting = [];
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

/**
 * Text to ParsedFile: one ParsedDocument per `---` document, with its YAML syntax tree (exact
 * ranges, comments kept) and plain value, and the Resource it declares. Parsing never throws and
 * never hangs: broken YAML, alias bombs, deep nesting, binary data, Helm templates and huge
 * files all become findings (or a silent skip, for binary data) instead.
 */
import { Composer, CST, isAlias, isMap, isPair, isScalar, isSeq, Parser, type Document, type Pair, type YAMLParseError, type YAMLSeq } from 'yaml';
import type { Finding } from '../model';
import { toResource, type Resource } from './resource';
import { meshConfigOf } from './mesh-config';
import { addDuplicateKeyErrors, findDuplicateKeys, MAX_ALIAS_COUNT, PARSE_OPTIONS, TO_JS_OPTIONS, yamlErrorFindings } from './syntax';
import { kubectlItems } from './kubectl-yaml';
import { isKustomizationUri, kustomizationOf, type Kustomization } from './kustomization';
import { SyntaxTrees } from './syntax-trees';
import { plainDocuments, type PlainDocument } from './plain-documents';
import { recordNameSpan } from './name-spans';
import { spanAtPath } from './yaml-path';

export interface ParsedDocument {
  index: number;
  /** Range of the document's content in the file. */
  start: number;
  end: number;
  /**
   * The document's syntax tree. It may have been dropped to save memory since parsing; reading it
   * then parses the file again (see syntax-trees.ts).
   */
  readonly ast: Document.Parsed;
  /** Plain data; undefined when the document could not be turned into data safely. */
  value: unknown;
  resource?: Resource;
}

type SkipReason = 'binary' | 'helm' | 'too-large';

export interface ParsedFile {
  uri: string;
  text: string;
  documents: ParsedDocument[];
  resources: Resource[];
  /** File-level findings: YAML syntax, alias limits, Helm, size. */
  problems: Finding[];
  skipped?: SkipReason;
  /**
   * True when the file holds Istio configuration (or looks like it, when it is too broken to
   * parse). Findings are reported only for owned files, so other YAML is left to other tools.
   */
  owned: boolean;
  /** For a kustomization file (by its name), the namespace it sets and what it lists; see kustomization.ts. */
  kustomization?: Kustomization;
  /** The documents' syntax trees; absent for skipped files and files the parser refused. */
  syntax?: SyntaxTrees;
}

/**
 * Files larger than this are indexed by nobody and get one information finding. Parsing, indexing
 * and checking a file is one step the server cannot interrupt: 1 MB of dense ServiceEntries (4,300
 * documents) costs about 1.6 s to parse, 0.2 s to index and 0.9 s to check on a busy two-core
 * machine, during which hover and completion wait. It is not lower so that Istio's own limit on a
 * VirtualService (a directResponse body of 1 MB) can still be checked.
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The last line of a text cut by `cutFileText`, with the file's size in bytes. */
const CUT_MARK = /\n# istio-egress: cut from a file of (\d+) bytes\n$/;

/**
 * The text that stands for a file larger than `MAX_FILE_BYTES`, read only as far as `head`: longer
 * than the limit, so `parseFile` skips it, and ending with the file's size, which the finding reports.
 */
export function cutFileText(head: string, size: number): string {
  return `${head.padEnd(MAX_FILE_BYTES + 1, ' ')}\n# istio-egress: cut from a file of ${size} bytes\n`;
}

/** A size in bytes as people read it: `15.5 MB`, `1 MB`, `900 KB`. */
function formatSize(bytes: number): string {
  const [n, unit] = bytes >= 1024 * 1024 ? [bytes / 1024 / 1024, 'MB'] : [bytes / 1024, 'KB'];
  return `${Number(n.toFixed(1))} ${unit}`;
}

// Horizontal white space only: `\s*` at a line start would rescan every following blank line (quadratic).
const OWNED_TEXT = /^[ \t]*apiVersion:[ \t]*["']?[a-z0-9.-]*istio\.io\//m;
/** A character `looksBinary` counts: a control character other than tab, line feed, form feed and carriage return, or U+FFFD. */
const ODD_CHAR = /[\u0000-\u0008\u000b\u000e-\u001f\ufffd]/;
function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  // Most files hold none: a regular expression tells so at once, where the loop below runs slowly until V8 optimises it.
  if (!ODD_CHAR.test(head)) return false;
  if (head.includes('\u0000')) return true;
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) odd++;
  }
  return head.length > 0 && odd / head.length > 0.1;
}

/**
 * The first Helm/Go template action (`{{ … }}`) outside a comment, if any. A linear scan: a regex
 * with a lazy body is quadratic on an unclosed `{{`. `text` has only `\n` line breaks.
 */
function findTemplate(text: string): { start: number; end: number } | undefined {
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', open + 2)) {
    const close = text.indexOf('}}', open + 2);
    if (close < 0) return undefined;
    const lineStart = text.lastIndexOf('\n', open) + 1;
    const before = text.slice(lineStart, open);
    if (/(^|\s)#/.test(before)) continue;
    return { start: open, end: close + 2 };
  }
  return undefined;
}

/**
 * The text as the YAML parser should read it: a lone CR (old Mac line endings) becomes LF. Editors
 * and SARIF viewers break lines at CR, LF and CRLF, but the parser only at LF and CRLF. The length
 * is unchanged, so every offset holds for the original text.
 */
function yamlSource(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Whether plain data refers to itself (a self-referencing alias such as `&r [*r]`); linear in the data's size. */
function isCyclic(value: unknown): boolean {
  const done = new Set<object>();
  const onPath = new Set<object>();
  const visit = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object' || done.has(v)) return false;
    if (onPath.has(v)) return true;
    onPath.add(v);
    for (const child of Object.values(v)) if (visit(child)) return true;
    onPath.delete(v);
    done.add(v);
    return false;
  };
  return visit(value);
}

function skippedFile(uri: string, text: string, skipped: SkipReason, problems: Finding[], owned: boolean): ParsedFile {
  return { uri, text, documents: [], resources: [], problems, skipped, owned };
}

export function parseFile(uri: string, text: string): ParsedFile {
  return parseFileParts(uri, text).file;
}

/**
 * `parseFile`, and where each document's part of the text starts when the documents can be parsed
 * one by one (see `parseTokens`): what `parsed-record.ts` needs to rebuild the file elsewhere.
 * With `trees: false` the file's syntax trees start dropped, and a file of plain documents is read
 * into data without composing them (see plain-documents.ts); the file is otherwise the same.
 */
export function parseFileParts(uri: string, text: string, { trees = true } = {}): { file: ParsedFile; parts?: number[] } {
  const steps = parseFileSteps(uri, text, { trees });
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `parseFileParts` a document at a time: with `trees: false`, each step before the last reads one more plain document
 * (a file that turns out not to be plain is parsed whole by the last step), so that a caller can let other work through
 * between documents; the last step returns what `parseFileParts` returns.
 */
export function* parseFileSteps(uri: string, text: string, { trees = true } = {}): Generator<void, { file: ParsedFile; parts?: number[] }> {
  if (looksBinary(text)) return { file: skippedFile(uri, text, 'binary', [], false) };
  const source = yamlSource(text);
  const ownedByText = OWNED_TEXT.test(source.slice(0, 1 << 20));
  if (text.length > MAX_FILE_BYTES) {
    const size = Number(CUT_MARK.exec(text.slice(-80))?.[1] ?? text.length);
    const finding: Finding = {
      code: 'file-too-large',
      severity: 'information',
      message:
        `This file is ${formatSize(size)}, over the ${formatSize(MAX_FILE_BYTES)} limit, so istio-egress does not ` +
        'check it and its resources take no part in the analysis. ' +
        'Split it into smaller files, or leave it out with istioEgress.exclude.',
      start: 0,
      end: Math.min(text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'), 200),
    };
    return { file: skippedFile(uri, text, 'too-large', [finding], ownedByText) };
  }
  const template = findTemplate(source);
  if (template) {
    const finding: Finding = {
      code: 'helm-template-skipped',
      severity: 'information',
      message: 'This file is a Helm or Go template; istio-egress skips it. Check the rendered output instead (helm template … | istio-egress check -).',
      ...template,
    };
    return { file: skippedFile(uri, text, 'helm', [finding], ownedByText) };
  }

  const problems: Finding[] = [];
  const documents: ParsedDocument[] = [];
  const resources: Resource[] = [];
  const deepAt = unclosedFlowDepth(source, MAX_FLOW_DEPTH);
  if (deepAt >= 0) {
    problems.push(internalLimit(new RangeError('flow collections nested too deeply'), deepAt, source));
    return { file: { uri, text, documents, resources, problems, owned: ownedByText } };
  }
  let asts: Document.Parsed[];
  let parts: number[] | undefined;
  try {
    if (!trees) {
      const plain = yield* plainFile(uri, text, source, ownedByText);
      if (plain) return plain;
    }
    let tokens: CST.Token[];
    ({ tokens, parts } = parseTokens(source));
    asts = composeTrees(tokens);
    if (parts?.length !== asts.length) parts = undefined;
  } catch (e) {
    problems.push(internalLimit(e, 0, source));
    return { file: { uri, text, documents, resources, problems, owned: ownedByText } };
  }
  const syntax = syntaxTreesOf(text, documents, parts, trees ? asts : undefined);
  asts.forEach((ast, index) => {
    const { failure, aliases } = prepareTree(ast, text);
    problems.push(...yamlErrorFindings(ast));
    const [start, , end] = ast.range;
    let value: unknown;
    try {
      if (failure) throw failure;
      value = ast.toJS(TO_JS_OPTIONS);
      // Only an alias can make data refer to itself.
      if (aliases && isCyclic(value)) {
        value = undefined;
        problems.push(internalLimit(new Error('alias refers to itself'), start, source));
      }
    } catch (e) {
      problems.push(internalLimit(e, start, source));
    }
    const document = parsedDocument(index, start, end, value, syntax);
    const resource = toResource(uri, document);
    if (resource) {
      const mesh = meshConfigOf(resource.value, ast, source);
      if (mesh) {
        resource.meshConfig = mesh;
        resource.family = 'mesh-config';
        problems.push(...mesh.errors);
      }
      document.resource = resource;
      resources.push(resource);
      // Noted while the tree is here: it may be dropped before the check names this resource (see name-spans.ts).
      if (!resource.meshConfig) recordNameSpan(document, spanAtPath(ast, ['metadata', 'name']) ?? null);
    }
    documents.push(document);
  });
  const owned = ownedByText || resources.some((r) => r.family === 'istio' || r.family === 'mesh-config');
  const kustomization = isKustomizationUri(uri) ? kustomizationOf(documents[0]?.value) : undefined;
  return { file: { uri, text, documents, resources, problems, owned, syntax, ...(kustomization ? { kustomization } : {}) }, parts };
}

/**
 * The file of plain documents (plain-documents.ts) that `parseFileParts` would give, its trees dropped, and its parts;
 * undefined when a document is not plain or may hold mesh config, whose reader needs the document's tree. A step per document read.
 * Each document is read as the parser yields it and its syntax tokens are dropped then: holding a whole file's
 * tokens until the end, as composing needs, made them outlive young-generation collections, and the old
 * generation filled with them at every edit. A file that turns out not to be plain is parsed again to be composed.
 */
function* plainFile(uri: string, text: string, source: string, ownedByText: boolean): Generator<void, { file: ParsedFile; parts?: number[] } | undefined> {
  const plain: PlainDocument[] = [];
  const starts = new PartStarts();
  for (const token of new Parser().parse(source)) {
    starts.note(token);
    const read = plainDocuments([token]);
    if (!read) return undefined;
    plain.push(...read);
    if (read.length > 0) yield;
  }
  const parts = starts.parts(source);
  const documents: ParsedDocument[] = [];
  const resources: Resource[] = [];
  const syntax = syntaxTreesOf(text, documents, parts);
  for (const [index, { start, end, value, name }] of plain.entries()) {
    const document = parsedDocument(index, start, end, value, syntax);
    const resource = toResource(uri, document);
    if (resource) {
      if (resource.kind === 'IstioOperator' || resource.kind === 'ConfigMap') return undefined;
      document.resource = resource;
      resources.push(resource);
      if (name) recordNameSpan(document, name);
    }
    documents.push(document);
  }
  const owned = ownedByText || resources.some((r) => r.family === 'istio' || r.family === 'mesh-config');
  const kustomization = isKustomizationUri(uri) ? kustomizationOf(documents[0]?.value) : undefined;
  return { file: { uri, text, documents, resources, problems: [], owned, syntax, ...(kustomization ? { kustomization } : {}) }, parts };
}

/** A line that starts a document (`---` alone or followed by a space or tab): never part of a scalar in YAML 1.2. */
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;

/**
 * The document of `text` at `offset`, parsed alone: a file whose text is `text` up to that document's end, with the
 * documents before it blanked (each character but line breaks made a space), so that offsets, lines and columns are
 * those of `text`, and whose only document is the one at `offset`, as `parseFileParts` with `trees: false` gives it. Undefined when the text has
 * directives or document ends (`%`, `...`), which may carry from one document to the next, or when parsing the whole
 * text would not save much (a document of most of it). For an answer about one place of a file not parsed yet.
 */
export function parseDocumentAt(uri: string, text: string, offset: number): ParsedFile | undefined {
  if (/^(%|\.\.\.)/m.test(text)) return undefined;
  let start = 0;
  let end = text.length;
  for (const m of text.matchAll(DOCUMENT_START)) {
    if (m.index <= offset) start = m.index;
    else {
      end = m.index;
      break;
    }
  }
  if ((end - start) * 2 > text.length) return undefined;
  const alone = `${text.slice(0, start).replace(/[^\r\n]/g, ' ')}${text.slice(start, end)}`;
  const { file } = parseFileParts(uri, alone, { trees: false });
  return file.documents.length === 1 ? file : undefined;
}

/** Document `index` of a file, with its range and data; its syntax tree is read through `syntax`, which may parse it again. */
export function parsedDocument(index: number, start: number, end: number, value: unknown, syntax: SyntaxTrees): ParsedDocument {
  return new DocumentOfFile(index, start, end, value, syntax);
}

/**
 * A document whose tree is read through its file's `SyntaxTrees`. A class, so that every document shares one
 * shape: an object literal with its own `get ast()` closure got a hidden class of its own, kept in the old
 * generation, through which young-generation collections saw every document of the file, with its data, as
 * alive, and copied and promoted it (about 40 MB for each 1,000 files of 21 documents).
 */
class DocumentOfFile implements ParsedDocument {
  readonly #syntax: SyntaxTrees;
  resource?: Resource;

  constructor(
    public index: number,
    public start: number,
    public end: number,
    public value: unknown,
    syntax: SyntaxTrees,
  ) {
    this.#syntax = syntax;
  }

  get ast(): Document.Parsed {
    return this.#syntax.tree(this.index);
  }
}

/**
 * The syntax trees of a file's documents: `trees` when they were just parsed, else none until one is
 * read, when it is parsed again from `text` (only that document's part when `parts` says where it is).
 */
export function syntaxTreesOf(text: string, documents: readonly ParsedDocument[], parts: number[] | undefined, trees?: Document.Parsed[]): SyntaxTrees {
  const source = yamlSource(text);
  return new SyntaxTrees(trees, text.length, {
    all: () => {
      const again = parseTrees(source);
      for (const ast of again) prepareTree(ast, text);
      return again;
    },
    parts: parts && {
      sizes: parts.map((start, i) => (parts[i + 1] ?? source.length) - start),
      one: (i) => {
        const ast = parseTree(source, parts[i], parts[i + 1] ?? source.length);
        // The document must come back where it was; anything else is parsed as the whole file.
        if (!ast || ast.range[0] !== documents[i]?.start || ast.range[2] !== documents[i]?.end) return undefined;
        prepareTree(ast, text);
        return ast;
      },
    },
  });
}

/** The trees of a file's documents, as `YAML.parseAllDocuments` gives them. */
function parseTrees(source: string): Document.Parsed[] {
  return composeTrees(parseTokens(source).tokens);
}

function composeTrees(tokens: readonly CST.Token[]): Document.Parsed[] {
  return Array.from(new Composer(PARSE_OPTIONS).compose(tokens));
}

/**
 * The file's top-level syntax tokens (the library's CST), and where each document's part of the text
 * starts when each part can be parsed on its own. A part starts at a line start, with the comments and
 * blank lines that lead to its document; the parser carries nothing from one part to the next unless
 * the stream has directives (`%YAML`, `%TAG`), stray tokens between documents or a document end (`...`)
 * without a document, and then there are no parts.
 */
function parseTokens(source: string): { tokens: CST.Token[]; parts?: number[] } {
  const starts = new PartStarts();
  const tokens: CST.Token[] = [];
  for (const token of new Parser().parse(source)) {
    starts.note(token);
    tokens.push(token);
  }
  return { tokens, parts: starts.parts(source) };
}

/** Where each document's part of the text starts, worked out from the top-level tokens as the parser yields them (see `parseTokens`). */
class PartStarts {
  private readonly starts: number[] = [];
  private pending: number | undefined;
  private separable = true;

  note(token: CST.Token): void {
    switch (token.type) {
      case 'document':
        this.starts.push(this.starts.length === 0 ? 0 : (this.pending ?? token.offset));
        this.pending = undefined;
        break;
      case 'doc-end':
        if (this.starts.length === 0 || this.pending !== undefined) this.separable = false;
        break;
      case 'comment':
      case 'newline':
      case 'space':
      case 'byte-order-mark':
        this.pending ??= token.offset;
        break;
      default:
        this.separable = false;
    }
  }

  /** The parts' starts once every token is noted; undefined when the parts cannot be parsed one by one. */
  parts(source: string): number[] | undefined {
    const atLineStarts = this.starts.every((s) => s === 0 || source[s - 1] === '\n');
    return this.separable && atLineStarts ? this.starts : undefined;
  }
}

/** The tree of the one document in `source` from `start` to `end` (a part from `parseTokens`), with offsets in the whole source. */
function parseTree(source: string, start: number, end: number): Document.Parsed | undefined {
  const parser = new Parser();
  parser.offset = start;
  const trees: Document.Parsed[] = Array.from(new Composer(PARSE_OPTIONS).compose(parser.parse(source.slice(start, end))));
  return trees.length === 1 ? trees[0] : undefined;
}

/**
 * Prepares a fresh tree, the same way whenever the file is parsed: adds its duplicate-key errors (see
 * `findDuplicateKeys`) and adjusts it to kubectl's reading (see kubectl-yaml.ts); returns why the
 * document's data cannot be read safely, if so, and whether the tree holds an alias. One walk over
 * the tree, which runs on every document: a walk of its own rather than the library's `visit`, which
 * allocates a path at every node.
 */
function prepareTree(ast: Document.Parsed, text: string): { failure?: Error; aliases: boolean } {
  const duplicates: YAMLParseError[] = [];
  const flowSeqs: YAMLSeq[] = [];
  let key: { start: number; end: number } | undefined;
  let aliases = false;
  // Scalars, most of the nodes, are told apart first.
  const walkPair = (pair: Pair): void => {
    const k = pair.key;
    if (!isScalar(k)) {
      // A mapping key that is itself a mapping or sequence (`? [a]`, or what `{{ x` turns into): no
      // Kubernetes object has one, and turning such keys into data stringifies them level by level,
      // which takes seconds on a few hundred nested brackets. The first one in the document is reported.
      if (!key && (isMap(k) || isSeq(k))) {
        const range = k.range;
        key = range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
      }
      walk(k);
    }
    walk(pair.value);
  };
  const walk = (node: unknown): void => {
    if (isScalar(node)) return;
    if (isMap(node)) {
      findDuplicateKeys(node, duplicates);
      for (const pair of node.items) walkPair(pair);
    } else if (isSeq(node)) {
      if (node.flow) flowSeqs.push(node);
      for (const item of node.items) walk(item);
    } else if (isPair(node)) walkPair(node);
    else if (isAlias(node)) aliases = true;
  };
  try {
    walk(ast.contents);
  } catch (e) {
    // Nesting too deep for the walk (a RangeError): the data is not read either.
    return { failure: e instanceof Error ? e : new Error(String(e)), aliases };
  } finally {
    addDuplicateKeyErrors(ast, duplicates);
  }
  if (key) return { failure: new ComplexKeyError(key), aliases };
  try {
    for (const seq of flowSeqs) {
      const items = kubectlItems(seq, text);
      if (items) seq.items = items;
    }
  } catch (e) {
    return { failure: e instanceof Error ? e : new Error(String(e)), aliases };
  }
  return { aliases };
}

/** Flow collections (`[`, `{`) open at once beyond which a file is not parsed: no real configuration comes close. */
const MAX_FLOW_DEPTH = 500;

/**
 * The offset where more than `limit` flow brackets are open at once (outside quotes and comments),
 * or -1. The YAML parser spends seconds on a few hundred kilobytes of such nesting (`{{ x` lines of
 * a half-typed template), so it is not asked to. A linear scan; brackets in block scalars count
 * too, which only matters for text that would need `limit` unmatched ones.
 */
function unclosedFlowDepth(text: string, limit: number): number {
  // No more brackets than the limit cannot open more than that at once: most files are not scanned.
  if (count(text, '[', limit) + count(text, '{', limit) <= limit) return -1;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') quote = '';
    else if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
    } else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}

/** How many times `c` occurs in `text`, counted up to `upTo` + 1. */
function count(text: string, c: string, upTo: number): number {
  let n = 0;
  for (let i = text.indexOf(c); i >= 0 && n <= upTo; i = text.indexOf(c, i + 1)) n++;
  return n;
}

class ComplexKeyError extends Error {
  constructor(readonly span: { start: number; end: number }) {
    super('a mapping key is a collection');
  }
}

/** A finding for a document the parser refused to expand: too many aliases, or nested too deep. */
function internalLimit(e: unknown, start: number, text: string): Finding {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof ComplexKeyError) {
    const keyEnd = Math.min(e.span.end, text.indexOf('\n', e.span.start) < 0 ? text.length : text.indexOf('\n', e.span.start));
    return {
      code: 'yaml-syntax',
      severity: 'error',
      start: e.span.start,
      end: Math.max(e.span.start + 1, keyEnd),
      message: 'YAML syntax error: this mapping key is itself a mapping or a list; Kubernetes objects have only plain keys.',
    };
  }
  const lineEnd = text.indexOf('\n', start);
  const end = Math.max(start + 1, Math.min(lineEnd < 0 ? text.length : lineEnd, start + 200));
  if (/refers to itself/.test(message)) {
    return {
      code: 'yaml-alias-limit',
      severity: 'error',
      start,
      end,
      message:
        'This document refers to itself through an alias (such as `&r [*r]`), which no JSON or Kubernetes object can hold; istio-egress does not check it.',
    };
  }
  if (/alias/i.test(message)) {
    return {
      code: 'yaml-alias-limit',
      severity: 'error',
      start,
      end,
      message: `This document expands more than ${MAX_ALIAS_COUNT} aliases (an alias bomb?); istio-egress does not check it.`,
    };
  }
  if (e instanceof RangeError) {
    return { code: 'yaml-too-deep', severity: 'error', start, end, message: 'This document is nested too deeply to check.' };
  }
  return { code: 'yaml-syntax', severity: 'error', start, end, message: `YAML could not be read: ${message}` };
}

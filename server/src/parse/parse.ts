/**
 * Text to ParsedFile: one ParsedDocument per `---` document, with its YAML syntax tree (exact
 * ranges, comments kept) and plain value, and the Resource it declares. Parsing never throws and
 * never hangs: broken YAML, alias bombs, deep nesting, binary data, Helm templates and huge
 * files all become findings (or a silent skip, for binary data) instead.
 */
import YAML, { type Document } from 'yaml';
import type { Finding } from '../model';
import { toResource, type Resource } from './resource';
import { meshConfigOf } from './mesh-config';
import { MAX_ALIAS_COUNT, PARSE_OPTIONS, TO_JS_OPTIONS, yamlErrorFindings } from './syntax';
import { readAsKubectl } from './kubectl-yaml';

export interface ParsedDocument {
  index: number;
  /** Range of the document's content in the file. */
  start: number;
  end: number;
  ast: Document.Parsed;
  /** Plain data; undefined when the document could not be turned into data safely. */
  value: unknown;
  resource?: Resource;
}

export type SkipReason = 'binary' | 'helm' | 'too-large';

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
}

/** Files larger than this are indexed by nobody and get one information finding. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

const OWNED_TEXT = /^\s*apiVersion:\s*["']?[a-z0-9.-]*istio\.io\//m;
const HELM = /\{\{-?[\s\S]*?-?\}\}/g;
function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  if (head.includes('\u0000')) return true;
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) odd++;
  }
  return head.length > 0 && odd / head.length > 0.1;
}

/** The first Helm/Go template action outside a comment, if any. */
function findTemplate(text: string): { start: number; end: number } | undefined {
  HELM.lastIndex = 0;
  for (let m = HELM.exec(text); m; m = HELM.exec(text)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const before = text.slice(lineStart, m.index);
    if (/(^|\s)#/.test(before)) continue;
    return { start: m.index, end: m.index + m[0].length };
  }
  return undefined;
}

function skippedFile(uri: string, text: string, skipped: SkipReason, problems: Finding[], owned: boolean): ParsedFile {
  return { uri, text, documents: [], resources: [], problems, skipped, owned };
}

export function parseFile(uri: string, text: string): ParsedFile {
  if (looksBinary(text)) return skippedFile(uri, text, 'binary', [], false);
  const ownedByText = OWNED_TEXT.test(text.slice(0, 1 << 20));
  if (text.length > MAX_FILE_BYTES) {
    const finding: Finding = {
      code: 'file-too-large',
      severity: 'information',
      message: `This file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; istio-egress does not check it.`,
      start: 0,
      end: Math.min(text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'), 200),
    };
    return skippedFile(uri, text, 'too-large', [finding], ownedByText);
  }
  const template = findTemplate(text);
  if (template) {
    const finding: Finding = {
      code: 'helm-template-skipped',
      severity: 'information',
      message: 'This file is a Helm or Go template; istio-egress skips it. Check the rendered output instead (helm template … | istio-egress check -).',
      ...template,
    };
    return skippedFile(uri, text, 'helm', [finding], ownedByText);
  }

  const problems: Finding[] = [];
  const documents: ParsedDocument[] = [];
  const resources: Resource[] = [];
  let asts: Document.Parsed[];
  try {
    asts = YAML.parseAllDocuments(text, PARSE_OPTIONS) as Document.Parsed[];
    if (!Array.isArray(asts)) asts = [];
  } catch (e) {
    problems.push(internalLimit(e, 0, text));
    return { uri, text, documents, resources, problems, owned: ownedByText };
  }
  asts.forEach((ast, index) => {
    problems.push(...yamlErrorFindings(ast));
    const [start, , end] = ast.range;
    let value: unknown;
    try {
      readAsKubectl(ast, text);
      value = ast.toJS(TO_JS_OPTIONS);
    } catch (e) {
      problems.push(internalLimit(e, start, text));
    }
    const document: ParsedDocument = { index, start, end, ast, value };
    const resource = toResource(uri, document);
    if (resource) {
      const mesh = meshConfigOf(resource.value, ast, text);
      if (mesh) {
        resource.meshConfig = mesh;
        resource.family = 'mesh-config';
        problems.push(...mesh.errors);
      }
      document.resource = resource;
      resources.push(resource);
    }
    documents.push(document);
  });
  const owned = ownedByText || resources.some((r) => r.family === 'istio' || r.family === 'mesh-config');
  return { uri, text, documents, resources, problems, owned };
}

/** A finding for a document the parser refused to expand: too many aliases, or nested too deep. */
function internalLimit(e: unknown, start: number, text: string): Finding {
  const message = e instanceof Error ? e.message : String(e);
  const lineEnd = text.indexOf('\n', start);
  const end = Math.max(start + 1, Math.min(lineEnd < 0 ? text.length : lineEnd, start + 200));
  if (/alias/i.test(message)) {
    return { code: 'yaml-alias-limit', severity: 'error', start, end, message: `This document expands more than ${MAX_ALIAS_COUNT} aliases (an alias bomb?); istio-egress does not check it.` };
  }
  if (e instanceof RangeError) {
    return { code: 'yaml-too-deep', severity: 'error', start, end, message: 'This document is nested too deeply to check.' };
  }
  return { code: 'yaml-syntax', severity: 'error', start, end, message: `YAML could not be read: ${message}` };
}

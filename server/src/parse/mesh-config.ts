/**
 * Finds the mesh config a document carries: an IstioOperator's `spec.meshConfig`, or the `mesh`
 * key of the `istio` ConfigMap, which holds YAML inside a string. For the ConfigMap it parses
 * that inner YAML and maps its offsets back to the file, so findings land on the right characters.
 */
import YAML, { isScalar, Scalar } from 'yaml';
import type { Finding } from '../model';
import { markDuplicateKeys, yamlErrorFindings, PARSE_OPTIONS, TO_JS_OPTIONS } from './syntax';
import { nodeAtPath } from './yaml-path';
import { isRecord } from '../data';

export type OutboundMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

export interface MeshConfigSource {
  form: 'istio-operator' | 'configmap';
  /** The mesh config as plain data (empty when absent or broken). */
  value: Record<string, any>;
  /** The YAML document holding the mesh config itself; for an IstioOperator, the resource's own. */
  ast: YAML.Document.Parsed;
  /** Path from `ast`'s root to the mesh config mapping. */
  path: (string | number)[];
  /** Maps an offset in `ast`'s text to an offset in the file. */
  toFileOffset: (offset: number) => number;
  /** Syntax errors of the inner YAML (ConfigMap form), already in file offsets. */
  errors: Finding[];
}

/** The declared outbound traffic policy mode, if the mesh config sets a valid one. */
export function outboundMode(mesh: MeshConfigSource | undefined): OutboundMode | undefined {
  const mode = mesh?.value?.outboundTrafficPolicy?.mode;
  return mode === 'ALLOW_ANY' || mode === 'REGISTRY_ONLY' ? mode : undefined;
}

/** Whether a ConfigMap's name and namespace are those of Istio's mesh config (`istio`, or `istio-<revision>`, in istio-system). */
export function isMeshConfigMapName(name: unknown, namespace: unknown): boolean {
  return typeof name === 'string' && /^istio(-[a-z0-9-]+)?$/.test(name) && (namespace === undefined || namespace === 'istio-system');
}

function isMeshConfigMap(value: Record<string, any>): boolean {
  const md = isRecord(value.metadata) ? value.metadata : {};
  return value.kind === 'ConfigMap' && isMeshConfigMapName(md.name, md.namespace) && isRecord(value.data) && typeof value.data.mesh === 'string';
}

export function meshConfigOf(value: Record<string, any>, ast: YAML.Document.Parsed, text: string): MeshConfigSource | undefined {
  if (value.kind === 'IstioOperator') {
    const mesh = isRecord(value.spec) && isRecord(value.spec.meshConfig) ? value.spec.meshConfig : {};
    return { form: 'istio-operator', value: mesh, ast, path: ['spec', 'meshConfig'], toFileOffset: (o) => o, errors: [] };
  }
  if (!isMeshConfigMap(value)) return undefined;
  const node = nodeAtPath(ast, ['data', 'mesh'])?.value;
  if (!isScalar(node) || !node.range) return undefined;
  const inner = String(node.value);
  const toFileOffset = offsetMapper(node, text, inner);
  const innerAst = YAML.parseDocument(inner, PARSE_OPTIONS);
  markDuplicateKeys(innerAst);
  const errors = yamlErrorFindings(innerAst).map((f) => ({
    ...f,
    start: toFileOffset(f.start),
    end: Math.max(toFileOffset(f.end), toFileOffset(f.start) + 1),
  }));
  let meshValue: unknown = {};
  try {
    meshValue = innerAst.toJS(TO_JS_OPTIONS);
  } catch {
    meshValue = {};
  }
  return { form: 'configmap', value: isRecord(meshValue) ? meshValue : {}, ast: innerAst, path: [], toFileOffset, errors };
}

/**
 * Offsets inside a block scalar's value map line by line onto the file: each content line starts
 * at its source line plus the block's indentation. Other scalar styles map onto their first character,
 * which is still the right line for a one-line value.
 */
function offsetMapper(node: Scalar, text: string, inner: string): (offset: number) => number {
  const [start, end] = node.range!;
  if (node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED) {
    const quote = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
    const simple = !inner.includes('\n') && text.slice(start + quote, start + quote + inner.length) === inner;
    return (o) => (simple ? start + quote + Math.min(o, inner.length) : start);
  }
  const source = text.slice(start, end);
  const firstBreak = source.indexOf('\n');
  if (firstBreak < 0) return () => start;
  const lineStartsInFile: number[] = [];
  let indent = -1;
  let pos = start + firstBreak + 1;
  while (pos < end) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const line = text.slice(pos, lineEnd).replace(/\r$/, '');
    if (indent < 0 && line.trim() !== '') indent = line.length - line.trimStart().length;
    lineStartsInFile.push(pos + Math.min(Math.max(indent, 0), line.length));
    pos = lineEnd + 1;
  }
  const innerLineStarts = [0];
  for (let i = 0; i < inner.length; i++) if (inner[i] === '\n') innerLineStarts.push(i + 1);
  return (o) => {
    let line = 0;
    while (line + 1 < innerLineStarts.length && innerLineStarts[line + 1] <= o) line++;
    const base = lineStartsInFile[Math.min(line, lineStartsInFile.length - 1)] ?? start;
    return Math.min(base + (o - innerLineStarts[line]), end);
  };
}

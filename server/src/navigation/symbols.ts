/**
 * The outline of a YAML file and the symbols of a workspace: one symbol per resource
 * (`Kind namespace/name`), with children for Gateway servers, VirtualService routes, DestinationRule
 * subsets, ServiceEntry and Service ports, and Sidecar egress listeners. Offsets only, no LSP.
 */
import type { Span } from '../model';
import type { ParsedFile } from '../parse/parse';
import type { Resource } from '../parse/resource';
import { nodeAtPath, type YamlPath } from '../parse/yaml-path';
import { isRecord, listOf } from '../data';

type SymbolKind = 'resource' | 'server' | 'route' | 'subset' | 'port' | 'listener';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  /** The whole thing: a resource's document, a server's or route's YAML item. */
  span: Span;
  /** What to select and reveal: a resource's name, an item's first line. */
  selection: Span;
  children: OutlineSymbol[];
}

/** `Kind namespace/name`, the way symbols and hovers name a resource. */
export function resourceTitle(r: Resource): string {
  return `${r.kind} ${r.namespace}/${r.name || '(no name)'}`;
}

function spanOf(r: Resource, path: YamlPath): Span | undefined {
  const found = nodeAtPath(r.document.ast, path);
  const range = found?.value?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/** The selection of a child: its first key's line start to the end of that key's value, inside the item. */
function firstLine(span: Span, text: string): Span {
  const nl = text.indexOf('\n', span.start);
  return { start: span.start, end: nl < 0 || nl > span.end ? span.end : nl };
}

function child(r: Resource, text: string, path: YamlPath, name: string, kind: SymbolKind, detail?: string): OutlineSymbol | undefined {
  const span = spanOf(r, path);
  return span && { name, detail: detail || undefined, kind, span, selection: firstLine(span, text), children: [] };
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

function destinationText(d: unknown): string {
  if (!isRecord(d)) return '';
  const port = isRecord(d.port) && d.port.number !== undefined ? `:${str(d.port.number)}` : '';
  const subset = d.subset !== undefined ? ` (${str(d.subset)})` : '';
  return `${str(d.host)}${port}${subset}`;
}

function childrenOf(r: Resource, text: string): OutlineSymbol[] {
  const spec = r.spec;
  const out: (OutlineSymbol | undefined)[] = [];
  switch (r.kind) {
    case 'Gateway':
      listOf(spec.servers).forEach((s, i) => {
        if (!isRecord(s)) return;
        const port = isRecord(s.port) ? s.port : {};
        const tls = isRecord(s.tls) && s.tls.mode !== undefined ? ` ${str(s.tls.mode)}` : '';
        out.push(
          child(
            r,
            text,
            ['spec', 'servers', i],
            `server ${str(port.number)} ${str(port.protocol)}${tls}`.trim(),
            'server',
            listOf(s.hosts).map(str).join(', '),
          ),
        );
      });
      break;
    case 'VirtualService':
      for (const protocol of ['http', 'tls', 'tcp']) {
        listOf(spec[protocol]).forEach((rule, i) => {
          if (!isRecord(rule)) return;
          const label = typeof rule.name === 'string' && rule.name !== '' ? `${protocol} ${rule.name}` : `${protocol}[${i}]`;
          const targets = listOf(rule.route)
            .map((x) => (isRecord(x) ? destinationText(x.destination) : ''))
            .filter(Boolean);
          const gateways = listOf(rule.match).flatMap((m) => (isRecord(m) ? listOf(m.gateways).map(str) : []));
          const detail =
            `${gateways.length > 0 ? `[${[...new Set(gateways)].join(', ')}] ` : ''}→ ` +
            (targets.join(', ') || (rule.redirect !== undefined ? 'redirect' : '?'));
          out.push(child(r, text, ['spec', protocol, i], label, 'route', detail));
        });
      }
      break;
    case 'DestinationRule':
      listOf(spec.subsets).forEach((s, i) => {
        if (!isRecord(s)) return;
        const labels = isRecord(s.labels)
          ? Object.entries(s.labels)
              .map(([k, v]) => `${k}=${str(v)}`)
              .join(', ')
          : '';
        const tls = isRecord(s.trafficPolicy) && isRecord(s.trafficPolicy.tls) ? `tls ${str(s.trafficPolicy.tls.mode)}` : '';
        out.push(child(r, text, ['spec', 'subsets', i], `subset ${str(s.name)}`, 'subset', [labels, tls].filter(Boolean).join('; ')));
      });
      break;
    case 'ServiceEntry':
    case 'Service':
      listOf(spec.ports).forEach((p, i) => {
        if (!isRecord(p)) return;
        const number = r.kind === 'Service' ? p.port : p.number;
        out.push(child(r, text, ['spec', 'ports', i], `port ${str(number)} ${str(p.name)}`.trim(), 'port', str(p.protocol) || undefined));
      });
      break;
    case 'Sidecar':
      listOf(spec.egress).forEach((l, i) => {
        if (!isRecord(l)) return;
        const port = isRecord(l.port) ? ` ${str(l.port.number)}` : '';
        out.push(child(r, text, ['spec', 'egress', i], `egress${port}`, 'listener', listOf(l.hosts).map(str).join(', ')));
      });
      break;
  }
  return out.filter((s): s is OutlineSymbol => s !== undefined);
}

function resourceSymbol(r: Resource, text: string): OutlineSymbol {
  const span = { start: r.document.start, end: r.document.end };
  const name = nodeAtPath(r.document.ast, ['metadata', 'name'])?.value?.range;
  const selection = name ? { start: name[0], end: name[1] } : firstLine(span, text);
  return { name: resourceTitle(r), detail: r.apiVersion, kind: 'resource', span, selection, children: childrenOf(r, text) };
}

/**
 * One symbol per resource of the file, in order; nothing for files without Istio configuration,
 * whose outline other YAML tooling provides.
 */
export function documentSymbols(file: ParsedFile): OutlineSymbol[] {
  return file.owned ? file.resources.map((r) => resourceSymbol(r, file.text)) : [];
}

interface WorkspaceSymbol {
  name: string;
  uri: string;
  span: Span;
  /** The file's name, for telling resources of the same name apart. */
  container: string;
}

/** Whether every character of `query` appears in `name` in order, ignoring case (the editor ranks what remains). */
function fuzzyMatches(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (const c of n) if (i < q.length && c === q[i]) i++;
  return i === q.length;
}

/** Every resource of the workspace whose `Kind namespace/name` matches `query`, at most `limit`. */
export function workspaceSymbols(files: Iterable<ParsedFile>, query: string, limit = 1000): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  for (const file of files) {
    for (const r of file.resources) {
      const name = resourceTitle(r);
      if (!fuzzyMatches(query.replace(/\s+/g, ''), name.replace(/\s+/g, ''))) continue;
      const at = nodeAtPath(r.document.ast, ['metadata', 'name'])?.value?.range;
      out.push({
        name,
        uri: r.uri,
        span: at ? { start: at[0], end: at[1] } : { start: r.document.start, end: r.document.start },
        container: file.uri.slice(file.uri.lastIndexOf('/') + 1),
      });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

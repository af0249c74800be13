/**
 * Hover on a reference: what it resolves to (kind, namespace/name, file and line, the lines that
 * define it) or why it resolves to nothing. Markdown in character offsets; no LSP.
 */
import type { Span } from '../model';
import { targetsOf, whyUnresolved, type NavigationContext, type Site, type Target } from './references';

interface ReferenceHover extends Span {
  /** Markdown. */
  contents: string;
}

const MAX_TARGETS = 5;
const MAX_LINES = 8;

/** The line (0-based) of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The lines of the YAML item that holds the target: its line and the more indented lines below it. */
function excerpt(text: string, span: Span): string {
  const start = text.lastIndexOf('\n', span.start - 1) + 1;
  const lines = text.slice(start).split(/\r?\n/);
  const indent = (l: string) => l.length - l.trimStart().length;
  const base = indent(lines[0]);
  const out = [lines[0]];
  for (const l of lines.slice(1)) {
    if (out.length >= MAX_LINES || l.trim() === '---' || (l.trim() !== '' && indent(l) <= base)) break;
    out.push(l);
  }
  while (out.length > 1 && out[out.length - 1].trim() === '') out.pop();
  const margin = Math.min(...out.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return out.map((l) => l.slice(margin)).join('\n');
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

function describe(t: Target, textOf: (uri: string) => string | undefined): string {
  const text = textOf(t.resource.uri);
  if (text === undefined) return `**${t.label}**`;
  const line = lineOf(text, t.span.start) + 1;
  return `**${t.label}** — [${fileName(t.resource.uri)}, line ${line}](${t.resource.uri}#L${line})\n\n\`\`\`yaml\n${excerpt(text, t.span)}\n\`\`\``;
}

const NOUN: Record<Site['kind'], string> = { gateway: 'Gateway', subset: 'Subset', host: 'Host', credential: 'Secret', 'sidecar-host': 'Sidecar egress hosts' };

/** The hover for a reference: its targets, or why it has none. */
export function siteHover(s: Site, ctx: NavigationContext, textOf: (uri: string) => string | undefined): ReferenceHover {
  const targets = targetsOf(s, ctx);
  let contents: string;
  if (targets.length === 0) {
    contents = `${NOUN[s.kind]} \`${s.written.trim()}\` resolves to nothing: ${whyUnresolved(s, ctx) ?? 'not found.'}`;
  } else {
    const verb = s.kind === 'sidecar-host' ? 'imports' : 'resolves to';
    const head = `${NOUN[s.kind]} \`${s.written.trim()}\` ${verb}${targets.length > 1 ? ` (${targets.length})` : ''}:`;
    const shown = targets.slice(0, MAX_TARGETS).map((t) => describe(t, textOf));
    const more = targets.length > MAX_TARGETS ? [`…and ${targets.length - MAX_TARGETS} more.`] : [];
    contents = [head, ...shown, ...more].join('\n\n');
  }
  return { start: s.scalar.start, end: s.scalar.end, contents };
}

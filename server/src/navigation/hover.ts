/**
 * Hover on a reference: what it resolves to (kind, namespace/name, where a namespace that is not
 * written comes from, file and line, the lines that define it; when an object has several versions,
 * which one this reference uses and where the others are) or why it resolves to nothing.
 * Markdown in character offsets; no LSP.
 */
import type { Span } from '../model';
import type { Resource } from '../parse/resource';
import { targetsOf, whyUnresolved, type NavigationContext, type Site, type Target } from './references';
import { fileLabel, identityOf, nearestVersion, otherVersions } from '../index/versions';
import { namespaceOriginText } from '../index/namespace-origin';

interface ReferenceHover extends Span {
  /** Markdown. */
  contents: string;
  /** Whether the reference resolves to nothing. */
  unresolved: boolean;
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

/** `file.yaml:12` for a resource's document, relative to the file of the reference. */
function placeOf(r: Resource, from: string, textOf: (uri: string) => string | undefined): string {
  const text = textOf(r.uri);
  return `${fileLabel(from, r.uri)}${text === undefined ? '' : `:${lineOf(text, r.document.start) + 1}`}`;
}

function describe(t: Target, textOf: (uri: string) => string | undefined, notes: string[]): string {
  const origin = namespaceOriginText(t.resource);
  const head = `**${t.label}**${origin ? ` (namespace ${origin})` : ''}`;
  const text = textOf(t.resource.uri);
  const after = notes.map((n) => `\n\n${n}`).join('');
  if (text === undefined) return `${head}${after}`;
  const line = lineOf(text, t.span.start) + 1;
  return `${head} — [${fileName(t.resource.uri)}, line ${line}](${t.resource.uri}#L${line})${after}\n\n\`\`\`yaml\n${excerpt(text, t.span)}\n\`\`\``;
}

/**
 * The targets in the order to show them, each with notes on the object's other versions: the one
 * this reference uses (the nearest, see versions.ts) first, saying where the others are.
 */
function withVersions(s: Site, targets: Target[], ctx: NavigationContext, textOf: (uri: string) => string | undefined): { target: Target; notes: string[] }[] {
  const groups = new Map<string, Target[]>();
  for (const t of targets) {
    const id = identityOf(t.resource);
    groups.set(id, [...(groups.get(id) ?? []), t]);
  }
  const out: { target: Target; notes: string[] }[] = [];
  for (const group of groups.values()) {
    const r = group[0].resource;
    const all = ctx.index.find(r.group, r.kind, r.namespace, r.name);
    if (all.length <= 1) {
      for (const target of group) out.push({ target, notes: [] });
      continue;
    }
    const used = nearestVersion(s.resource.uri, all);
    const where = (v: Resource) => placeOf(v, s.resource.uri, textOf);
    const others = otherVersions(used, all);
    const ordered = [...group].sort((a, b) => Number(b.resource === used) - Number(a.resource === used));
    for (const target of ordered) {
      const note =
        target.resource === used
          ? `Used from here: the nearest of ${all.length} versions of ${r.kind} ${r.namespace}/${r.name}; the others are in ${others.map(where).join(', ')}.`
          : `Another version of ${r.kind} ${r.namespace}/${r.name}, not used from here (the nearest is in ${where(used)}): applying one replaces the other.`;
      out.push({ target, notes: [note] });
    }
  }
  return out;
}

const NOUN: Record<Site['kind'], string> = {
  gateway: 'Gateway',
  subset: 'Subset',
  host: 'Host',
  credential: 'Secret',
  'sidecar-host': 'Sidecar egress hosts',
  'api-gateway': 'Gateway',
  'service-entry': 'ServiceEntry',
};

/** The hover for a reference: its targets, or why it has none. */
export function siteHover(s: Site, ctx: NavigationContext, textOf: (uri: string) => string | undefined): ReferenceHover {
  const targets = targetsOf(s, ctx);
  let contents: string;
  if (targets.length === 0) {
    contents = `${NOUN[s.kind]} \`${s.written.trim()}\` resolves to nothing: ${whyUnresolved(s, ctx) ?? 'not found.'}`;
  } else {
    const verb = s.kind === 'sidecar-host' ? 'imports' : 'resolves to';
    const head = `${NOUN[s.kind]} \`${s.written.trim()}\` ${verb}${targets.length > 1 ? ` (${targets.length})` : ''}:`;
    const shown = withVersions(s, targets, ctx, textOf)
      .slice(0, MAX_TARGETS)
      .map(({ target, notes }) => describe(target, textOf, notes));
    const more = targets.length > MAX_TARGETS ? [`…and ${targets.length - MAX_TARGETS} more.`] : [];
    contents = [head, ...shown, ...more].join('\n\n');
  }
  return { start: s.scalar.start, end: s.scalar.end, contents, unresolved: targets.length === 0 };
}

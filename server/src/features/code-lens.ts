/**
 * The egress path as code lenses: one line above each ServiceEntry, VirtualService and Kubernetes
 * Service that stands for an external host, per host and port, from the navigation core's path computation. Clicking one opens the traffic map on its host.
 */
import type { CodeLens } from 'vscode-languageserver';
import type { Finding } from '../model';
import type { ParsedFile } from '../parse/parse';
import { pathTitle, serviceEntryPaths, servicePaths, virtualServicePaths, type EgressPath } from '../navigation/egress-path';
import type { NavigationContext } from '../navigation/references';
import { toRange } from './positions';
import { COMMANDS } from '../protocol';

/** At most this many lenses per resource, so a ServiceEntry with many hosts and ports stays readable. */
const MAX_LENSES = 12;

/** The codes of the findings on a broken link, as ` [code, …]`, so the lens names the diagnostic that explains it. */
function diagnosticsOn(p: EgressPath, findings: (uri: string) => Finding[]): string {
  const at = p.brokenAt;
  if (!at) return '';
  const codes = [
    ...new Set(
      findings(at.uri)
        .filter((f) => f.start < at.end && at.start < f.end)
        .map((f) => f.code),
    ),
  ];
  return codes.length > 0 ? ` [${codes.join(', ')}]` : '';
}

export function egressPathLenses(file: ParsedFile, ctx: NavigationContext, findings: (uri: string) => Finding[]): CodeLens[] {
  const out: CodeLens[] = [];
  for (const r of file.resources) {
    const paths =
      r.kind === 'ServiceEntry'
        ? serviceEntryPaths(r, ctx)
        : r.kind === 'VirtualService'
          ? virtualServicePaths(r, ctx)
          : r.kind === 'Service'
            ? servicePaths(r, ctx)
            : [];
    const range = toRange(file.text, { start: r.document.start, end: r.document.start });
    for (const p of paths.slice(0, MAX_LENSES)) {
      const title = `${pathTitle(p)}${diagnosticsOn(p, findings)}`;
      out.push({
        range,
        command: { title, command: COMMANDS.showTrafficMap, arguments: [{ host: p.host }], tooltip: 'Show this host on the egress traffic map' },
      });
    }
    if (paths.length > MAX_LENSES)
      out.push({ range, command: { title: `…and ${paths.length - MAX_LENSES} more paths`, command: COMMANDS.showTrafficMap, arguments: [{}] } });
  }
  return out;
}

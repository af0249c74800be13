/**
 * A Sidecar's `egress[].hosts` limit what its sidecars know of the mesh, and they leave out something
 * the namespace's egress routes need:
 * - the ServiceEntry of an external host that a VirtualService in the namespace routes: the sidecars
 *   ignore the route and, under REGISTRY_ONLY, block the host (502); under ALLOW_ANY the traffic leaves
 *   directly, without the route's rules (reported as a warning then);
 * - under REGISTRY_ONLY, a ServiceEntry declared in the namespace itself: its sidecars block it.
 * Hosts are imported as Istio imports them: `.` is the Sidecar's namespace, `~ns/host` excludes, and an
 * exact entry such as `ns/api.example.com` does not import a ServiceEntry for `*.example.com`.
 * The destinations of a VirtualService the Sidecar imports come with it (Istio infers them since 1.5),
 * so a namespace that imports its own VirtualServices reaches the egress gateway they route to
 * without listing it. An egress listener with a `port` imports only ServiceEntries that declare that
 * port, so the missing entry belongs in the listener without a port. Traffic on a port is routed by the
 * listener for that port, else by the one without a port, so a host routed on 443 (a destination's port,
 * else the rule's match ports, else every port its ServiceEntry declares) needs that listener to import
 * it, even when a listener for another port does. The policy is the Sidecar's own, else the mesh config's.
 * Add the missing `<namespace>/<host>` entry to the Sidecar's egress hosts; the quick fix appends it to
 * the first egress listener. Overlaps Kiali KIA1004 only loosely (Kiali checks entries that match nothing,
 * not needed hosts that are missing).
 */
import { namespaceOrigin } from '../index/namespace-origin';
import { istioNetworking, type Analyzer } from './analyzer';
import type { RelatedLocation, Severity } from '../model';
import { ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { nodeAtPath, spanAtPath } from '../parse/yaml-path';
import { nameSpanOf } from '../parse/name-spans';
import { hostsOf } from '../mesh/hosts';
import { isVisibleIn } from '../mesh/export-defaults';
import { importedAsDestination, importsService, meshOutboundPolicy, scopeOf, sidecarOutboundMode } from '../mesh/sidecar-scope';
import { declaredPorts, hiddenRoutedHosts } from './rules/hidden-routes';
import { appendSequenceItem } from '../edits/yaml-edits';

interface State {
  /** The `namespace/host` entry to add. */
  entry: string;
  /** What the Sidecar hides, in words. */
  hidden: string;
  /** Why the namespace needs it, and what happens without it. */
  because: string;
  docIndex: number;
  /** The egress listener to add the entry to (0 when absent); -1 when no listener would import it, so there is no quick fix. */
  listener?: number;
  /** Set when another listener imports the host, but not the one that routes this port of it (the listener to add it to). */
  port?: number;
}

interface Need {
  state: State;
  relatedOf: () => RelatedLocation[];
  severity: Severity;
}

const nameSpan = (r: Resource) => nameSpanOf(r.document);

export const sidecarHidesEgress: Analyzer<State> = {
  code: 'sidecar-hides-egress',
  severity: 'error',
  appliesTo: istioNetworking('Sidecar'),
  reads: ['VirtualService', 'ServiceEntry', 'IstioOperator', 'ConfigMap'],
  *check(sidecar, { index, settings }) {
    const scope = scopeOf(sidecar, sidecar.namespace);
    if (!scope.listeners) return;
    const ns = sidecar.namespace;
    const needs = new Map<string, Need>();
    // The entry goes to the first listener without a port, else to one with a port the ServiceEntry declares (serviceMatchingListenerPort).
    const listenerFor = (se: Resource) => {
      const ports = scope.listenerPorts ?? [];
      const catchAll = ports.findIndex((p) => !p.matchPort);
      return catchAll >= 0 ? catchAll : ports.findIndex((p) => declaredPorts(se).includes(p.number!));
    };
    // Traffic on a port goes to the listener for that port, else to the one without a port (GetEgressListenerForRDS).
    const listenerForPort = (port: number) => {
      const ports = scope.listenerPorts ?? [];
      const own = ports.findIndex((p) => p.number === port);
      return own >= 0 ? own : ports.findIndex((p) => p.number === undefined);
    };
    // The first need of an entry is kept. Its related locations are found only when the Sidecar reports
    // (`relatedOf`): a syntax tree that was dropped is parsed again to read a location.
    const need = (entry: string, hidden: string, because: string, relatedOf: () => RelatedLocation[], severity: Severity, se: Resource, port?: number) => {
      if (needs.has(entry)) return;
      const listener = port === undefined ? listenerFor(se) : listenerForPort(port);
      const onPort = port === undefined ? {} : { port };
      needs.set(entry, {
        state: { entry, hidden, because, docIndex: sidecar.docIndex, ...(listener !== 0 ? { listener } : {}), ...onPort },
        relatedOf,
        severity,
      });
    };

    // The Sidecar's own policy, else the mesh config's: a namespace Sidecar without one does not
    // inherit the root namespace Sidecar's (sidecar.go initSidecarScopeInternalIndexes).
    const mode = sidecarOutboundMode(sidecar) ?? meshOutboundPolicy(index, settings).mode;
    const registryOnly = mode === 'REGISTRY_ONLY';
    for (const vs of index.withTag('VirtualService', `ns:${ns}`)) {
      if (vs.group !== ISTIO_NETWORKING) continue;
      for (const { host, se, declared, port } of hiddenRoutedHosts(index, settings, scope, vs)) {
        const related = () => {
          const seSpan = nameSpan(se);
          const vsSpan = nameSpan(vs);
          const out: RelatedLocation[] = [];
          if (seSpan) out.push({ uri: se.uri, ...seSpan, message: `ServiceEntry for ${host}` });
          if (vsSpan) out.push({ uri: vs.uri, ...vsSpan, message: `VirtualService that routes ${host}` });
          return out;
        };
        const effect = registryOnly
          ? 'under REGISTRY_ONLY the sidecars block the host (502)'
          : 'the sidecars ignore the route and send the traffic straight out, without its rules';
        need(
          `${se.namespace}/${declared}`,
          `ServiceEntry "${se.name}" (${se.namespace}${namespaceOrigin(se, sidecar.uri)}) for ${host}${port === undefined ? '' : ` on port ${port}`}`,
          `VirtualService "${vs.name}" in this namespace routes ${host}${port === undefined ? '' : ` on port ${port}`}: ${effect}`,
          related,
          registryOnly ? 'error' : 'warning',
          se,
          port,
        );
      }
    }

    if (registryOnly) {
      for (const se of index.withTag('ServiceEntry', `ns:${ns}`)) {
        if (se.group !== ISTIO_NETWORKING || !isVisibleIn(index, se, ns)) continue;
        for (const host of hostsOf(se)) {
          if (importsService(scope, ns, host, declaredPorts(se)) || importedAsDestination(index, scope, host)) continue;
          need(
            `${ns}/${host}`,
            `ServiceEntry "${se.name}" for ${host}`,
            'it is declared in this namespace, and under REGISTRY_ONLY the sidecars block hosts they do not import (502)',
            () => {
              const span = nameSpan(se);
              return span ? [{ uri: se.uri, ...span, message: `ServiceEntry for ${host}` }] : [];
            },
            'error',
            se,
          );
        }
      }
    }

    if (needs.size === 0) return;
    const span = spanAtPath(sidecar.document.ast, ['spec', 'egress', 0, 'hosts'], 'key');
    if (!span) return;
    for (const n of needs.values()) yield { ...span, related: n.relatedOf(), severity: n.severity, state: n.state };
  },
  message: (s) =>
    `This Sidecar's egress hosts do not import ${s.hidden}, but ${s.because}. ${
      s.listener === -1
        ? s.port === undefined
          ? `Add an egress listener without a port whose hosts include "${s.entry}": a listener with a port imports only ServiceEntries that declare it.`
          : `Add an egress listener for port ${s.port}, or one without a port, whose hosts include "${s.entry}": ` +
            'traffic on a port goes only to the listener for it.'
        : `Add "${s.entry}" to the egress hosts${
            s.listener || s.port !== undefined
              ? ` of egress listener ${(s.listener ?? 0) + 1}, ` + `${s.port === undefined ? 'the one without a port' : `the one that takes port ${s.port}`}`
              : ''
          }.`
    }`,
  fix: (s, { file }) => {
    if (s.listener === -1) return [];
    const doc = file.documents.find((d) => d.index === s.docIndex);
    if (!doc) return [];
    const path = ['spec', 'egress', s.listener ?? 0, 'hosts'];
    const first = nodeAtPath(doc.ast, [...path, 0])?.value;
    const quote = first?.range && (file.text[first.range[0]] === '"' || file.text[first.range[0]] === "'") ? file.text[first.range[0]] : '';
    const edit = appendSequenceItem(file.text, doc.ast, path, `${quote}${s.entry}${quote}`);
    return edit ? [{ title: `Add "${s.entry}" to the Sidecar's egress hosts`, isPreferred: true, fixAllSafe: true, edits: [edit] }] : [];
  },
};

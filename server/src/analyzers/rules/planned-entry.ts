/**
 * The ServiceEntry a route's quick fix appends for a host the route names (`vs-unknown-host`,
 * `vs-wildcard-only-host`): planned while checking, so the name is unique in the workspace and
 * shared by the routes of one VirtualService to the same host, and written by the fix.
 */
import type { Fix } from '../../model';
import { ISTIO_NETWORKING, type Resource } from '../../parse/resource';
import type { IndexReader } from '../../index/workspace-index';
import { appendDocument } from '../../edits/yaml-edits';
import { nameFromHost, uniqueName } from '../../generate/names';
import { portName, serviceEntryYaml } from '../../generate/service-entry';

export interface PlannedEntry {
  apiVersion: string;
  name: string;
  namespace?: string;
  port: number;
  protocol: string;
  targetPort?: number;
}

/** Plans the entry for `host` routed by `vs` on `port`; `creating` holds the names planned for its other hosts. */
export function planEntry(
  index: IndexReader,
  vs: Resource,
  host: string,
  creating: Map<string, string>,
  port: Pick<PlannedEntry, 'port' | 'protocol' | 'targetPort'>,
): PlannedEntry {
  const name = creating.get(host) ?? uniqueName(index, ISTIO_NETWORKING, 'ServiceEntry', vs.namespace, nameFromHost(host), new Set(creating.values()));
  creating.set(host, name);
  return {
    apiVersion: vs.apiVersion,
    name,
    ...port,
    // Written only where the VirtualService writes its own namespace; otherwise the entry lands where the file is applied.
    ...(vs.namespaceExplicit && !vs.namespaceFrom ? { namespace: vs.namespace } : {}),
  };
}

/** The quick fix that appends the planned entry for `host` to the file. */
export function appendEntryFix(text: string, host: string, c: PlannedEntry): Fix[] {
  const port = { number: c.port, name: portName(c.protocol, c.port), protocol: c.protocol, targetPort: c.targetPort };
  const yaml = serviceEntryYaml({ apiVersion: c.apiVersion, name: c.name, namespace: c.namespace, hosts: [host], ports: [port] });
  const to = c.targetPort === undefined ? '' : `, to ${c.targetPort}`;
  return [
    { title: `Create ServiceEntry "${c.name}" for ${host} (port ${c.port}, ${c.protocol}${to})`, isPreferred: true, edits: [appendDocument(text, yaml)] },
  ];
}

/**
 * ServiceEntry skeletons for external hosts, as the "create the missing ServiceEntry" fixes and the
 * egress generator write them.
 */
import { toYaml } from '../edits/yaml-edits';
import { isWildcard } from '../mesh/hosts';

interface ServiceEntryPort {
  number: number;
  name: string;
  protocol: string;
  /** The server's port, when it is not `number` (TLS origination: the application calls 80, the proxy connects to 443). */
  targetPort?: number;
}

interface ServiceEntryOptions {
  name: string;
  namespace?: string;
  hosts: string[];
  ports: ServiceEntryPort[];
  apiVersion?: string;
}

export function portName(protocol: string, number: number): string {
  return `${protocol.toLowerCase().replace(/_/g, '-')}-${number}`;
}

/** A MESH_EXTERNAL ServiceEntry; wildcard hosts get resolution NONE, others DNS. */
export function serviceEntryYaml(o: ServiceEntryOptions): string {
  const wildcard = o.hosts.some(isWildcard);
  return toYaml({
    apiVersion: o.apiVersion ?? 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: o.namespace ? { name: o.name, namespace: o.namespace } : { name: o.name },
    spec: {
      hosts: o.hosts,
      ports: o.ports.map((p) => ({
        number: p.number,
        name: p.name,
        protocol: p.protocol,
        ...(p.targetPort === undefined ? {} : { targetPort: p.targetPort }),
      })),
      location: 'MESH_EXTERNAL',
      resolution: wildcard ? 'NONE' : 'DNS',
    },
  });
}

/**
 * Kubernetes Services that stand for something outside the cluster, as Istio reads them: an
 * ExternalName Service is an alias of its `externalName`, and a Service without a selector reaches
 * the addresses its Endpoints or EndpointSlices list. It reads only through an `IndexReader`; the
 * egress path (egress-path.ts) decides where the traffic goes from there.
 */
import type { IndexReader } from '../index/workspace-index';
import type { Resource } from '../parse/resource';
import { isRecord, listOf, text } from '../data';

/** The EndpointSlice label that names its Service (discovery.k8s.io `kubernetes.io/service-name`). */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const isCoreService = (r: Resource): boolean => r.group === '' && r.kind === 'Service';

/** The `externalName` of an ExternalName Service, as a host (lower case, no final dot); undefined for other Services. */
export function externalNameOf(service: Resource): string | undefined {
  if (!isCoreService(service) || service.spec.type !== 'ExternalName') return undefined;
  return text(service.spec.externalName)?.toLowerCase().replace(/\.$/, '');
}

/**
 * The host an ExternalName Service finally stands for, after ExternalName Services that name other
 * ExternalName Services (push_context.go `resolveServiceAliases`: aliases are matched by host across
 * namespaces and flattened; a loop resolves to nothing, as Kubernetes DNS answers NXDOMAIN).
 */
export function aliasTarget(index: IndexReader, service: Resource): string | undefined {
  let target = externalNameOf(service);
  const seen = new Set<string>();
  while (target !== undefined) {
    const next = index
      .withHost('Service', target)
      .map(externalNameOf)
      .find((t) => t !== undefined);
    if (next === undefined) return target;
    if (seen.has(target)) return undefined;
    seen.add(target);
    target = next;
  }
  return undefined;
}

/** A Service without a selector: Kubernetes creates no endpoints for it, so whoever wrote its Endpoints says where it leads. */
export function isSelectorless(service: Resource): boolean {
  return isCoreService(service) && service.spec.type !== 'ExternalName' && !(isRecord(service.spec.selector) && Object.keys(service.spec.selector).length > 0);
}

/** The addresses a Service port reaches, from one Endpoints or EndpointSlice object of the workspace. */
export interface ServiceEndpoints {
  addresses: string[];
  /** The endpoint port that serves the Service port (matched by port name). */
  port: number;
  resource: Resource;
}

/** One port of an Endpoints subset or an EndpointSlice. */
interface EndpointPort {
  name: string;
  port: number;
}

function endpointPorts(value: unknown): EndpointPort[] {
  return listOf(value).flatMap((p) => (isRecord(p) && typeof p.port === 'number' ? [{ name: typeof p.name === 'string' ? p.name : '', port: p.port }] : []));
}

/** The endpoint port for a Service port: the one of the same name (Kubernetes matches them by name), else the only one. */
function portFor(ports: EndpointPort[], servicePort: { name: string; targetPort?: number; number: number }): number | undefined {
  const named = ports.find((p) => p.name === servicePort.name);
  if (named) return named.port;
  return ports.length === 1 && servicePort.name === '' ? ports[0].port : undefined;
}

/**
 * Where a selector-less Service's port leads: the addresses of the EndpointSlices labelled with its
 * name (pilot/pkg/serviceregistry/kube/controller/endpointslice.go `serviceNameForEndpointSlice`; FQDN
 * slices are skipped, as Istio skips them), else of the Endpoints object of the same name, which
 * Kubernetes mirrors into EndpointSlices. Undefined when the workspace writes neither.
 */
export function serviceEndpoints(
  index: IndexReader,
  service: Resource,
  servicePort: { name: string; targetPort?: number; number: number },
): ServiceEndpoints | undefined {
  if (!isSelectorless(service)) return undefined;
  const slices = index
    .withTag('EndpointSlice', `ns:${service.namespace}`)
    .filter((s) => s.group === 'discovery.k8s.io' && s.labels[SERVICE_NAME_LABEL] === service.name && s.value.addressType !== 'FQDN');
  for (const slice of slices) {
    const port = portFor(endpointPorts(slice.value.ports), servicePort);
    const addresses = listOf(slice.value.endpoints).flatMap((e) => (isRecord(e) ? listOf(e.addresses).filter((a): a is string => typeof a === 'string') : []));
    if (port !== undefined && addresses.length > 0) return { addresses, port, resource: slice };
  }
  for (const endpoints of index.find('', 'Endpoints', service.namespace, service.name)) {
    for (const subset of listOf(endpoints.value.subsets)) {
      if (!isRecord(subset)) continue;
      const port = portFor(endpointPorts(subset.ports), servicePort);
      const addresses = listOf(subset.addresses).flatMap((a) => (isRecord(a) && typeof a.ip === 'string' ? [a.ip] : []));
      if (port !== undefined && addresses.length > 0) return { addresses, port, resource: endpoints };
    }
  }
  return undefined;
}

/**
 * Renaming a Kubernetes Service with every name that refers to it: its `metadata.name`, the hosts
 * that resolve to `<name>.<namespace>.svc.cluster.local` as Istio resolves them (a dotless short name
 * in the Service's namespace, or the FQDN: pilot/pkg/model/config.go ResolveShortnameToFQDN, which
 * leaves any dotted name such as `<name>.<namespace>` as written), Sidecar egress hosts naming the FQDN,
 * Gateway API references to the Service, ExternalName Services that alias it, and the Endpoints,
 * EndpointSlices and ReferenceGrants that name it. Each reference keeps its form: only the name's own
 * label changes. It refuses names the API server rejects for a Service and names already taken.
 */
import { inNamespace } from '../index/namespace-origin';
import type { Span, TextEdit } from '../model';
import { GATEWAY_API, ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { isWildcard, serviceHost } from '../mesh/hosts';
import { isRecord, listOf } from '../data';
import { deployedGateway } from './gateway-api';
import { editsAt, referencesOf, scalarAt, targetsOf, type NavigationContext, type Site } from './references';

/** The EndpointSlice label that names its Service (discovery.k8s.io `kubernetes.io/service-name`). */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** A Kubernetes Service name as the API server accepts it (apimachinery IsDNS1035Label: a lower-case letter first, at most 63). */
const DNS1035_LABEL = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;

const isCoreService = (r: Resource): boolean => r.group === '' && r.kind === 'Service';

/**
 * The Kubernetes Service a site names: the Service itself at its `metadata.name`, the Service a host
 * resolves to (the same answer as definition and the diagnostics), or the Service whose FQDN a Sidecar
 * egress entry writes. Undefined for anything else, wildcards included.
 */
export function serviceNamed(s: Site, ctx: NavigationContext): Resource | undefined {
  if (s.kind === 'host' && s.declaration && isCoreService(s.resource)) return s.resource;
  if (s.kind === 'host') return targetsOf(s, ctx).find((t) => isCoreService(t.resource))?.resource;
  if (s.kind !== 'sidecar-host') return undefined;
  const host = s.name.trim().toLowerCase().replace(/\.$/, '');
  return isWildcard(host) ? undefined : ctx.index.withHost('Service', host).find(isCoreService);
}

/** The first label of the host (or name) at a site's span: the Service's name in every form that names it. */
function nameLabel(s: Site): { span: Span; label: string } {
  const lead = s.name.length - s.name.trimStart().length;
  const rest = s.name.slice(lead);
  const dot = rest.indexOf('.');
  const label = dot < 0 ? rest.trimEnd() : rest.slice(0, dot);
  return { span: { start: s.span.start + lead, end: s.span.start + lead + label.length }, label };
}

/** Where a rename of `service` starts from this site: the span of the name and its text. */
export function prepareServiceRename(s: Site, service: Resource): { span: Span; placeholder: string } | { error: string } {
  const { span, label } = nameLabel(s);
  if (label.toLowerCase() !== service.name) return { error: `"${s.written.trim()}" does not spell the name of Service ${service.namespace}/${service.name}.` };
  return { span, placeholder: service.name };
}

/** Why `name` cannot be the new name of `service`, or undefined. */
function serviceNameProblem(service: Resource, name: string, ctx: NavigationContext): string | undefined {
  if (name.length > 63 || !DNS1035_LABEL.test(name))
    return (
      `"${name}" is not a valid Service name: the API server requires a DNS-1035 label (lower-case letters, digits and inner "-", ` +
      'starting with a letter, at most 63).'
    );
  const { index } = ctx;
  if (index.find('', 'Service', service.namespace, name).length > 0) return `A Service "${name}" already exists in ${inNamespace(service)}.`;
  const host = serviceHost(name, service.namespace);
  const entry = index.withHost('ServiceEntry', host).find((r) => r.group === ISTIO_NETWORKING);
  if (entry) return `ServiceEntry ${entry.namespace}/${entry.name} already defines "${host}": references to the renamed Service would resolve to it too.`;
  const gateway = deployedGateway(index, host);
  if (gateway) return `Istio deploys a Service "${name}" in ${inNamespace(service)} for Gateway ${gateway.namespace}/${gateway.name} (Gateway API).`;
  return undefined;
}

/** The spans outside host references that name the Service: its Endpoints, EndpointSlices and ReferenceGrants. */
function companionSpans(service: Resource, ctx: NavigationContext): { resource: Resource; span: Span }[] {
  const { index } = ctx;
  const out: { resource: Resource; span: Span }[] = [];
  const add = (r: Resource, path: (string | number)[]) => {
    const at = scalarAt(r, path);
    if (at && at.written === service.name) out.push({ resource: r, span: at.content });
  };
  for (const endpoints of index.find('', 'Endpoints', service.namespace, service.name)) add(endpoints, ['metadata', 'name']);
  for (const slice of index.withTag('EndpointSlice', `ns:${service.namespace}`)) {
    if (slice.group === 'discovery.k8s.io' && slice.labels[SERVICE_NAME_LABEL] === service.name) add(slice, ['metadata', 'labels', SERVICE_NAME_LABEL]);
  }
  // A ReferenceGrant lives in the namespace of what it grants, and may name the Service it allows routes to reach.
  for (const grant of index.withTag('ReferenceGrant', `ns:${service.namespace}`)) {
    if (grant.group !== GATEWAY_API) continue;
    listOf(grant.spec.to).forEach((to, i) => {
      if (isRecord(to) && (to.group ?? '') === '' && to.kind === 'Service') add(grant, ['spec', 'to', i, 'name']);
    });
  }
  return out;
}

/** The edits that rename `service` to `newName` wherever it is named, from the site `s` that names it. */
export function renameService(s: Site, service: Resource, newName: string, ctx: NavigationContext): { changes: Map<string, TextEdit[]> } | { error: string } {
  const prepared = prepareServiceRename(s, service);
  if ('error' in prepared) return prepared;
  const name = newName.trim();
  if (name === service.name) return { changes: new Map() };
  const problem = serviceNameProblem(service, name, ctx);
  if (problem) return { error: problem };
  const host = serviceHost(service.name, service.namespace);
  const spans: { resource: Resource; span: Span }[] = [];
  for (const o of referencesOf(s, ctx)) {
    // A Sidecar entry `ns/*` imports the Service without naming it; only entries that write its FQDN change.
    if (o.kind === 'sidecar-host' && o.name.trim().toLowerCase().replace(/\.$/, '') !== host) continue;
    const { span, label } = nameLabel(o);
    if (label.toLowerCase() === service.name) spans.push({ resource: o.resource, span });
  }
  spans.push(...companionSpans(service, ctx));
  return { changes: editsAt(spans, name) };
}

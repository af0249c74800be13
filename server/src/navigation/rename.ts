/**
 * Renaming a Gateway, a DestinationRule subset, a ServiceEntry host, a Secret or (through
 * service-rename.ts) a Kubernetes Service together with every reference to it, across files, keeping
 * each reference's form (`ns/name`, `./name`, `name.ns`, a short host or an FQDN).
 * It refuses names the API server or Istio's validation would reject, and names already taken.
 */
import { inNamespace } from '../index/namespace-origin';
import type { Span, TextEdit } from '../model';
import { GATEWAY_API, ISTIO_NETWORKING, type Resource } from '../parse/resource';
import { isWildcard, resolveHost } from '../mesh/hosts';
import { subsetNames } from '../mesh/destination-rules';
import { fqdnProblem, isDns1123Label, isDns1123Subdomain, wildcardDomainProblem } from '../validation/istio-names';
import { editsAt, hostOf, referencesOf, targetsOf, type NavigationContext, type Site } from './references';
import { prepareServiceRename, renameService, serviceNamed } from './service-rename';

type PrepareResult = { span: Span; placeholder: string } | { error: string };
type RenameResult = { changes: Map<string, TextEdit[]> } | { error: string };

const WHAT: Record<Site['kind'], string> = {
  gateway: 'Gateway',
  subset: 'subset',
  host: 'host',
  credential: 'Secret',
  'sidecar-host': 'host',
  'api-gateway': 'Gateway',
  'service-entry': 'ServiceEntry',
};

/** Whether the thing a site names can be renamed from here, and the text a rename replaces. */
export function prepareRename(s: Site, ctx: NavigationContext): PrepareResult {
  const service = serviceNamed(s, ctx);
  if (service) return prepareServiceRename(s, service);
  if (s.kind === 'sidecar-host')
    return { error: 'Rename the host where it is defined or routed (a ServiceEntry, VirtualService or DestinationRule), not in a Sidecar egress entry.' };
  if (s.kind === 'service-entry') return { error: 'A ServiceEntry is not renamed from a route; rename its hosts instead.' };
  const targets = targetsOf(s, ctx);
  if (targets.length === 0) return { error: `Nothing to rename: this ${WHAT[s.kind]} is not defined in the workspace.` };
  if (s.kind === 'host') {
    const gateway = targets.find((t) => t.resource.group === GATEWAY_API)?.resource;
    if (gateway) return { error: `This host is the Service Istio deploys for Gateway ${gateway.namespace}/${gateway.name}; rename that Gateway instead.` };
    const host = hostOf(s);
    if (!targets.some((t) => resolveHost(t.name, t.resource.namespace) === host))
      return { error: `"${host}" is defined only through a wildcard (${targets[0].name}); rename the wildcard in its ServiceEntry.` };
  }
  if (s.kind === 'credential' && targets.some((t) => t.name !== targets[0].name || (!s.declaration && t.name !== s.name))) {
    return { error: `The Secret found is "${targets[0].name}", through the "-cacert" convention; rename the Secret itself.` };
  }
  return { span: s.span, placeholder: s.name };
}

/** The problem with `newName` for this kind of name, or undefined when Istio and the API server accept it. */
function nameProblem(kind: Site['kind'], newName: string): string | undefined {
  switch (kind) {
    case 'gateway':
      if (!isDns1123Subdomain(newName))
        return (
          `"${newName}" is not a valid Gateway name: use lower-case letters, digits, "-" and ".", ` +
          'starting and ending with a letter or digit (at most 253).'
        );
      if (newName.includes('.'))
        return (
          `"${newName}" contains a dot: Istio reads a gateway reference "name.ns" as Gateway "name" in namespace "ns", ` +
          'so short references would change meaning.'
        );
      if (newName === 'mesh') return '"mesh" is reserved for the sidecars of the mesh.';
      return undefined;
    case 'api-gateway':
      return isDns1123Subdomain(newName)
        ? undefined
        : `"${newName}" is not a valid Gateway name: use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (at most 253).`;
    case 'service-entry':
      return undefined;
    case 'subset':
      return isDns1123Label(newName)
        ? undefined
        : `"${newName}" is not a valid subset name: Istio requires a DNS-1123 label (letters, digits and inner "-", at most 63).`;
    case 'credential':
      return isDns1123Subdomain(newName)
        ? undefined
        : `"${newName}" is not a valid Secret name: use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (at most 253).`;
    case 'host':
    case 'sidecar-host': {
      const problem = isWildcard(newName) ? wildcardDomainProblem(newName) : fqdnProblem(newName);
      return problem === undefined ? undefined : `${problem[0].toUpperCase()}${problem.slice(1)}.`;
    }
  }
}

/** The edits that rename what `s` names to `newName`, in every file; an error when the rename is refused. */
export function rename(s: Site, newName: string, ctx: NavigationContext): RenameResult {
  const service = serviceNamed(s, ctx);
  if (service) return renameService(s, service, newName, ctx);
  const prepared = prepareRename(s, ctx);
  if ('error' in prepared) return prepared;
  const name = newName.trim();
  if (name === prepared.placeholder) return { changes: new Map() };
  const problem = nameProblem(s.kind, name);
  if (problem) return { error: problem };
  for (const t of targetsOf(s, ctx)) {
    const r = t.resource;
    if (s.kind === 'gateway' && ctx.index.find(ISTIO_NETWORKING, 'Gateway', r.namespace, name).length > 0)
      return { error: `A Gateway "${name}" already exists in ${inNamespace(r)}.` };
    if (s.kind === 'api-gateway' && ctx.index.find(GATEWAY_API, 'Gateway', r.namespace, name).length > 0)
      return { error: `A Gateway "${name}" already exists in ${inNamespace(r)}.` };
    if (s.kind === 'subset' && subsetNames(r).includes(name)) return { error: `DestinationRule ${r.namespace}/${r.name} already defines subset "${name}".` };
    if (s.kind === 'credential' && ctx.index.find('', 'Secret', r.namespace, name).length > 0)
      return { error: `A Secret "${name}" already exists in ${inNamespace(r)}.` };
  }
  const spans: { resource: Resource; span: Span }[] = [];
  for (const o of referencesOf(s, ctx)) {
    // A Sidecar entry `ns/*` imports the host without naming it; only entries that name it change.
    if (o.kind === 'sidecar-host' && o.name.trim().toLowerCase() !== hostOf(s)) continue;
    // The Service Istio deploys for a Gateway API Gateway is `<gateway>-<class>`: its name part changes with the Gateway.
    const span = s.kind === 'api-gateway' && o.kind === 'host' ? { start: o.span.start, end: o.span.start + prepared.placeholder.length } : o.span;
    if (s.kind === 'api-gateway' && o.kind === 'host' && !o.name.startsWith(`${prepared.placeholder}-`)) continue;
    spans.push({ resource: o.resource, span });
  }
  return { changes: editsAt(spans, name) };
}

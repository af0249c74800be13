/**
 * Placeholders that a tool fills in before a resource is applied: `$NAME` and `${NAME}` (envsubst),
 * `$(NAME)` (kustomize vars) and upper-case `NAME_WITH_UNDERSCORES` labels (kustomize replacements,
 * sed). A resource whose name, namespace, hosts, addresses or gateway references hold one is a template, not
 * what the API server will receive, so it is not checked as written. Other fields may hold `$`
 * legitimately (regular expressions, Lua), so only these are looked at.
 */
import type { Resource } from './resource';
import type { YamlPath } from './yaml-path';
import { isRecord } from '../data';

const SHELL_OR_KUSTOMIZE_VAR = /\$(\{|\()?[A-Za-z_][A-Za-z0-9_]*/;
const UPPER_SNAKE_LABEL = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/** Whether a name or host holds a placeholder. */
export function isPlaceholder(value: string): boolean {
  return SHELL_OR_KUSTOMIZE_VAR.test(value) || value.split(/[./]/).some((label) => UPPER_SNAKE_LABEL.test(label));
}

type Placeholder = { value: string; path: YamlPath };

/** Each resource's answer (null for none): the checker asks for every resource, once for its schema and once for its analyzers. */
const placeholders = new WeakMap<Resource, Placeholder | null>();

/** The first placeholder among a resource's name, namespace, hosts, addresses and gateway references, with its path. */
export function placeholderOf(r: Resource): Placeholder | undefined {
  let found = placeholders.get(r);
  if (found === undefined) placeholders.set(r, (found = firstPlaceholder(r) ?? null));
  return found ?? undefined;
}

function firstPlaceholder(r: Resource): Placeholder | undefined {
  const candidates: [unknown, YamlPath][] = [];
  const metadata = isRecord(r.value.metadata) ? r.value.metadata : {};
  candidates.push([metadata.name, ['metadata', 'name']], [metadata.namespace, ['metadata', 'namespace']]);
  const spec = r.spec;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  list(spec.hosts).forEach((h, i) => candidates.push([h, ['spec', 'hosts', i]]));
  candidates.push([spec.host, ['spec', 'host']]);
  list(spec.gateways).forEach((g, i) => candidates.push([g, ['spec', 'gateways', i]]));
  list(spec.addresses).forEach((a, i) => candidates.push([a, ['spec', 'addresses', i]]));
  list(spec.endpoints).forEach((e, i) => {
    if (isRecord(e)) candidates.push([e.address, ['spec', 'endpoints', i, 'address']]);
  });
  candidates.push([spec.address, ['spec', 'address']]);
  list(spec.servers).forEach((s, i) => {
    if (isRecord(s)) list(s.hosts).forEach((h, j) => candidates.push([h, ['spec', 'servers', i, 'hosts', j]]));
  });
  for (const section of ['http', 'tls', 'tcp']) {
    list(spec[section]).forEach((rule, i) => {
      if (!isRecord(rule)) return;
      list(rule.route).forEach((route, j) => {
        if (isRecord(route) && isRecord(route.destination)) candidates.push([route.destination.host, ['spec', section, i, 'route', j, 'destination', 'host']]);
      });
    });
  }
  for (const [value, path] of candidates) if (typeof value === 'string' && isPlaceholder(value)) return { value, path };
  return undefined;
}

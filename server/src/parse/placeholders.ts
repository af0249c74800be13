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
  // Both forms need a `$` or an underscore: most names and hosts have neither.
  if (!value.includes('$') && !value.includes('_')) return false;
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
  // Paths are built only for the placeholder found: the checker asks for every resource, and few are templates.
  const is = (v: unknown): v is string => typeof v === 'string' && isPlaceholder(v);
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const metadata = isRecord(r.value.metadata) ? r.value.metadata : {};
  if (is(metadata.name)) return { value: metadata.name, path: ['metadata', 'name'] };
  if (is(metadata.namespace)) return { value: metadata.namespace, path: ['metadata', 'namespace'] };
  const spec = r.spec;
  const hosts = list(spec.hosts);
  for (let i = 0; i < hosts.length; i++) if (is(hosts[i])) return { value: hosts[i], path: ['spec', 'hosts', i] };
  if (is(spec.host)) return { value: spec.host, path: ['spec', 'host'] };
  const gateways = list(spec.gateways);
  for (let i = 0; i < gateways.length; i++) if (is(gateways[i])) return { value: gateways[i], path: ['spec', 'gateways', i] };
  const addresses = list(spec.addresses);
  for (let i = 0; i < addresses.length; i++) if (is(addresses[i])) return { value: addresses[i], path: ['spec', 'addresses', i] };
  const endpoints = list(spec.endpoints);
  for (let i = 0; i < endpoints.length; i++) {
    const e = endpoints[i];
    if (isRecord(e) && is(e.address)) return { value: e.address, path: ['spec', 'endpoints', i, 'address'] };
  }
  if (is(spec.address)) return { value: spec.address, path: ['spec', 'address'] };
  const servers = list(spec.servers);
  for (let i = 0; i < servers.length; i++) {
    const s = servers[i];
    const serverHosts = isRecord(s) ? list(s.hosts) : [];
    for (let j = 0; j < serverHosts.length; j++) if (is(serverHosts[j])) return { value: serverHosts[j], path: ['spec', 'servers', i, 'hosts', j] };
  }
  for (const section of ['http', 'tls', 'tcp']) {
    const rules = list(spec[section]);
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      const routes = isRecord(rule) ? list(rule.route) : [];
      for (let j = 0; j < routes.length; j++) {
        const route = routes[j];
        if (isRecord(route) && isRecord(route.destination) && is(route.destination.host))
          return { value: route.destination.host, path: ['spec', section, i, 'route', j, 'destination', 'host'] };
      }
    }
  }
  return undefined;
}

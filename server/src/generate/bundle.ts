/**
 * The egress bundle generator: from a host and a mode, the complete set of resources one of Istio's
 * egress tasks applies (ServiceEntry, Gateway, DestinationRules, VirtualService, plus the Secret
 * skeleton, NetworkPolicy or REGISTRY_ONLY mesh config the user asks for), rendered as YAML.
 * A pure function shared by the editor command and `istio-egress generate`; it reads no files.
 */
import { toYaml } from '../edits/yaml-edits';
import { nameFromHost } from './names';
import { serviceHostNamespace } from '../mesh/gateways';
import { API_VERSIONS, BUNDLE_MODES, DNS_LABEL, MODE_DESCRIPTIONS, isValidHost, type ApiVersion, type BundleMode } from '../protocol';

export interface BundleOptions {
  host: string;
  mode: BundleMode;
  /** The port the application uses: 443 for passthrough, 80 otherwise. */
  port?: number;
  /** The application's namespace (default `default`). */
  namespace?: string;
  /** Where the egress gateway runs (default: the namespace of `gatewayHost`, else `istio-system`). */
  gatewayNamespace?: string;
  gatewaySelector?: Record<string, string>;
  /** The egress gateway Service host (default `istio-egressgateway.<gatewayNamespace>.svc.cluster.local`). */
  gatewayHost?: string;
  apiVersion?: ApiVersion;
  registryOnly?: boolean;
  networkPolicy?: boolean;
  /** For a wildcard passthrough host: the concrete host the gateway forwards to (default `www.<domain>`). */
  forwardHost?: string;
  /** Labels of the application pods, for sidecar mutual TLS (default `app: curl`). */
  appSelector?: Record<string, string>;
  /** The application's service account, which must read the client Secret in sidecar mutual TLS (default `curl`). */
  appServiceAccount?: string;
  /** Leave out the ServiceEntry, for a host that already has one. */
  withoutServiceEntry?: boolean;
  /** Whether a name is already taken, so generated names do not collide. */
  isTaken?: (kind: string, namespace: string, name: string) => boolean;
}

interface GeneratedResource {
  kind: string;
  namespace: string;
  name: string;
  value: Record<string, any>;
}

type BundleResult = { ok: true; resources: GeneratedResource[]; yaml: string } | { ok: false; errors: string[] };

const TLS_PORT = 443;

/** Whether `host` is a valid DNS name, or a `*.`-prefixed wildcard of one. */
function validateBundleOptions(o: BundleOptions): string[] {
  const errors: string[] = [];
  const host = o.host?.trim().toLowerCase() ?? '';
  if (!BUNDLE_MODES.includes(o.mode)) errors.push(`Unknown mode "${o.mode}". Modes: ${BUNDLE_MODES.join(', ')}.`);
  if (!isValidHost(host)) errors.push(`"${o.host}" is not a valid host name: use a DNS name such as api.example.com, or *.example.com with passthrough.`);
  else if (host.startsWith('*.') && o.mode !== 'passthrough') {
    errors.push(
      `Mode ${o.mode} cannot serve the wildcard host "${host}": ` +
        `${o.mode.includes('origination') ? 'TLS origination needs one concrete host to connect to' : 'an HTTP route needs one concrete host'}. ` +
        'Use passthrough, or name one host.',
    );
  }
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) errors.push(`Port ${o.port} is out of range: use 1 to 65535.`);
  for (const [label, ns] of [
    ['namespace', o.namespace],
    ['gateway namespace', o.gatewayNamespace],
  ] as const) {
    if (ns !== undefined && (!DNS_LABEL.test(ns) || ns.length > 63)) errors.push(`"${ns}" is not a valid ${label}: use lowercase letters, digits and dashes.`);
  }
  if (o.apiVersion !== undefined && !API_VERSIONS.includes(o.apiVersion)) errors.push(`Unknown API version "${o.apiVersion}": use ${API_VERSIONS.join(', ')}.`);
  if (o.gatewaySelector && Object.keys(o.gatewaySelector).length === 0) errors.push('The gateway selector needs at least one label.');
  if (o.forwardHost !== undefined && (!isValidHost(o.forwardHost) || o.forwardHost.startsWith('*')))
    errors.push(`"${o.forwardHost}" is not a concrete host to forward to.`);
  return errors;
}

export function generateBundle(options: BundleOptions): BundleResult {
  const errors = validateBundleOptions(options);
  if (errors.length) return { ok: false, errors };
  const host = options.host.trim().toLowerCase();
  const mode = options.mode;
  const ns = options.namespace ?? 'default';
  // Without a namespace, the gateway runs where its Service host says, as the analyzers place it.
  const gwNs = options.gatewayNamespace ?? (options.gatewayHost ? serviceHostNamespace(options.gatewayHost) : 'istio-system');
  const gwHost = options.gatewayHost ?? `istio-egressgateway.${gwNs}.svc.cluster.local`;
  const selector = options.gatewaySelector ?? { istio: 'egressgateway' };
  const api = `networking.istio.io/${options.apiVersion ?? 'v1'}`;
  const wildcard = host.startsWith('*.');
  const port = options.port ?? (mode === 'passthrough' ? 443 : 80);
  const base = nameFromHost(host);
  const taken = new Set<string>();
  const name = (kind: string, namespace: string, wanted: string) => {
    let candidate = wanted;
    for (let i = 2; taken.has(`${kind}/${namespace}/${candidate}`) || options.isTaken?.(kind, namespace, candidate); i++) candidate = `${wanted}-${i}`;
    taken.add(`${kind}/${namespace}/${candidate}`);
    return candidate;
  };
  const meta = (kind: string, namespace: string, wanted: string) => {
    const n = name(kind, namespace, wanted);
    return { name: n, namespace };
  };
  const resources: GeneratedResource[] = [];
  const add = (apiVersion: string, kind: string, metadata: { name: string; namespace: string }, body: Record<string, any>) => {
    resources.push({ kind, namespace: metadata.namespace, name: metadata.name, value: { apiVersion, kind, metadata, ...body } });
  };

  const sidecarOnly = mode.startsWith('sidecar-');
  const originates = mode.includes('origination');
  const forwardHost = wildcard ? (options.forwardHost ?? `www.${host.slice(2)}`) : host;

  // The ServiceEntry: the application's port, plus the TLS port the origination connects to.
  const sePorts: Record<string, any>[] = [];
  if (mode === 'passthrough') sePorts.push({ number: port, name: `tls-${port}`, protocol: 'TLS' });
  else sePorts.push({ number: port, name: `http-${port}`, protocol: 'HTTP', ...(sidecarOnly ? { targetPort: TLS_PORT } : {}) });
  // TLS origination connects to the TLS port; in plain HTTP mode the host keeps answering HTTPS
  // directly from the sidecar, as in Istio's egress gateway task.
  if ((originates || mode === 'http') && port !== TLS_PORT) sePorts.push({ number: TLS_PORT, name: `https-${TLS_PORT}`, protocol: 'HTTPS' });
  // For a wildcard, the VirtualService routes every matching SNI to one concrete host that serves them
  // all (Istio's wildcard task); that host is the one the registry needs.
  const seHosts = [forwardHost];
  if (!options.withoutServiceEntry) {
    add(api, 'ServiceEntry', meta('ServiceEntry', ns, nameFromHost(forwardHost)), {
      spec: { hosts: seHosts, ports: sePorts, location: 'MESH_EXTERNAL', resolution: 'DNS' },
    });
  }
  if (sidecarOnly) {
    const mutual = mode === 'sidecar-mtls-origination';
    const secret = mutual ? meta('Secret', ns, `${base}-client-credential`) : undefined;
    add(api, 'DestinationRule', meta('DestinationRule', ns, `originate-${mutual ? 'mtls' : 'tls'}-for-${base}`), {
      spec: {
        ...(mutual ? { workloadSelector: { matchLabels: options.appSelector ?? { app: 'curl' } } } : {}),
        host,
        trafficPolicy: {
          portLevelSettings: [
            { port: { number: port }, tls: mutual ? { mode: 'MUTUAL', credentialName: secret!.name, sni: host } : { mode: 'SIMPLE', sni: host } },
          ],
        },
      },
    });
    if (secret) {
      add('v1', 'Secret', secret, secretBody());
      // The sidecar reads the Secret with the pod's service account, which needs permission to list secrets.
      const role = meta('Role', ns, `${secret.name}-reader`);
      add('rbac.authorization.k8s.io/v1', 'Role', role, { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] });
      add('rbac.authorization.k8s.io/v1', 'RoleBinding', meta('RoleBinding', ns, `${secret.name}-reader`), {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: [{ kind: 'ServiceAccount', name: options.appServiceAccount ?? 'curl', namespace: ns }],
      });
    }
  } else {
    const gateway = meta('Gateway', gwNs, `${base}-egress-gateway`);
    const gwRef = gwNs === ns ? gateway.name : `${gwNs}/${gateway.name}`;
    const subset = base;
    const gatewayPort = port;
    const server =
      mode === 'passthrough'
        ? { port: { number: gatewayPort, name: `tls-${gatewayPort}`, protocol: 'TLS' }, hosts: [host], tls: { mode: 'PASSTHROUGH' } }
        : mode === 'http'
          ? { port: { number: gatewayPort, name: `http-${gatewayPort}`, protocol: 'HTTP' }, hosts: [host] }
          : { port: { number: gatewayPort, name: `https-${gatewayPort}`, protocol: 'HTTPS' }, hosts: [host], tls: { mode: 'ISTIO_MUTUAL' } };
    add(api, 'Gateway', gateway, { spec: { selector, servers: [server] } });

    const subsetPolicy = originates
      ? { trafficPolicy: { portLevelSettings: [{ port: { number: gatewayPort }, tls: { mode: 'ISTIO_MUTUAL', sni: host } }] } }
      : {};
    add(api, 'DestinationRule', meta('DestinationRule', ns, `egressgateway-for-${base}`), {
      spec: { host: gwHost, subsets: [{ name: subset, ...subsetPolicy }] },
    });

    const upstreamPort = originates ? TLS_PORT : port;
    const toGateway = { destination: { host: gwHost, subset, port: { number: gatewayPort } } };
    const toExternal = { destination: { host: forwardHost, port: { number: upstreamPort } } };
    const section =
      mode === 'passthrough'
        ? {
            tls: [
              { match: [{ gateways: ['mesh'], port, sniHosts: [host] }], route: [toGateway] },
              { match: [{ gateways: [gwRef], port: gatewayPort, sniHosts: [host] }], route: [toExternal] },
            ],
          }
        : {
            http: [
              { match: [{ gateways: ['mesh'], port }], route: [toGateway] },
              { match: [{ gateways: [gwRef], port: gatewayPort }], route: [toExternal] },
            ],
          };
    add(api, 'VirtualService', meta('VirtualService', ns, `direct-${base}-through-egress-gateway`), {
      spec: { hosts: [host], gateways: [gwRef, 'mesh'], ...section },
    });

    if (originates) {
      const mutual = mode === 'mtls-origination';
      const secret = mutual ? meta('Secret', gwNs, `${base}-client-credential`) : undefined;
      add(api, 'DestinationRule', meta('DestinationRule', mutual ? gwNs : ns, `originate-${mutual ? 'mtls' : 'tls'}-for-${base}`), {
        spec: {
          host,
          trafficPolicy: {
            portLevelSettings: [
              { port: { number: TLS_PORT }, tls: mutual ? { mode: 'MUTUAL', credentialName: secret!.name, sni: host } : { mode: 'SIMPLE', sni: host } },
            ],
          },
        },
      });
      if (secret) add('v1', 'Secret', secret, secretBody());
    }
  }

  if (options.networkPolicy) {
    add('networking.k8s.io/v1', 'NetworkPolicy', meta('NetworkPolicy', ns, 'allow-egress-to-istio-system-and-kube-dns'), {
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
          { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gwNs } } }] },
        ],
      },
    });
  }
  if (options.registryOnly) {
    add('install.istio.io/v1alpha1', 'IstioOperator', meta('IstioOperator', 'istio-system', 'registry-only'), {
      spec: { meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } },
    });
  }

  const header = `# Generated by istio-egress: ${mode} egress for ${host}.\n# ${MODE_DESCRIPTIONS[mode]}\n`;
  const yaml = header + resources.map((r) => toYaml(r.value)).join('---\n');
  return { ok: true, resources, yaml };
}

function secretBody(): Record<string, any> {
  return {
    type: 'Opaque',
    stringData: {
      'tls.key': '<contents of the client private key>',
      'tls.crt': '<contents of the client certificate>',
      'ca.crt': '<contents of the CA certificate that signed the server certificate>',
    },
  };
}

/**
 * The benchmark's workspace: a platform team's egress monorepo, generated deterministically.
 * One file per namespace holds five external hosts (a ServiceEntry, a Gateway, a DestinationRule
 * and a VirtualService each, routed through the egress gateway) and the namespace's Sidecar with
 * REGISTRY_ONLY: 21 documents per file. One host in ten carries one injected mistake of a kind the
 * analyzers know; the manifest says where, and which code must report it.
 */
import fs from 'node:fs';
import path from 'node:path';

export const HOSTS_PER_FILE = 5;
export const EGRESS_GATEWAY = 'istio-egressgateway.istio-system.svc.cluster.local';

/** One injected mistake: the file, the 0-based line of the mistaken text, and the code that reports it. */
export interface Mistake {
  file: string;
  line: number;
  /** First and last line of the document that holds it. */
  document: [number, number];
  host: string;
  kind: MistakeKind;
  code: string;
}

export type MistakeKind =
  'subset-typo' | 'gateway-typo' | 'resolution-typo' | 'port-not-declared' | 'unknown-host' | 'sidecar-hides-namespace' | 'passthrough-http' | 'deprecated-api';

/** The mistakes, in the order hosts take them, with the code each one must produce. */
export const MISTAKES: { kind: MistakeKind; code: string }[] = [
  { kind: 'subset-typo', code: 'vs-unknown-subset' },
  { kind: 'gateway-typo', code: 'vs-unknown-gateway' },
  { kind: 'resolution-typo', code: 'schema-enum' },
  { kind: 'port-not-declared', code: 'vs-destination-port' },
  { kind: 'unknown-host', code: 'vs-unknown-host' },
  { kind: 'sidecar-hides-namespace', code: 'sidecar-hides-egress' },
  { kind: 'passthrough-http', code: 'gateway-passthrough-http' },
  { kind: 'deprecated-api', code: 'api-version-deprecated' },
];

export const hostName = (h: number) => `api-${h}.example.com`;
export const fileName = (f: number) => `team-${String(f).padStart(4, '0')}.yaml`;
export const namespaceOf = (f: number) => `team-${f}`;

function hostDocuments(h: number, ns: string, mistake: MistakeKind | undefined): string[] {
  const host = hostName(h);
  const m = (k: MistakeKind) => mistake === k;
  const se = `apiVersion: networking.istio.io/${m('deprecated-api') ? 'v1alpha3' : 'v1'}
kind: ServiceEntry
metadata:
  name: ext-${h}
  namespace: ${ns}
spec:
  hosts:
  - ${host}
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: ${m('resolution-typo') ? 'DSN' : 'DNS'}
  location: MESH_EXTERNAL
`;
  const gw = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egress-${h}
  namespace: ${ns}
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 443
      name: tls
      protocol: ${m('passthrough-http') ? 'HTTP' : 'TLS'}
    hosts:
    - ${host}
    tls:
      mode: PASSTHROUGH
`;
  const dr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-${h}
  namespace: ${ns}
spec:
  host: ${EGRESS_GATEWAY}
  subsets:
  - name: host-${h}
`;
  const gateway = m('gateway-typo') ? `egress-${h}-typo` : `egress-${h}`;
  const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: route-${h}
  namespace: ${ns}
spec:
  hosts:
  - ${host}
  gateways:
  - mesh
  - ${gateway}
  tls:
  - match:
    - gateways:
      - mesh
      port: 443
      sniHosts:
      - ${host}
    route:
    - destination:
        host: ${EGRESS_GATEWAY}
        subset: ${m('subset-typo') ? `host-${h}-typo` : `host-${h}`}
        port:
          number: 443
  - match:
    - gateways:
      - ${gateway}
      port: 443
      sniHosts:
      - ${host}
    route:
    - destination:
        host: ${m('unknown-host') ? `api-${h}.example.co` : host}
        port:
          number: ${m('port-not-declared') ? 8443 : 443}
`;
  return [se, gw, dr, vs];
}

function sidecar(ns: string, hidesNamespace: boolean): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: ${ns}
spec:
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
  egress:
  - hosts:
${hidesNamespace ? '' : '    - ./*\n'}    - istio-system/*
`;
}

const NEEDLES: Record<MistakeKind, RegExp> = {
  'subset-typo': /subset: host-\d+-typo/,
  'gateway-typo': /- egress-\d+-typo/,
  'resolution-typo': /resolution: DSN/,
  'port-not-declared': /number: 8443/,
  'unknown-host': /host: api-\d+\.example\.co$/m,
  'sidecar-hides-namespace': /egress:/,
  'passthrough-http': /protocol: HTTP$/m,
  'deprecated-api': /v1alpha3/,
};

/** Whether a document's text carries the mistake (the first document that does is where it is reported). */
const carries = (kind: MistakeKind, doc: string) => NEEDLES[kind].test(doc);

/** Where a mistake's text sits: the first line of `documentText` that the mistake changed. */
function mistakeLine(kind: MistakeKind, doc: string): number {
  const m = NEEDLES[kind].exec(doc);
  return m ? doc.slice(0, m.index).split('\n').length - 1 : 0;
}

export interface Workspace {
  dir: string;
  files: string[];
  hosts: number;
  documents: number;
  mistakes: Mistake[];
}

/** Writes (or reuses) the workspace for `hosts` hosts under `root`, and returns its manifest. */
export function generateWorkspace(root: string, hosts: number): Workspace {
  const dir = path.join(root, `hosts-${hosts}`);
  const fileCount = Math.ceil(hosts / HOSTS_PER_FILE);
  const files: string[] = [];
  const mistakes: Mistake[] = [];
  let documents = 0;
  let mistakeCount = 0;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let f = 0; f < fileCount; f++) {
    const ns = namespaceOf(f);
    const docs: { text: string; mistake?: MistakeKind; host: number }[] = [];
    let hidesNamespace = false;
    let hidesNamespaceHost = -1;
    for (let j = 0; j < HOSTS_PER_FILE && f * HOSTS_PER_FILE + j < hosts; j++) {
      const h = f * HOSTS_PER_FILE + j;
      // One host in ten, spread evenly, carries a mistake; the kinds take turns.
      const kind = h % 10 === 7 ? MISTAKES[mistakeCount++ % MISTAKES.length].kind : undefined;
      const sidecarMistake = kind === 'sidecar-hides-namespace';
      if (sidecarMistake) {
        hidesNamespace = true;
        hidesNamespaceHost = h;
      }
      const texts = hostDocuments(h, ns, sidecarMistake ? undefined : kind);
      for (const text of texts) docs.push({ text, host: h, mistake: kind && !sidecarMistake && carries(kind, text) ? kind : undefined });
    }
    docs.push({ text: sidecar(ns, hidesNamespace), host: hidesNamespaceHost, mistake: hidesNamespace ? 'sidecar-hides-namespace' : undefined });
    let line = 0;
    const parts: string[] = [];
    for (const d of docs) {
      if (d.mistake) {
        const code = MISTAKES.find((k) => k.kind === d.mistake)!.code;
        mistakes.push({
          file: fileName(f),
          line: line + mistakeLine(d.mistake, d.text),
          document: [line, line + d.text.split('\n').length - 2],
          host: hostName(d.host),
          kind: d.mistake,
          code,
        });
      }
      parts.push(d.text);
      line += d.text.split('\n').length - 1 + 1;
    }
    fs.writeFileSync(path.join(dir, fileName(f)), parts.join('---\n'));
    files.push(fileName(f));
    documents += docs.length;
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify({ hosts, files: files.length, documents, mistakes }, null, 1)}\n`);
  return { dir, files, hosts, documents, mistakes };
}

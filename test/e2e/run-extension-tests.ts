/**
 * Runs the extension-host suite (test/extension/suite, the one `npm run test:vscode` runs in desktop
 * VS Code) inside code-server's extension host, the way @vscode/test-electron's runTests does on the
 * desktop: the repository is loaded as the development extension (like F5), the suite's run() is
 * awaited, and this process exits 0 only if it resolved.
 *
 * How: code-server runs in VS Code's smoke-test mode, so the page URL may carry launch arguments
 * (extensionDevelopmentPath, extensionTestsPath). The workbench reports the exit code through
 * window.codeAutomationExit and the extension host's console through window.codeAutomationLog.
 *
 *   node out/test/e2e/run-extension-tests.js [--timeout <seconds>]
 *
 * With ISTIO_EGRESS_E2E_RESULTS set, it appends "extension-host <passed> <failed>" to that file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { copyFixtureWorkspace } from '../extension/scratch-workspace';
import { FAILED_TEST } from '../extension/suite/index';
import { remoteUri, startCodeServer, workbenchUrl } from './code-server';
import { launchChromium } from './workbench';

const ROOT = path.resolve(__dirname, '../../..');
const SUITE = path.resolve(__dirname, '../extension/suite/index.js');
/** Workbench log lines that are not the suite's output; ISTIO_EGRESS_E2E_VERBOSE=1 shows them anyway. */
const NOISE =
  /^(\[[\w:. -]+\] |Resolving connection token|Resolved connection token|Creating a socket|Ignoring fetching additional builtin|Updating additional builtin)/;

async function runSuite(timeoutMs: number, print: (line: string) => void): Promise<number> {
  const workspace = copyFixtureWorkspace();
  const server = await startCodeServer({ extensionTests: true });
  const chromium = await launchChromium();
  let timer: NodeJS.Timeout | undefined;
  try {
    let exit: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => (exit = resolve));
    await chromium.page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    await chromium.page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      if (process.env.ISTIO_EGRESS_E2E_VERBOSE || !NOISE.test(line)) print(line);
    });
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the suite did not finish in ${timeoutMs / 1000} s (code-server log: ${server.log})`)), timeoutMs);
    });
    await chromium.page.goto(
      workbenchUrl(server.url, workspace.folder, [
        ['extensionDevelopmentPath', remoteUri(server.url, ROOT)],
        ['extensionTestsPath', remoteUri(server.url, SUITE)],
      ]),
    );
    return await Promise.race([exited, timedOut]);
  } finally {
    clearTimeout(timer);
    await chromium.close();
    await server.stop();
    workspace.remove();
  }
}

async function main(): Promise<number> {
  const { values } = util.parseArgs({ options: { timeout: { type: 'string', default: '300' } } });
  if (!fs.existsSync(SUITE)) throw new Error(`${path.relative(ROOT, SUITE)} is missing: run \`npx tsc -b\` first`);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');

  // Mocha's summary lines give the counts.
  let passed = 0;
  let failed = 0;
  const failedTests: string[] = [];
  const code = await runSuite(Number(values.timeout) * 1000, (line) => {
    console.log(line);
    if (line.startsWith(FAILED_TEST)) failedTests.push(line.slice(FAILED_TEST.length).trim());
    const m = /^\s*(\d+) (passing|failing)\b/.exec(line);
    if (m?.[2] === 'passing') passed = Number(m[1]);
    if (m?.[2] === 'failing') failed = Number(m[1]);
  });
  // A suite that broke before mocha could count anything is still a failure.
  if (code !== 0 && failed === 0) failed = 1;
  const names = failedTests.length ? `: ${failedTests.join('; ')}` : '';
  console.log(`\nextension-host suite: ${passed} passed, ${failed} failed (exit code ${code})${names}`);
  if (process.env.ISTIO_EGRESS_E2E_RESULTS) fs.appendFileSync(process.env.ISTIO_EGRESS_E2E_RESULTS, `extension-host ${passed} ${failed}${names}\n`);
  return code === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

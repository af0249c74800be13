/**
 * `npm run test:vscode`: runs the extension-host suite in desktop VS Code through
 * @vscode/test-electron, on a scratch copy of the fixture workspace. VSCODE_EXECUTABLE names a local
 * VS Code to use; without it test-electron downloads one, which needs the internet.
 * Where only npm and Debian are reachable, test/e2e/run-extension-tests.ts runs the same suite in code-server.
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { copyFixtureWorkspace } from './scratch-workspace';

async function main(): Promise<void> {
  const workspace = copyFixtureWorkspace();
  try {
    await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: path.resolve(__dirname, '../../..'),
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace.folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    workspace.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

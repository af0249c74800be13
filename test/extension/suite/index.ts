/**
 * The extension-host suite's entry point: VS Code (desktop through @vscode/test-electron, or
 * code-server through test/e2e/run-extension-tests.ts) loads this module as `extensionTestsPath`
 * and awaits run(). It runs every `*.test.js` beside it with mocha.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Starts the line the suite prints for each failed test. */
export const FAILED_TEST = 'extension-host test failed:';

export async function run(): Promise<void> {
  // A ceiling for a loaded machine, not a sleep: the first test also waits for the language server to
  // start and index the workspace, and each wait inside a test has its own, shorter deadline.
  const mocha = new Mocha({ ui: 'tdd', timeout: 180_000, color: false });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(__dirname, file));
  }
  const failures = await new Promise<number>((resolve) => {
    // One line per failed test, which test/e2e/run-extension-tests.ts collects for its summary.
    mocha.run(resolve).on('fail', (t: Mocha.Runnable) => console.log(`${FAILED_TEST} ${t.fullTitle()}`));
  });
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}

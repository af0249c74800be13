/**
 * The extension-host suite's entry point: VS Code (desktop through @vscode/test-electron, or
 * code-server through test/e2e/run-extension-tests.ts) loads this module as `extensionTestsPath`
 * and awaits run(). It runs every `*.test.js` beside it with mocha.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // Generous: the first test also waits for the language server to start and index the workspace.
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(__dirname, file));
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}

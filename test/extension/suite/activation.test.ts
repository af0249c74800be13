/**
 * The extension starts for Istio YAML and registers every command its manifest contributes.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extension, open } from './workspace';

/** Resolves when `condition` holds, checking on every turn of a short timer; rejects after `timeoutMs`. */
function until(what: string, condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      else setTimeout(check, 50);
    };
    check();
  });
}

suite('activation', () => {
  test('activates when an Istio YAML file is opened', async () => {
    const doc = await open('valid.yaml');
    assert.equal(doc.languageId, 'yaml');
    // VS Code has no event for another extension's activation, so this polls isActive.
    await until('the extension to activate', () => extension().isActive);
  });

  test('registers every command contributed in package.json', async () => {
    const ext = extension();
    await ext.activate();
    const contributed: string[] = (ext.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed but not registered',
    );
  });
});

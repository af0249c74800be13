/**
 * What the extension's manifest promises VS Code: it runs in Restricted Mode (it executes nothing
 * from the workspace) and, limited to open files, in virtual workspaces, whose documents the client
 * hands to the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

test('the manifest declares untrusted and virtual workspace support, and the client takes virtual documents', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    capabilities?: Record<string, { supported?: unknown; description?: string }>;
  };
  assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
  assert.equal(manifest.capabilities?.virtualWorkspaces?.supported, 'limited');
  assert.match(manifest.capabilities?.virtualWorkspaces?.description ?? '', /only the open YAML files/);
  const client = fs.readFileSync(path.join(repoRoot, 'client', 'src', 'extension.ts'), 'utf8');
  for (const scheme of ['file', 'untitled', 'vscode-vfs']) assert.match(client, new RegExp(`'${scheme}'`));
});

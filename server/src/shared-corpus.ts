/**
 * Where tests find the data kept in the `shared` folder beside the checkout (Istio's CRDs and the corpora),
 * and what a test does when it is missing: on a developer's machine it is skipped with the reason; under CI
 * (`CI` set) it runs and fails, so a missing corpus can never pass as a green run. Only tests import this;
 * the extension, the server and the CLI never read that folder (test/cli/dist.test.ts checks their bundles).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The repository root: this file runs from `out/server/src/`. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** A path inside the `shared` folder beside the checkout, for example `sharedPath('corpus', 'istio-docs')`. */
export function sharedPath(...segments: string[]): string {
  return path.resolve(REPO_ROOT, '..', 'shared', ...segments);
}

/**
 * Options for a `node:test` test that reads `sharedPath(...segments)`: skipped when it is missing,
 * unless under CI, where the test runs and its first read fails loudly.
 */
export function needsShared(...segments: string[]): { skip?: string } {
  if (fs.existsSync(sharedPath(...segments)) || process.env.CI) return {};
  return { skip: `shared/${segments.join('/')} is not beside this checkout` };
}

/** Every `.yaml` or `.yml` file under `sharedPath(...segments)`, depth first and by name, with a `file://` URI and its text. */
export function sharedYamlFiles(...segments: string[]): { uri: string; text: string }[] {
  const list: { uri: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name)) list.push({ uri: `file://${full}`, text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(sharedPath(...segments));
  return list;
}

/**
 * Where tests find the data kept beside the checkout in `../shared` (Istio's CRDs and the corpora),
 * and what a test does when it is missing: on a developer's machine it is skipped with the reason; under CI
 * (`CI` set) it runs and fails, so a missing corpus can never pass as a green run. Only tests import this;
 * the extension, the server and the CLI never read `../shared`.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The repository root: this file runs from `out/server/src/`. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** A path inside `../shared`, for example `sharedPath('corpus', 'istio-docs')`. */
export function sharedPath(...segments: string[]): string {
  return path.resolve(REPO_ROOT, '..', 'shared', ...segments);
}

/**
 * Options for a `node:test` test that reads `sharedPath(...segments)`: skipped when it is missing,
 * unless under CI, where the test runs and its first read fails loudly.
 */
export function needsShared(...segments: string[]): { skip?: string } {
  if (fs.existsSync(sharedPath(...segments)) || process.env.CI) return {};
  return { skip: `../shared/${segments.join('/')} is not beside this checkout` };
}

/**
 * Generated files stay in step with their generators: schemas/ with Istio's CRD bundle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needsShared, sharedPath } from '../../server/src/shared-corpus';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const crds = sharedPath('istio', 'crd-all.gen.yaml');

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

test('schemas/ is what scripts/generate-schemas.mjs makes from the CRD bundle', needsShared('istio', 'crd-all.gen.yaml'), () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-schemas-'));
  try {
    fs.copyFileSync(path.join(repoRoot, 'schemas', 'mesh-config.json'), path.join(out, 'mesh-config.json'));
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'generate-schemas.mjs'), crds, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const committed = path.join(repoRoot, 'schemas');
    assert.deepEqual(listFiles(out), listFiles(committed));
    for (const f of listFiles(committed)) assert.equal(fs.readFileSync(path.join(out, f), 'utf8'), fs.readFileSync(path.join(committed, f), 'utf8'), f);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

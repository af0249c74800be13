/**
 * A temporary copy of test/fixtures/e2e-workspace for one run, so that tests which edit files never
 * touch the repository. Both runners of the extension-host suite and the UI tests open such a copy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/e2e-workspace');

export interface ScratchWorkspace {
  folder: string;
  /** Deletes the copy, unless ISTIO_EGRESS_E2E_KEEP is set (then it says where the copy is). */
  remove(): void;
}

export function copyFixtureWorkspace(): ScratchWorkspace {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-workspace-'));
  fs.cpSync(FIXTURE, folder, { recursive: true });
  return {
    folder,
    remove() {
      if (process.env.ISTIO_EGRESS_E2E_KEEP) console.log(`# scratch workspace kept in ${folder}`);
      else fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

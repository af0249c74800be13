/**
 * Reads a kustomization file (`kustomization.yaml`, `kustomization.yml` or `Kustomization`, the names
 * kustomize recognises) for what the egress analysis needs: the `namespace:` it gives the resources
 * it lists, and the local paths it lists under `resources:`, `bases:` (the legacy form) and `components:`.
 * It does not render anything: patches, name prefixes and generators are not followed, and remote
 * entries (URLs, `github.com/...`) are left out. The index applies the result (index/kustomizations.ts).
 */
import { isRecord } from '../data';

/** The file names kustomize looks for in a folder (kustomize's konfig.RecognizedKustomizationFileNames). */
const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface Kustomization {
  /** `namespace:` when written and not empty. */
  namespace?: string;
  /** Local entries of `resources:`, `bases:` and `components:` as written: files or folders, relative to the kustomization's folder. */
  entries: string[];
}

/** Whether a URI names a kustomization file by its base name. */
export function isKustomizationUri(uri: string): boolean {
  const base = uri.slice(uri.lastIndexOf('/') + 1);
  return KUSTOMIZATION_FILE_NAMES.includes(base);
}

/** Entries kustomize fetches from elsewhere: URLs, git and hosting-service forms. */
function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@/.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.includes('?ref=');
}

/** What a kustomization file's first document says; undefined when it is not a mapping. */
export function kustomizationOf(value: unknown): Kustomization | undefined {
  if (!isRecord(value)) return undefined;
  const entries: string[] = [];
  for (const field of ['resources', 'bases', 'components']) {
    const list = value[field];
    if (!Array.isArray(list)) continue;
    for (const e of list) if (typeof e === 'string' && e.trim() !== '' && !isRemote(e.trim())) entries.push(e.trim());
  }
  const namespace = typeof value.namespace === 'string' && value.namespace.trim() !== '' ? value.namespace.trim() : undefined;
  return { ...(namespace ? { namespace } : {}), entries };
}

/**
 * The `istioEgress.clusters` setting: globs, relative to a workspace folder, whose matches are meshes
 * analysed separately (`clusters/*`, `envs/*`). A file is a mesh of its own when a glob whose last
 * segment names files (`wip/*.yaml`) matches it; else it belongs to the mesh of the longest folder of its
 * path that a glob matches; files outside every match are shared by all meshes.
 * Meshes nest: with `apps` and `apps/*`, files directly in `apps/` are shared by the meshes below it only.
 * It decides membership only; the index applies it (WorkspaceIndex.setMeshes, meshesMeet).
 */
import picomatch from 'picomatch';

/**
 * A function naming the mesh of a file URI, or undefined when `globs` is empty (one mesh). Roots are
 * the workspace folders as URIs; a file under none of them is shared.
 */
export function meshPartition(globs: readonly string[], roots: readonly string[]): ((uri: string) => string | undefined) | undefined {
  const patterns = globs.map((g) => g.trim().replace(/^\.\//, '').replace(/\/+$/, '')).filter((g) => g !== '');
  if (patterns.length === 0) return undefined;
  const matches = picomatch(patterns, { dot: true });
  // Globs whose last segment names files (`wip/*.yaml`) also make single files meshes.
  const filePatterns = patterns.filter((p) => /\.[^/]*$/.test(p));
  const matchesFile = filePatterns.length > 0 ? picomatch(filePatterns, { dot: true }) : () => false;
  const folders = roots.map((r) => (r.endsWith('/') ? r : `${r}/`)).sort((a, b) => b.length - a.length);
  const cache = new Map<string, string | undefined>();
  return (uri) => {
    if (cache.has(uri)) return cache.get(uri);
    let mesh: string | undefined;
    const root = folders.find((f) => uri.startsWith(f));
    if (root !== undefined) {
      const segments = uri.slice(root.length).split('/').map(decodeURIComponent);
      if (matchesFile(segments.join('/'))) mesh = uri;
      for (let i = segments.length - 1; i >= 1 && mesh === undefined; i--) {
        const prefix = segments.slice(0, i).join('/');
        if (matches(prefix)) mesh = `${root}${prefix}`;
      }
    }
    cache.set(uri, mesh);
    return mesh;
  };
}

/**
 * Whether resources of two meshes see each other: the same mesh, or one nested in the other (a
 * shared file is part of every mesh below it). Undefined is the workspace itself, shared by all.
 */
export function meshesMeet(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a === b) return true;
  return b.startsWith(`${a}/`) || a.startsWith(`${b}/`);
}

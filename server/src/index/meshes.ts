/**
 * The `istioEgress.clusters` setting: globs, relative to a workspace folder, whose matches are meshes
 * analysed separately (`clusters/*`, `envs/*`). A file belongs to the mesh of the shortest path prefix
 * (a folder, or the file itself) that a glob matches; files outside every match are shared by all meshes.
 * It decides membership only; the index applies it (WorkspaceIndex.setMeshes).
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
  const folders = roots.map((r) => (r.endsWith('/') ? r : `${r}/`)).sort((a, b) => b.length - a.length);
  const cache = new Map<string, string | undefined>();
  return (uri) => {
    if (cache.has(uri)) return cache.get(uri);
    let mesh: string | undefined;
    const root = folders.find((f) => uri.startsWith(f));
    if (root !== undefined) {
      const segments = uri.slice(root.length).split('/').map(decodeURIComponent);
      for (let i = 1; i <= segments.length && mesh === undefined; i++) {
        const prefix = segments.slice(0, i).join('/');
        if (matches(prefix)) mesh = `${root}${prefix}`;
      }
    }
    cache.set(uri, mesh);
    return mesh;
  };
}

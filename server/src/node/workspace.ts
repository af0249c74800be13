/**
 * Finds the YAML files of a folder tree for the server's start-up scan and the CLI: include and
 * exclude globs, node_modules and .git always skipped, symlinked folders not followed (no loops).
 */
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

export interface FileFilter {
  include: string[];
  exclude: string[];
}

export function makeMatcher(filter: FileFilter): (relativePath: string) => boolean {
  const include = picomatch(filter.include, { dot: true });
  const exclude = filter.exclude.length > 0 ? picomatch(filter.exclude, { dot: true }) : () => false;
  return (rel) => {
    const p = rel.split(path.sep).join('/');
    return include(p) && !exclude(p);
  };
}

/** Absolute paths of the matching files under `root` (a folder), sorted. */
export async function listFiles(root: string, filter: FileFilter): Promise<string[]> {
  const matches = makeMatcher(filter);
  const excludeDir = filter.exclude.length > 0 ? picomatch(filter.exclude, { dot: true }) : () => false;
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (ALWAYS_SKIPPED.has(e.name) || excludeDir(rel) || excludeDir(`${rel}/`)) continue;
        await walk(full);
      } else if (e.isFile() && matches(rel)) {
        out.push(full);
      }
    }
  };
  await walk(root);
  return out.sort();
}

/** Reads a file as UTF-8 text; undefined when it cannot be read. */
export async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

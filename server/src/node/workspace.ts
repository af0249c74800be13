/**
 * Finds the YAML files of a folder tree for the server's start-up scan and the CLI: include and
 * exclude globs (a `Kustomization` file, which has no extension, counts as YAML), node_modules and
 * .git always skipped, symlinked folders not followed (no loops), symlinked files followed to regular files only. Reading never blocks on FIFOs or devices and
 * never reads more than a file-size limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { cutFileText, MAX_FILE_BYTES } from '../parse/parse';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

/** Whether a relative path lies inside a folder that is never indexed (node_modules, .git), at any depth. */
export function inSkippedFolder(relativePath: string): boolean {
  return relativePath
    .split('/')
    .slice(0, -1)
    .some((segment) => ALWAYS_SKIPPED.has(segment));
}

export interface FileFilter {
  include: string[];
  exclude: string[];
}

interface CompiledFilter {
  /** Whether a path relative to the folder (with `/` or the platform's separator) is a file to index. */
  matches: (relativePath: string) => boolean;
  /** Whether a folder (relative path) is excluded. */
  excludesFolder: (relativePath: string) => boolean;
  /** One sentence per glob that could not be used (it is left out). */
  errors: string[];
}

function compileGlobs(globs: string[], setting: string, errors: string[]): (p: string) => boolean {
  const compiled: ((p: string) => boolean)[] = [];
  for (const glob of globs) {
    try {
      compiled.push(picomatch(glob, { dot: true }));
    } catch (e) {
      const shown = glob.length > 60 ? `${glob.slice(0, 57)}…` : glob;
      errors.push(`${setting}: "${shown}" is not a valid glob (${e instanceof Error ? e.message : String(e)}); it is left out.`);
    }
  }
  return (p) => compiled.some((m) => m(p));
}

/** Compiles include and exclude globs; invalid globs are reported in `errors` and left out, never thrown. */
export function compileFilter(filter: FileFilter): CompiledFilter {
  const errors: string[] = [];
  const include = compileGlobs(filter.include, 'include', errors);
  const exclude = compileGlobs(filter.exclude, 'exclude', errors);
  return {
    matches: (rel) => {
      const p = rel.split(path.sep).join('/');
      // kustomize's `Kustomization` file has no extension: it counts as YAML for the include globs.
      return (include(p) || (p.endsWith('Kustomization') && /(^|\/)Kustomization$/.test(p) && include(`${p}.yaml`))) && !exclude(p);
    },
    excludesFolder: (rel) => exclude(rel) || exclude(`${rel}/`),
    errors,
  };
}

/**
 * `fs.promises`, taken as the program loads: the getter loads Node's promise API (and readline, which it requires) on
 * first use, 5-15 ms of compiling that held the server's thread as the start-up scan listed the files, while the
 * completion and hover an editor sends with its first open waited.
 */
const fsPromises = fs.promises;

/**
 * Absolute paths of the matching files under `root` (a folder), sorted. A folder that cannot be
 * listed (no permission, gone meanwhile) is left out and passed to `unreadable` with the reason.
 */
export async function listFiles(root: string, filter: FileFilter, unreadable?: (folder: string, reason: string) => void): Promise<string[]> {
  const compiled = compileFilter(filter);
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fsPromises.readdir(dir, { withFileTypes: true });
    } catch (e) {
      unreadable?.(dir, errorCode(e));
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (ALWAYS_SKIPPED.has(e.name) || compiled.excludesFolder(rel)) continue;
        await walk(full);
      } else if ((e.isFile() || (e.isSymbolicLink() && (await isRegularFile(full)))) && compiled.matches(rel)) {
        out.push(full);
      }
    }
  };
  await walk(root);
  return out.sort();
}

/** True for a regular file, following symlinks; false for folders, FIFOs, sockets, devices and broken or looping links. */
async function isRegularFile(file: string): Promise<boolean> {
  try {
    return (await fsPromises.stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads a file as UTF-8 text; undefined when it cannot be read or is not a regular file (a FIFO,
 * socket or device, possibly behind a symlink). See `readTextOrError`.
 */
export function readText(file: string, limit = MAX_FILE_BYTES): Promise<string | undefined> {
  const read = readTextNow(file, limit);
  return Promise.resolve('text' in read ? read.text : undefined);
}

/** `readText` for the CLI: the text, or the reason it could not be read. See `readTextNow`. */
export function readTextOrError(file: string, limit = MAX_FILE_BYTES): Promise<{ text: string } | { error: string }> {
  return Promise.resolve(readTextNow(file, limit));
}

/**
 * Reads a file as UTF-8 text, or says why it could not. The file is opened non-blocking, so a FIFO
 * never holds the thread, and at most `limit` + 1 bytes are read: a longer file comes back cut there,
 * which the parser reports as too large. The calls are synchronous: one file of a workspace costs
 * tens of microseconds that way, where `fs.promises` (a FileHandle, four round trips through the thread
 * pool and their promises) costs several times as much of this thread; callers read a few files between
 * slices of other work.
 */
function readTextNow(file: string, limit: number): { text: string } | { error: string } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { error: 'not a regular file' };
    const size = Math.min(stat.size, limit + 1);
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const bytesRead = fs.readSync(fd, buffer, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { text: cutText(buffer.toString('utf8', 0, read), stat.size, limit) };
  } catch (e) {
    return { error: errorCode(e) };
  } finally {
    if (fd !== undefined)
      try {
        fs.closeSync(fd);
      } catch {
        // Closing a file only read cannot lose data.
      }
  }
}

/** A file longer than `limit` bytes comes back as the parser's stand-in for it, which carries its size. */
function cutText(text: string, size: number, limit: number): string {
  return size > limit ? cutFileText(text, size) : text;
}

/** The reason a file operation failed, as short as the system gives it (`EACCES`, `ENOENT`). */
function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

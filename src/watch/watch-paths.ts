// What to watch: each source becomes a directory to watch, whole or for some names
// only, and one predicate says which paths below those directories matter.
//
// Directories rather than files, because every way a file changes (rename over,
// delete and re-create, Kubernetes' `..data` swap) shows in its directory. Names
// starting with `..` are ignored: in a Kubernetes volume each visible key is a symlink
// through `..data`, and chokidar (followSymlinks off) re-reads the directory when
// `..data` is swapped and reports each key whose link now resolves elsewhere as one
// `change`; watching `..data` and `..<timestamp>/` too would only add noise.

import { realpathSync } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';

/** The paths a run reads, by kind; all absolute. */
export interface WatchSources {
  /** Secret dirs: every entry directly inside. */
  readonly dirs: readonly string[];
  /** Single files: NAME_FILE targets, --dotenv files, template files. */
  readonly files: readonly string[];
  /** Template dirs: everything below. */
  readonly trees: readonly string[];
}

/** One directory to watch. */
export interface WatchRoot {
  readonly dir: string;
  /** Entries of `dir` that matter; undefined: all of them. */
  readonly names: ReadonlySet<string> | undefined;
  /** Whether entries below subdirectories matter too. */
  readonly recursive: boolean;
}

/** Merges the sources into one root per directory; `realpath` resolves directories (default: the file system's). */
export function watchRoots(sources: WatchSources, realpath: (path: string) => string = realpathOr): WatchRoot[] {
  const roots = new Map<string, WatchRoot>();
  const add = (dir: string, names: ReadonlySet<string> | undefined, recursive: boolean): void => {
    const known = roots.get(dir);
    const merged = known === undefined || names === undefined || known.names === undefined ? (known === undefined ? names : undefined) : new Set([...known.names, ...names]);
    roots.set(dir, { dir, names: merged, recursive: recursive || (known?.recursive ?? false) });
  };
  for (const dir of sources.dirs) add(realpath(dir), undefined, false);
  for (const dir of sources.trees) add(realpath(dir), undefined, true);
  for (const file of sources.files) {
    const parent = realpath(dirname(file));
    add(parent, new Set([basename(file)]), false);
    // A symlink to a file elsewhere: watch the target as well, for in-place writes to
    // it; but not a Kubernetes `..<timestamp>/` target, which is replaced, never written.
    const target = realpath(file);
    if (dirname(target) !== parent && !target.split(sep).some((part) => part.startsWith('..'))) add(dirname(target), new Set([basename(target)]), false);
  }
  return [...roots.values()];
}

/**
 * `roots` plus, for each directory watched whole (a secret dir, a template dir), its
 * parent for that one name: a watch on a directory ends when the directory is deleted,
 * and the parent's is what notices it being created again (`rm -rf secrets && cp -r
 * new secrets`), upon which chokidar watches the new one.
 */
export function withParents(roots: readonly WatchRoot[]): WatchRoot[] {
  const all = [...roots];
  for (const root of roots) {
    const parent = dirname(root.dir);
    if (root.names !== undefined || parent === root.dir || isCovered(all, parent, root.dir)) continue;
    const known = all.findIndex((other) => other.dir === parent);
    const entry = { dir: parent, names: new Set([basename(root.dir)]), recursive: false };
    if (known < 0) all.push(entry);
    else all[known] = { ...(all[known] as WatchRoot), names: new Set([...((all[known] as WatchRoot).names ?? []), basename(root.dir)]) };
  }
  return all;
}

function isCovered(roots: readonly WatchRoot[], parent: string, dir: string): boolean {
  return roots.some((root) => root.dir === parent && (root.names === undefined || root.names.has(basename(dir))));
}

/** True for a path that no root cares about (chokidar's `ignored`). */
export function isIgnored(path: string, roots: readonly WatchRoot[]): boolean {
  return !roots.some((root) => accepts(root, path));
}

function accepts(root: WatchRoot, path: string): boolean {
  if (path === root.dir) return true;
  const parts = relative(root.dir, path).split(sep);
  if (parts[0] === '..' || parts.some((part) => part === '' || part.startsWith('..'))) return false;
  if (parts.length > 1 && !root.recursive) return false;
  return root.names === undefined || (parts.length === 1 && root.names.has(parts[0] as string));
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

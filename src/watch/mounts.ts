// What inotify on a directory cannot see, found in the mount table (/proc/self/mountinfo):
// a file that is a mount point itself (Compose `secrets: file:` bind-mounts each secret
// as one file; a write to the host file never reaches the directory's watch, only the
// file's own inode), and a file system mounted over a watched directory after the watch
// was set up (the watch stays on the directory underneath).

import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import type { WatchRoot } from './watch-paths.js';

/** One line of mountinfo that matters here: the mount's id and where it is mounted. */
export interface Mount {
  readonly id: string;
  readonly point: string;
}

/** The mounts of this process's mount namespace; none when /proc is not there. */
export function readMounts(text: string | undefined = readMountinfo()): Mount[] {
  if (text === undefined) return [];
  return text.split('\n').flatMap((line) => {
    const fields = line.split(' ');
    // proc(5): mount ID, parent ID, major:minor, root, mount point, ...; spaces and such as \040.
    const [id, , , , point] = fields;
    return id === undefined || point === undefined ? [] : [{ id, point: point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))) }];
  });
}

function readMountinfo(): string | undefined {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Files that are mount points themselves, among `files` and the entries of the watched
 * directories: each is watched on its own inode.
 */
export function mountedFiles(mounts: readonly Mount[], roots: readonly WatchRoot[], files: readonly string[]): string[] {
  const wanted = new Set(files);
  const inRoot = (path: string): boolean => roots.some((root) => root.dir === dirname(path) && (root.names === undefined || root.names.has(basename(path))) && !basename(path).startsWith('.'));
  const found = new Set(mounts.map((mount) => mount.point).filter((point) => (wanted.has(point) || inRoot(point)) && isFile(point)));
  return [...found].sort();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The mounts at, below or above a watched directory, as one comparable text: when it
 * changes (a tmpfs mounted over a secret dir, a file bind-mounted into it, a mount over
 * /run), the watcher is set up again.
 */
export function mountsKey(mounts: readonly Mount[], dirs: readonly string[]): string {
  const within = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer === sep ? sep : `${outer}${sep}`);
  return mounts
    .filter((mount) => mount.point !== sep && dirs.some((dir) => within(mount.point, dir) || within(dir, mount.point)))
    .map((mount) => `${mount.id} ${mount.point}`)
    .sort()
    .join('\n');
}

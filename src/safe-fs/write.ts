// Writing inside a held directory without ever following, reusing or opening something
// planted there: new files are created exclusively (O_EXCL, so neither an existing file
// nor a symlink of that name is used), existing ones are opened without following a
// symlink and without blocking, renames and removals name entries of the held directory
// only. Callers run these as whoever may act in the directory (walk.ts OpenedDir.run).

import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { FsError } from './fs-error.js';
import { entry, join, type Dir } from './walk.js';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = constants;

/** Creates entry `name` of `dir`, which must not exist, mode 0600; returns its descriptor (open for writing). */
export function createExclusive(dir: Dir, name: string): number {
  try {
    return openSync(entry(dir, name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0o600);
  } catch (error) {
    throw new FsError(join(dir.path, name), error, { doing: `creating ${join(dir.path, name)}`, checked: { path: dir.path, bits: dir.stats } });
  }
}

/** Opens entry `name` for reading if it is there and not a symlink; undefined when missing or a symlink. */
export function openExisting(dir: Dir, name: string): number | undefined {
  try {
    return openSync(entry(dir, name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') return undefined;
    throw new FsError(join(dir.path, name), error, { checked: { path: dir.path, bits: dir.stats } });
  }
}

/** Renames entry `from` over entry `to` of `dir`: atomic, and never through a symlink (rename replaces the entry itself). */
export function renameIn(dir: Dir, from: string, to: string): void {
  try {
    renameSync(entry(dir, from), entry(dir, to));
  } catch (error) {
    throw new FsError(join(dir.path, to), error, { doing: `renaming ${from} over ${join(dir.path, to)}`, checked: { path: dir.path, bits: dir.stats } });
  }
}

/** Removes entry `name` of `dir`, if it is there. */
export function removeIn(dir: Dir, name: string): void {
  try {
    unlinkSync(entry(dir, name));
  } catch {
    // Gone already, or not ours to remove: nothing left to clean up.
  }
}

/** fsyncs the directory, so that renames into it survive a crash; a filesystem that cannot is not an error. */
export function syncDir(dir: Dir): void {
  let fd: number | undefined;
  try {
    fd = openSync(entry(dir, '.'), O_RDONLY | O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // EINVAL on filesystems without directory fsync; nothing to do about it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

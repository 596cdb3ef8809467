// Reading a file as runsecrets reads every file: opened once, never through a symlink
// (O_NOFOLLOW), never blocking (O_NONBLOCK: a FIFO opens at once instead of waiting
// for a writer), only a regular file (decided by fstat of that descriptor), and never
// more than a limit, counted while reading, so that /dev/zero, a file that grows or one
// whose size the kernel reports as 0 cannot fill the memory.

import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, type Dirent, type Stats } from 'node:fs';
import { actAs, type Actor } from './actor.js';
import { FsError } from './fs-error.js';
import { entry, inDir, itself, linkTarget, type Dir } from './walk.js';

const READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

/** The file is not a regular file: a FIFO, a device, a socket, a directory. */
export class NotRegularError extends FsError {}

/** The file holds more than the limit: `size` bytes (fstat's), or, when `atLeast`, at least that many (it grew, or reports no size). */
export class TooLargeError extends FsError {
  constructor(at: string, readonly size: number, readonly atLeast: boolean) {
    super(at, `is ${atLeast ? 'more than ' : ''}${atLeast ? size - 1 : size} bytes`);
  }

  /** `11 bytes`, `more than 1048576 bytes`. */
  get sizeText(): string {
    return this.atLeast ? `more than ${this.size - 1} bytes` : `${this.size} bytes`;
  }
}

/**
 * Reads entry `name` of `dir`, at most `limit` bytes. Throws FsError: ELOOP when it is a
 * symlink (the caller decides whether to follow it), NotRegularError, TooLargeError.
 */
export function readEntry(dir: Dir, name: string, limit: number): Buffer {
  const at = dir.path === '/' ? `/${name}` : `${dir.path}/${name}`;
  let fd: number;
  try {
    fd = openSync(entry(dir, name), READ);
  } catch (error) {
    throw new FsError(at, error, { checked: deniedOn(dir, name, at) });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NotRegularError(at, `is ${kindOf(stats)}, not a regular file`);
    if (stats.size > limit) throw new TooLargeError(at, stats.size, false);
    return readBounded(fd, stats.size, limit, at);
  } catch (error) {
    if (error instanceof FsError) throw error;
    throw new FsError(at, error);
  } finally {
    closeSync(fd);
  }
}

/** What the kernel checked when opening entry `name` failed: the file's bits if it can be seen, else its directory's. */
function deniedOn(dir: Dir, name: string, at: string): { path: string; bits: Stats } {
  try {
    return { path: at, bits: lstatSync(entry(dir, name)) };
  } catch {
    return { path: dir.path, bits: dir.stats };
  }
}

/**
 * Reads a descriptor to its end, or to limit + 1 bytes. A read that returns the size
 * fstat reported ends it without one more call: a short read of a regular file is its end.
 */
function readBounded(fd: number, size: number, limit: number, at: string): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(size, limit) + 1);
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      if (total > limit) throw new TooLargeError(at, total, true);
      const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2 + 4096, limit + 1));
      buffer.copy(grown, 0, 0, total);
      buffer = grown;
    }
    const read = readSync(fd, buffer, total, buffer.length - total, null);
    total += read;
    if (read === 0 || (size > 0 && total === size)) break;
  }
  if (total > limit) throw new TooLargeError(at, total, true);
  return buffer.subarray(0, total);
}

/** `a FIFO`, `a directory`, `a character device`, ...: what a non-regular file is. */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symlink';
  return 'not a regular file';
}

/** The entries of a held directory (read permission on it is checked as whoever runs this). */
export function listEntries(dir: Dir): Dirent[] {
  try {
    return readdirSync(itself(dir), { withFileTypes: true });
  } catch (error) {
    throw new FsError(dir.path, error, { checked: { path: dir.path, bits: dir.stats } });
  }
}

const MAX_LINKS = 40;

/**
 * Reads the file at absolute `path` (at most `limit` bytes), following symlinks as the
 * walk allows (walk.ts): as root through what root alone controls, as `actor` from the
 * first step someone else could change, and for every link found after that.
 */
export function readPath(path: string, actor: Actor | undefined, limit: number): Buffer {
  let target = path;
  let tainted = false;
  for (let links = 0; links <= MAX_LINKS; links += 1) {
    const current = target;
    const once = (): ReadOnce => readOnce(current, actor, limit);
    const result: ReadOnce = tainted ? actAs(actor, once) : once();
    if (Buffer.isBuffer(result)) return result;
    tainted ||= result.actor !== undefined;
    target = result.link;
  }
  throw new FsError(path, 'too many levels of symbolic links (ELOOP)');
}

/** The file's bytes, or where the symlink found leads (absolute) and whom the walk acted as. */
type ReadOnce = Buffer | { readonly link: string; readonly actor: Actor | undefined };

function readOnce(path: string, actor: Actor | undefined, limit: number): ReadOnce {
  const slash = path.lastIndexOf('/');
  const [parent, name] = [path.slice(0, slash) || '/', path.slice(slash + 1)];
  return inDir(parent, { actor }, (dir, actingAs) => {
    try {
      return readEntry(dir, name, limit);
    } catch (error) {
      const link = error instanceof FsError && error.osCode === 'ELOOP' ? linkTarget(dir, name) : undefined;
      if (link === undefined) throw error;
      return { link: link.startsWith('/') ? link : `${dir.path === '/' ? '' : dir.path}/${link}`, actor: actingAs };
    }
  });
}

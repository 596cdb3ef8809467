// One rendered file onto disk, atomically: a temp file in the destination's dir gets
// owner, mode and content, is fsynced and renamed over the destination, so a reader
// opens either the old file or the new one, never a mix (rename(2) is atomic within a
// filesystem; the temp file sits in the same dir so it is on the same filesystem).
// Unchanged bytes are not rewritten: the file keeps its inode and mtime. The caller
// fsyncs the dir once after its renames (pinned-dir.ts), so that they survive a crash too.

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeOsError, RunsecretsError } from '../errors.js';

/** Mode and owner of rendered files; an owner left out stays runsecrets' own. */
export interface FileTarget {
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** What happened to one destination. */
export type WriteOutcome = 'written' | 'unchanged' | 'fixed';

/**
 * Writes `content` to `destination` unless it already holds exactly these bytes. Same
 * bytes with another mode or owner: fixed in place (fchown/fchmod), content and mtime kept.
 */
export async function writeFileAtomically(destination: string, content: Buffer, target: FileTarget, dir = dirname(destination)): Promise<WriteOutcome> {
  // `dir` reaches the destination's directory: its path, or /proc/self/fd/N for a
  // directory held open (pinned-dir.ts). Messages name the destination as given.
  const final = join(dir, basename(destination));
  const kept = await keepIfSame(final, destination, content, target);
  if (kept !== undefined) return kept;
  const temp = join(dir, `.${basename(destination)}.runsecrets-${randomBytes(6).toString('hex')}`);
  try {
    await writeTemp(temp, destination, content, target);
    await step(destination, 'rename', () => rename(temp, final));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return 'written';
}

/**
 * 'unchanged' or 'fixed' when `destination` is a regular file holding `content`;
 * undefined when it must be (re)written. Everything goes through one descriptor opened
 * without following a symlink (and without blocking on a FIFO), so what is compared and
 * chowned is the very file found there: the dir may belong to the app user, who could
 * otherwise swap in a symlink to a file of root's between the check and the chown.
 */
async function keepIfSame(path: string, destination: string, content: Buffer, target: FileTarget): Promise<WriteOutcome | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') return undefined; // missing, or a symlink: the rename replaces it
    throw writeError(destination, 'open', error);
  }
  try {
    const current = await step(destination, 'fstat', () => handle.stat());
    if (!current.isFile() || current.size !== content.length) return undefined;
    if (!(await step(destination, 'read', () => handle.readFile())).equals(content)) return undefined;
    const sameOwner = (target.uid === undefined || current.uid === target.uid) && (target.gid === undefined || current.gid === target.gid);
    if (sameOwner && (current.mode & 0o7777) === target.mode) return 'unchanged';
    if (!sameOwner) await step(destination, 'chown', () => handle.chown(target.uid ?? -1, target.gid ?? -1));
    await step(destination, 'chmod', () => handle.chmod(target.mode));
    return 'fixed';
  } finally {
    await handle.close();
  }
}

/** Creates the temp file (O_EXCL), sets owner then mode (chown may clear set-id bits), writes and fsyncs. */
async function writeTemp(temp: string, destination: string, content: Buffer, target: FileTarget): Promise<void> {
  const handle = await step(destination, 'open', () => open(temp, 'wx', 0o600));
  try {
    if (target.uid !== undefined || target.gid !== undefined) await step(destination, 'chown', () => handle.chown(target.uid ?? -1, target.gid ?? -1));
    await step(destination, 'chmod', () => handle.chmod(target.mode));
    await step(destination, 'write', () => handle.writeFile(content));
    await step(destination, 'fsync', () => handle.sync());
  } finally {
    await handle.close();
  }
}

async function step<T>(destination: string, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw writeError(destination, operation, error);
  }
}

function writeError(destination: string, operation: string, error: unknown): RunsecretsError {
  return new RunsecretsError('TEMPLATE_WRITE', `cannot write rendered file ${destination}: ${operation} failed: ${describeOsError(error)}`, 1, error);
}

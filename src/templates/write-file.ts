// One rendered file in its held directory, in the two steps of a set's transaction
// (write-rendered.ts): prepare - compare with what is there, and if the bytes differ
// write a temp file next to it (owner, mode, content, fsync) - then commit - rename the
// temp over the destination, or fix the mode and owner of an unchanged file in place.
// A reader opens the old file or the new one, never a mix. Everything runs as whoever
// may act in the directory (safe-fs), and nothing found there is followed or reused.

import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fchownSync, fstatSync, fsyncSync, readSync, writeSync, type Stats } from 'node:fs';
import type { Actor } from '../safe-fs/actor.js';
import { FsError } from '../safe-fs/fs-error.js';
import type { Dir } from '../safe-fs/walk.js';
import { createExclusive, openExisting, removeIn, renameIn } from '../safe-fs/write.js';

/** Mode and owner of rendered files (an owner left out stays runsecrets' own), and who acts where root does not control alone. */
export interface FileTarget {
  readonly mode: number;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  readonly actor?: Actor | undefined;
}

/** What happened to one destination. */
export type WriteOutcome = 'written' | 'unchanged' | 'fixed';

/** One destination after prepare(): what commit() will do. */
export interface Prepared {
  readonly outcome: WriteOutcome;
  /** The temp file's name in the directory, for 'written'. */
  readonly temp?: string;
  /** The destination, open, for 'fixed'. */
  readonly fd?: number;
}

/**
 * Compares entry `name` of `dir` with `content`; when it must be rewritten, writes the
 * temp file. An existing file is reused only if it is a regular file with exactly these
 * bytes and one link (a hard link planted by the directory's owner is replaced, never
 * chowned); one owned by someone else than the acting user is replaced rather than fixed.
 */
export function prepare(dir: Dir, name: string, content: Buffer, target: FileTarget): Prepared {
  const fd = openExisting(dir, name);
  if (fd !== undefined) {
    const kept = keepIfSame(fd, content, target);
    if (kept === 'unchanged') closeSync(fd);
    if (kept !== undefined) return kept === 'fixed' ? { outcome: 'fixed', fd } : { outcome: 'unchanged' };
    closeSync(fd);
  }
  return { outcome: 'written', temp: writeTemp(dir, name, content, target) };
}

/** Applies a prepared destination: rename the temp over it, or fix its mode and owner. */
export function commit(dir: Dir, name: string, prepared: Prepared, target: FileTarget): void {
  if (prepared.temp !== undefined) renameIn(dir, prepared.temp, name);
  if (prepared.fd !== undefined) {
    try {
      if (target.uid !== undefined || target.gid !== undefined) fchownSync(prepared.fd, target.uid ?? -1, target.gid ?? -1);
      fchmodSync(prepared.fd, target.mode);
    } catch (error) {
      throw new FsError(`${dir.path}/${name}`, error, { doing: 'fixing its owner and mode' });
    }
  }
}

/** Undoes what prepare() made: the temp file is removed, a held destination closed. */
export function discard(dir: Dir, prepared: Prepared): void {
  if (prepared.temp !== undefined) removeIn(dir, prepared.temp);
  release(prepared);
}

/** Closes what a committed destination held. */
export function release(prepared: Prepared): void {
  if (prepared.fd !== undefined) closeSync(prepared.fd);
}

function keepIfSame(fd: number, content: Buffer, target: FileTarget): 'unchanged' | 'fixed' | undefined {
  const current = fstatSync(fd);
  if (!current.isFile() || current.nlink !== 1 || current.size !== content.length || !sameBytes(fd, content)) return undefined;
  const sameOwner = (target.uid === undefined || current.uid === target.uid) && (target.gid === undefined || current.gid === target.gid);
  if (sameOwner && (current.mode & 0o7777) === target.mode) return 'unchanged';
  return canFix(current) ? 'fixed' : undefined;
}

/** Root may fix any file; another user only its own (fchown and fchmod need ownership). */
function canFix(current: Stats): boolean {
  const euid = process.geteuid?.();
  return euid === 0 || current.uid === euid;
}

function sameBytes(fd: number, content: Buffer): boolean {
  const buffer = Buffer.allocUnsafe(content.length + 1);
  let total = 0;
  for (let read = -1; read !== 0 && total < buffer.length; total += read) read = readSync(fd, buffer, total, buffer.length - total, total);
  return total === content.length && buffer.subarray(0, total).equals(content);
}

/** Creates the temp file exclusively, sets owner then mode (chown may clear set-id bits), writes and fsyncs it. */
function writeTemp(dir: Dir, name: string, content: Buffer, target: FileTarget): string {
  const temp = `.${name}.runsecrets-${randomBytes(6).toString('hex')}`;
  const fd = createExclusive(dir, temp);
  try {
    if (target.uid !== undefined || target.gid !== undefined) fchownSync(fd, target.uid ?? -1, target.gid ?? -1);
    fchmodSync(fd, target.mode);
    for (let written = 0; written < content.length; ) written += writeSync(fd, content, written, content.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeIn(dir, temp);
    throw new FsError(`${dir.path}/${name}`, error, { doing: `writing its temp file ${temp}` });
  }
  closeSync(fd);
  return temp;
}

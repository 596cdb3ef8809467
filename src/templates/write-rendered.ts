// The rendered files of a run or a rotation as one transaction (SPEC §4, §7): every
// destination directory is reached (missing ones created) and held, every changed file
// is written to a temp file and fsynced, and only when all of them are ready are they
// renamed into place. A failure before that (a full disk, a read-only mount, a directory
// that was swapped) removes the temp files and leaves every destination as it was.

import { basename, dirname } from 'node:path';
import { RunsecretsError } from '../errors.js';
import { FsError } from '../safe-fs/fs-error.js';
import { openDir, type OpenedDir } from '../safe-fs/walk.js';
import { syncDir } from '../safe-fs/write.js';
import type { DirIdentity } from './dir-identity.js';
import { commit, discard, prepare, release, type FileTarget, type Prepared, type WriteOutcome } from './write-file.js';

/** A file to write: its absolute destination and its bytes. */
export interface FileToWrite {
  readonly destination: string;
  readonly content: Buffer;
}

/** What a write did: each file's outcome, in order, and the directories it created. */
export interface WriteResult {
  readonly outcomes: readonly WriteOutcome[];
  readonly made: readonly string[];
}

/**
 * Writes `files` all or nothing. A directory in `expected` must still be the one it was.
 * Throws a RunsecretsError naming the file and what failed; then nothing was renamed.
 */
export function writeAll(files: readonly FileToWrite[], target: FileTarget, expected: ReadonlyMap<string, DirIdentity> = new Map()): WriteResult {
  const made: string[] = [];
  const dirs = new Map<string, OpenedDir>();
  const prepared: Prepared[] = [];
  let committed = 0;
  let at = '';
  const dirOf = (file: FileToWrite): OpenedDir => dirs.get(dirname(file.destination)) as OpenedDir;
  try {
    for (const file of files) {
      at = file.destination;
      const dir = holdDir(dirs, dirname(file.destination), target, made, expected);
      prepared.push(dir.run((held) => prepare(held, basename(file.destination), file.content, target)));
    }
    for (const [i, file] of files.entries()) {
      at = file.destination;
      dirOf(file).run((held) => commit(held, basename(file.destination), prepared[i] as Prepared, target));
      committed = i + 1;
    }
    const changed = new Set(files.filter((_, i) => prepared[i]?.outcome === 'written').map((file) => dirname(file.destination)));
    for (const dir of changed) dirs.get(dir)?.run(syncDir);
    return { outcomes: prepared.map((p) => p.outcome), made };
  } catch (error) {
    throw failure(error, at, committed, files.length);
  } finally {
    for (const [i, p] of prepared.entries()) {
      const file = files[i] as FileToWrite;
      if (i < committed) release(p);
      else dirOf(file).run((held) => discard(held, p));
    }
    for (const dir of dirs.values()) dir.close();
  }
}

/** The held directory for `path`, opened (and created) on first use. */
function holdDir(dirs: Map<string, OpenedDir>, path: string, target: FileTarget, made: string[], expected: ReadonlyMap<string, DirIdentity>): OpenedDir {
  const known = dirs.get(path);
  if (known !== undefined) return known;
  const opened = openDir(path, { actor: target.actor, create: { uid: target.uid, gid: target.gid, made } });
  dirs.set(path, opened);
  const identity = expected.get(path);
  if (identity !== undefined && (opened.dir.stats.dev !== identity.dev || opened.dir.stats.ino !== identity.ino)) {
    throw new RunsecretsError('TEMPLATE_WRITE', `cannot write rendered files into ${path}: it is no longer the directory written at start (replaced, moved, or a symlink on the way); restore it or restart the container`);
  }
  return opened;
}

function failure(error: unknown, destination: string, committed: number, total: number): unknown {
  if (!(error instanceof RunsecretsError)) return error;
  const state = committed === 0 ? 'no rendered file was changed' : `${committed} of ${total} rendered files were already replaced`;
  const message = error instanceof FsError ? `cannot write rendered file ${destination}: ${error.describe(destination)}` : error.message;
  return new RunsecretsError('TEMPLATE_WRITE', `${message}; ${state}`, 1, error);
}

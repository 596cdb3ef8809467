// The directories rendered files go into, each opened once and reached through
// /proc/self/fd/N: the kernel resolves that path to the very directory opened, so
// replacing a directory on the way with a symlink afterwards cannot send a write of
// root's elsewhere. That matters in watch mode, where a supervisor that stays root
// re-renders while the app, as its own user, runs and may own those directories.
// A directory can also be held to the one written at start (`expected`): one that was
// swapped before it was opened is refused by name rather than written into.

import { existsSync, statSync } from 'node:fs';
import { constants, open, type FileHandle } from 'node:fs/promises';
import { describeOsError, RunsecretsError } from '../errors.js';

/** What a directory is, whatever path reaches it. */
export interface DirIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** An open directory: `at` reaches it for every file operation; close() when done. */
export interface PinnedDir {
  readonly at: string;
  /** fsyncs the directory, so that renames into it survive a crash; a filesystem that cannot is not an error. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The identity of each directory, as its path resolves now. */
export function identifyDirs(dirs: Iterable<string>): Map<string, DirIdentity> {
  const identities = new Map<string, DirIdentity>();
  for (const dir of dirs) {
    try {
      const { dev, ino } = statSync(dir);
      identities.set(dir, { dev, ino });
    } catch {
      // Not there (yet): nothing to hold it to.
    }
  }
  return identities;
}

/** Opens `dir`; when `expected` is given, it must still be that directory. */
export async function pinDir(dir: string, expected: DirIdentity | undefined): Promise<PinnedDir> {
  let handle: FileHandle;
  try {
    handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (error) {
    throw new RunsecretsError('TEMPLATE_WRITE', `cannot write rendered files into ${dir}: open failed: ${describeOsError(error)}`, 1, error);
  }
  try {
    const stats = await handle.stat();
    if (expected !== undefined && (stats.dev !== expected.dev || stats.ino !== expected.ino)) {
      throw new RunsecretsError(
        'TEMPLATE_WRITE',
        `cannot write rendered files into ${dir}: it is no longer the directory written at start (replaced, moved, or a symlink on the way); restore it or restart the container`,
      );
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    at: PROC_FD ? `/proc/self/fd/${handle.fd}` : dir,
    sync: () => handle.sync().catch(() => undefined),
    close: () => handle.close(),
  };
}

// Without /proc (not in a container or on Linux as usual) the directory's path is used.
const PROC_FD = existsSync('/proc/self/fd');

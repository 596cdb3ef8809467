// Creates the missing parent dirs of a destination: 0700, owned by the target user,
// so that the app can reach its rendered files and nobody else can.

import { constants, mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeOsError, RunsecretsError } from '../errors.js';

/** Creates `dir` and its missing ancestors, each 0700 and owned by uid:gid when given; returns those created. */
export async function makeDirs(dir: string, owner: { readonly uid?: number; readonly gid?: number }): Promise<string[]> {
  const missing: string[] = [];
  for (let path = dir; !(await isDirectory(path)); path = dirname(path)) {
    if (path === dirname(path)) break;
    missing.unshift(path);
  }
  for (const path of missing) {
    try {
      await mkdir(path, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw dirError(path, 'mkdir', error);
      continue; // made meanwhile by someone else: theirs, left as it is
    }
    await applyOwner(path, 0o700, owner);
  }
  return missing;
}

/**
 * Sets mode (exactly, whatever the umask) and, when given, the owner of a dir runsecrets
 * just made, through a descriptor opened without following a symlink: the parent may
 * belong to the app user, who could otherwise swap the new dir for a symlink to any
 * file between the mkdir and a chown by path, and have root hand that file over.
 */
export async function applyOwner(path: string, mode: number, owner: { readonly uid?: number; readonly gid?: number }): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    throw dirError(path, 'open', error);
  }
  try {
    const stats = await handle.stat();
    // Made by this process a moment ago, so owned by it (the euid). (Not "empty by its
    // link count": btrfs reports 1 link for every directory.)
    if (stats.uid !== process.geteuid?.()) {
      throw new RunsecretsError('TEMPLATE_WRITE', `cannot create directory ${path} for rendered files: it was replaced right after it was made; check who else writes to ${dirname(path)}`);
    }
    if (owner.uid !== undefined || owner.gid !== undefined) await handle.chown(owner.uid ?? -1, owner.gid ?? -1);
    await handle.chmod(mode);
  } catch (error) {
    throw error instanceof RunsecretsError ? error : dirError(path, 'chown/chmod', error);
  } finally {
    await handle.close();
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    if ((await stat(path)).isDirectory()) return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw dirError(path, 'stat', error);
  }
  throw new RunsecretsError('TEMPLATE_WRITE', `cannot create directory ${path} for rendered files: a file of that name exists; change the --template DEST`);
}

function dirError(path: string, operation: string, error: unknown): RunsecretsError {
  return new RunsecretsError('TEMPLATE_WRITE', `cannot create directory ${path} for rendered files: ${operation} failed: ${describeOsError(error)}`, 1, error);
}

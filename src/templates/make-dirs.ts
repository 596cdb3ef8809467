// Creates the missing parent dirs of a destination: 0700, owned by the target user,
// so that the app can reach its rendered files and nobody else can.

import { chmod, chown, mkdir, stat } from 'node:fs/promises';
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

/** Sets mode (exactly, whatever the umask) and, when given, the owner of a path runsecrets made. */
async function applyOwner(path: string, mode: number, owner: { readonly uid?: number; readonly gid?: number }): Promise<void> {
  try {
    if (owner.uid !== undefined || owner.gid !== undefined) await chown(path, owner.uid ?? -1, owner.gid ?? -1);
    await chmod(path, mode);
  } catch (error) {
    throw dirError(path, 'chown/chmod', error);
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

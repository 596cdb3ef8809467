// Applies credentials to this process in the canonical order: supplementary groups,
// gid, uid (as gosu's setup-user.go does). Children and an execve'd command inherit
// all three, so exec mode and the spawn fallback give the same `id` output.

import { RunsecretsError } from '../errors.js';
import { FsError } from '../safe-fs/fs-error.js';
import { readPath } from '../safe-fs/read.js';
import { whoElseCanChange } from '../safe-fs/root-only.js';
import { missingCapabilities } from './capabilities.js';
import type { Caller, Credentials } from './resolve-user.js';
import { parseGroup, parsePasswd, type GroupEntry, type PasswdEntry } from './user-db.js';

/** Larger user databases than this are not read (a regular /etc/passwd is a few KiB). */
const USER_DB_LIMIT = 16 * 1024 * 1024;

/**
 * Reads /etc/passwd and /etc/group; a missing file counts as empty, as in gosu. As root,
 * a file someone else could change is refused: it decides which uid root switches to.
 */
export function loadUserDb(root = '/etc'): { passwd: PasswdEntry[]; group: GroupEntry[] } {
  const read = (name: string): string => {
    const path = `${root}/${name}`;
    try {
      if (process.geteuid?.() === 0) refuseShared(path);
      return readPath(path, undefined, USER_DB_LIMIT).toString('utf8');
    } catch (error) {
      if (error instanceof FsError && error.osCode === 'ENOENT') return '';
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      if (error instanceof RunsecretsError && !(error instanceof FsError)) throw error;
      throw new RunsecretsError('USER_DB', `cannot read ${path} to resolve --user (RUNSECRETS_USER): ${error instanceof FsError ? error.describe(path) : 'failed'}`, 1, error);
    }
  };
  return { passwd: parsePasswd(read('passwd')), group: parseGroup(read('group')) };
}

function refuseShared(path: string): void {
  const other = whoElseCanChange(path);
  if (other === undefined) return;
  throw new RunsecretsError('USER_DB', `${path} decides which uid root switches to, but someone besides root can change it (${other}); make it root's alone (chown root:root, chmod go-w)`);
}

/**
 * Only root can switch. For anyone else a spec that is already the caller's uid and
 * gid is a no-op; any other is an error.
 */
export function checkCanSwitch(spec: string, credentials: Credentials, caller: Caller): void {
  if (caller.uid === 0) return checkCapabilities(spec, credentials);
  if (credentials.uid === caller.uid && credentials.gid === caller.gid) return;
  throw new RunsecretsError(
    'NOT_ROOT',
    `--user ${spec} (RUNSECRETS_USER) asks for ${credentials.uid}:${credentials.gid}, but runsecrets runs as ${caller.uid}:${caller.gid}; it must start as root to switch users (drop USER from the image, or drop --user)`,
  );
}

/** Root in a container started with --cap-drop: fail before anything is written, not at the switch. */
function checkCapabilities(spec: string, credentials: Credentials): void {
  const wanted = credentials.uid === 0 ? (['SETGID'] as const) : (['SETUID', 'SETGID'] as const);
  const missing = missingCapabilities(wanted);
  if (missing.length === 0) return;
  throw new RunsecretsError(
    'NO_CAPABILITY',
    `--user ${spec} (RUNSECRETS_USER): runsecrets runs as root without ${missing.join(' and ')}, so it cannot switch to ${credentials.uid}:${credentials.gid}; give the container ${missing.map((cap) => `--cap-add ${cap.slice(4)}`).join(' ')}, or start it as that user (USER in the image) without --user`,
  );
}

/** Switches this process to `credentials`. Call only after checkCanSwitch passed. */
export function switchUser(credentials: Credentials): void {
  if (process.getuid?.() !== 0) return;
  const step = (what: string, apply: () => void): void => {
    try {
      apply();
    } catch (error) {
      throw new RunsecretsError('SWITCH', `${what} failed: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 1, error);
    }
  };
  step(`setgroups(${credentials.groups.join(',')})`, () => process.setgroups?.([...credentials.groups]));
  step(`setgid(${credentials.gid})`, () => process.setgid?.(credentials.gid));
  step(`setuid(${credentials.uid})`, () => process.setuid?.(credentials.uid));
}

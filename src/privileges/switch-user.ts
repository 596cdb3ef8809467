// Applies credentials to this process in the canonical order: supplementary groups,
// gid, uid (as gosu's setup-user.go does). Children and an execve'd command inherit
// all three, so exec mode and the spawn fallback give the same `id` output.

import { readFileSync } from 'node:fs';
import { RunsecretsError } from '../errors.js';
import type { Caller, Credentials } from './resolve-user.js';
import { parseGroup, parsePasswd, type GroupEntry, type PasswdEntry } from './user-db.js';

/** Reads /etc/passwd and /etc/group; a missing file counts as empty, as in gosu. */
export function loadUserDb(root = '/etc'): { passwd: PasswdEntry[]; group: GroupEntry[] } {
  const read = (name: string): string => {
    try {
      return readFileSync(`${root}/${name}`, 'utf8');
    } catch {
      return '';
    }
  };
  return { passwd: parsePasswd(read('passwd')), group: parseGroup(read('group')) };
}

/**
 * Only root can switch. For anyone else a spec that is already the caller's uid and
 * gid is a no-op; any other is an error.
 */
export function checkCanSwitch(spec: string, credentials: Credentials, caller: Caller): void {
  if (caller.uid === 0 || (credentials.uid === caller.uid && credentials.gid === caller.gid)) return;
  throw new RunsecretsError(
    'NOT_ROOT',
    `--user ${spec} (RUNSECRETS_USER) asks for ${credentials.uid}:${credentials.gid}, but runsecrets runs as ${caller.uid}:${caller.gid}; it must start as root to switch users (drop USER from the image, or drop --user)`,
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

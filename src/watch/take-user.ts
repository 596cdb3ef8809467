// Who the supervisor runs as, and so how it starts each child (SPEC §5, §6). Either it
// drops to the target user, and the child simply inherits uid, gid and groups; or it
// must stay root to keep reading the secrets or writing the templates, says why, and
// starts each child through the launcher, which switches exactly as exec mode does.

import type { Logger } from '../log.js';
import type { Credentials } from '../privileges/resolve-user.js';
import { describeCredentials } from '../privileges/resolve-user.js';
import { switchUser } from '../privileges/switch-user.js';
import { accessExecutable, modeBitsExecutable, type CanExecute } from '../process/resolve-command.js';
import { spawnAs, spawnInheriting, type SpawnChild } from '../process/spawn-child.js';
import { decidePrivilege, type PrivilegeNeeds } from './least-privilege.js';

/** How children start, and how to check the command for the user who will run it. */
export interface ChildStart {
  readonly spawn: SpawnChild;
  readonly canExecute: CanExecute;
  /** Whether this process dropped to the target user. */
  readonly dropped: boolean;
}

/** Applies the least-privilege decision to this process. */
export function takeUser(credentials: Credentials | undefined, needs: PrivilegeNeeds, relaunch: () => readonly string[], log: Logger): ChildStart {
  const inheriting = { spawn: spawnInheriting, canExecute: accessExecutable };
  // Not root: --user, if given, is already who we are (checked while preparing).
  if (credentials === undefined || process.getuid?.() !== 0) return { ...inheriting, dropped: false };
  const decision = decidePrivilege(credentials, needs);
  if (decision.drop) {
    switchUser(credentials);
    log.debug(`supervisor runs as ${describeCredentials(credentials)}, the command's user: it can read every watched path and write every template`);
    return { ...inheriting, dropped: true };
  }
  log.info(`supervisor stays root: ${decision.reason}; the command still runs as ${describeCredentials(credentials)}`);
  const spawn = spawnAs(credentials, relaunch(), (message) => log.warn(message));
  return { spawn, canExecute: modeBitsExecutable(credentials.uid, [credentials.gid, ...credentials.groups]), dropped: false };
}

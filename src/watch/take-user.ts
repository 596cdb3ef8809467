// Who the supervisor runs as, and so how it starts each child (SPEC §5, §6). Either it
// drops to the target user, and the child simply inherits uid, gid and groups; or it
// must stay root to keep reading the secrets or writing the templates, says why, and
// starts each child through the launcher, which switches exactly as exec mode does.

import { RunsecretsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Credentials } from '../privileges/resolve-user.js';
import { describeCredentials } from '../privileges/resolve-user.js';
import { switchUser } from '../privileges/switch-user.js';
import { accessExecutable, modeBitsExecutable, type CanExecute } from '../process/resolve-command.js';
import type { Relaunch } from '../process/launcher-argument.js';
import { spawnAs, spawnInheriting, type SpawnChild } from '../process/spawn-child.js';
import { whoElseCanChange } from '../safe-fs/root-only.js';
import { decidePrivilege, type PrivilegeNeeds } from './least-privilege.js';

/** How children start, and how to check the command for the user who will run it. */
export interface ChildStart {
  readonly spawn: SpawnChild;
  readonly canExecute: CanExecute;
  /** Whether this process dropped to the target user. */
  readonly dropped: boolean;
}

/** Applies the least-privilege decision to this process. */
export function takeUser(credentials: Credentials | undefined, needs: PrivilegeNeeds, relaunch: () => Relaunch, log: Logger): ChildStart {
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
  const launcher = relaunch();
  refuseForeignCode(launcher, decision.reason);
  const spawn = spawnAs(credentials, launcher.argv, (message) => log.warn(message));
  return { spawn, canExecute: modeBitsExecutable(credentials.uid, [credentials.gid, ...credentials.groups]), dropped: false };
}

/**
 * A root supervisor runs its launcher's code as root at every restart: if someone besides
 * root can change that code (`npx runsecrets`, `COPY --chown=app`), the app's edit would
 * run as root at the next rotation. Refused before the first child starts.
 */
function refuseForeignCode(launcher: Relaunch, why: string): void {
  for (const { path, tree } of launcher.code) {
    const other = whoElseCanChange(path, { tree });
    if (other === undefined) continue;
    throw new RunsecretsError(
      'LAUNCHER_CODE',
      `the supervisor must stay root (${why}) and starts each app through runsecrets' own code, but someone besides root can change it: ${other}; install runsecrets root-owned (COPY without --chown, npm install as root), or let the supervisor drop to the user`,
    );
  }
}

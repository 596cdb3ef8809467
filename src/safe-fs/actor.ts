// Who a file operation runs as. A root runsecrets acts as root only on what root alone
// controls; on a path the target user can change it acts with that user's identity,
// switched around the operation (supplementary groups, egid, euid), so that the kernel
// checks every lookup and open as it will for the app (SECURITY.md). The real and saved
// uid stay 0, which is what lets the switch back succeed.

import { RunsecretsError } from '../errors.js';

/** The POSIX id calls, which Node.js types as optional (Windows has none; runsecrets is for Linux). */
const ids = process as NodeJS.Process & Required<Pick<NodeJS.Process, 'geteuid' | 'getegid' | 'getgroups' | 'seteuid' | 'setegid' | 'setgroups'>>;

/** The identity of the command's user: what a root runsecrets acts as on paths that user can change. */
export interface Actor {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups, as the command will have them. */
  readonly groups: readonly number[];
}

/** The actor for a run: the target user when root will switch to someone else; undefined when there is no one to act as. */
export function actorFor(target: Actor | undefined, callerUid: number): Actor | undefined {
  if (target === undefined || callerUid !== 0 || target.uid === 0) return undefined;
  return { uid: target.uid, gid: target.gid, groups: [...target.groups] };
}

/**
 * Runs `step` (synchronous: nothing else may run meanwhile) with the effective ids of
 * `actor`, then switches back. Without an actor, or when this process is not root (it is
 * already someone, or is acting as the actor), `step` runs as this process is.
 */
export function actAs<T>(actor: Actor | undefined, step: () => T): T {
  if (actor === undefined || ids.geteuid() !== 0) return step();
  const saved = { gid: ids.getegid(), groups: ids.getgroups() };
  try {
    ids.setgroups([...actor.groups]);
    ids.setegid(actor.gid);
    ids.seteuid(actor.uid);
  } catch (error) {
    restore(saved);
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new RunsecretsError('ACT_AS', `cannot act as uid ${actor.uid} (gid ${actor.gid}) to reach a path that user can change: ${code}; runsecrets needs CAP_SETUID and CAP_SETGID`, 1, error);
  }
  try {
    return step();
  } finally {
    restore(saved);
  }
}

/** Back to root. A failure here is not survivable: runsecrets must not go on with the wrong identity. */
function restore(saved: { readonly gid: number; readonly groups: readonly number[] }): void {
  ids.seteuid(0);
  ids.setegid(saved.gid);
  ids.setgroups([...saved.groups]);
}

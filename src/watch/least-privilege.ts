// SPEC §6: the supervisor keeps no more privilege than it needs. It can drop to the
// target user when that user can read every watched path and write every template
// destination; otherwise it stays root and says why. Judged from permission bits (the
// supervisor is still root, so access(2) would say yes to everything), as the kernel
// checks them (privileges/permission-bits.ts).

import { realpathSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { allows, R, unsearchable, W, X } from '../privileges/permission-bits.js';
import type { Credentials } from '../privileges/resolve-user.js';

/** What the supervisor will need to do after a drop. */
export interface PrivilegeNeeds {
  /** Files and dirs it re-reads on every rotation. */
  readonly read: readonly string[];
  /** Template destinations it rewrites. */
  readonly write: readonly string[];
}

/** Drop, or stay root and why (a sentence naming the path). */
export type PrivilegeDecision = { readonly drop: true } | { readonly drop: false; readonly reason: string };

/** The file system calls the decision makes; tests pass fakes. */
export interface FsView {
  stat(path: string): Stats;
  realpath(path: string): string;
}

const REAL_FS: FsView = { stat: (path) => statSync(path), realpath: (path) => realpathSync(path) };

/** Decides whether a root supervisor can become `user` and still do its work. */
export function decidePrivilege(user: Credentials, needs: PrivilegeNeeds, fs: FsView = REAL_FS): PrivilegeDecision {
  if (user.uid === 0) return { drop: true };
  const who = `${user.name ?? 'uid'} (${user.uid})`;
  for (const path of needs.read) {
    const denied = deniedOn(path, 'read', user, fs);
    if (denied !== undefined) return { drop: false, reason: `user ${who} cannot ${denied}` };
  }
  for (const path of needs.write) {
    // An atomic write renames a temp file in the destination's directory over it.
    const denied = deniedOn(dirname(path), 'write', user, fs);
    if (denied !== undefined) return { drop: false, reason: `user ${who} cannot ${denied}, where template ${path} is written` };
  }
  return { drop: true };
}

/** undefined if `user` may read (or write into) `path`; else what it cannot do, e.g. `read /x (owner 0:0, mode 0400)`. */
function deniedOn(path: string, want: 'read' | 'write', user: Credentials, fs: FsView): string | undefined {
  let real: string;
  let stats: Stats;
  try {
    real = fs.realpath(path);
    stats = fs.stat(real);
  } catch {
    // Gone or unreadable even for root: nothing to judge; a rotation will report it.
    return undefined;
  }
  const gids = [user.gid, ...user.groups];
  const blocked = unsearchable(dirname(real), user.uid, gids, (dir) => fs.stat(dir));
  if (blocked !== undefined) return `search ${describe(blocked.dir, blocked.stats)} on the way to ${path}`;
  const bits = want === 'write' ? W | X : stats.isDirectory() ? R | X : R;
  return allows(stats, bits, user.uid, gids) ? undefined : `${want === 'write' ? 'write into' : 'read'} ${describe(path, stats)}`;
}

function describe(path: string, stats: Stats | undefined): string {
  return stats === undefined ? path : `${path} (owner ${stats.uid}:${stats.gid}, mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')})`;
}

// Whether a user could do something to a file, judged from permission bits by someone
// who has not switched to that user (a root process checking for the app user), the way
// the kernel checks: the owner class if the uid matches, else the group class if one
// of the user's groups matches, else other; and every directory on the way needs search.

import { dirname } from 'node:path';

/** The part of a stat result the check reads. */
export interface Bits {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/** Read, write and execute (search, for a directory) in any class. */
export const [R, W, X] = [4, 2, 1];

/** Whether `uid` with groups `gids` has every bit of `bits` (R|W|X) on a file with `stats`. */
export function allows(stats: Bits, bits: number, uid: number, gids: readonly number[]): boolean {
  const shift = stats.uid === uid ? 6 : gids.includes(stats.gid) ? 3 : 0;
  return ((stats.mode >> shift) & bits) === bits;
}

/**
 * The first directory from `dir` up to / that the user may not search, with its stats
 * (undefined when `stat` finds nothing there); undefined when every one is searchable.
 */
export function unsearchable<S extends Bits>(dir: string, uid: number, gids: readonly number[], stat: (path: string) => S | undefined): { dir: string; stats: S | undefined } | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const stats = stat(at);
    if (stats === undefined || !allows(stats, X, uid, gids)) return { dir: at, stats };
    if (at === dirname(at)) return undefined;
  }
}

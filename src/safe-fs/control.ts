// Who can change the entries of a directory: what decides whether root may act on a
// path itself, or must act as the target user. Pure: a stat result in, a verdict out.

/** The part of a directory's stat result that decides who controls its entries. */
export interface DirBits {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/**
 * Who can add, rename or remove entries of a directory:
 * - `root`: root alone (owned by root, not writable by a group other than root's or by all);
 * - `sticky`: anyone may add entries, but only an entry's owner may rename or remove it
 *   (world-writable with the sticky bit, like /tmp): an existing entry of root's is root's;
 * - `others`: someone besides root (its owner, a group, everyone).
 * Group 0 counts as root's unless the actor is in it (an image may give the app gid 0).
 */
export function entriesControl(dir: DirBits, actorGroups: readonly number[] = []): 'root' | 'sticky' | 'others' {
  if (dir.uid !== 0) return 'others';
  if ((dir.mode & 0o020) !== 0 && (dir.gid !== 0 || actorGroups.includes(0))) return 'others';
  if ((dir.mode & 0o002) !== 0) return (dir.mode & 0o1000) !== 0 ? 'sticky' : 'others';
  return 'root';
}


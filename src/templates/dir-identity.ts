// Which directory a path leads to, by device and inode: watch mode writes a rotation's
// files only into the directories of the start (write-rendered.ts checks the identity).

import { statSync } from 'node:fs';

/** What a directory is, whatever path reaches it. */
export interface DirIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** The identity of each directory as its path resolves now (missing ones are left out). */
export function identifyDirs(dirs: Iterable<string>): Map<string, DirIdentity> {
  const identities = new Map<string, DirIdentity>();
  for (const dir of dirs) {
    try {
      const { dev, ino } = statSync(dir);
      identities.set(dir, { dev, ino });
    } catch {
      // Not there (yet): nothing to hold it to.
    }
  }
  return identities;
}

// Whether root alone can change a path: every directory on the way (symlinks followed
// as the kernel would) and the file itself. For what root runs or trusts without reading
// it as anyone else: /etc/passwd and /etc/group, and the code a root supervisor starts
// its launcher from. An inspection only: a path that is root's alone stays so, since
// nobody else can change it; one that is not is refused, not used.

import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { entriesControl } from './control.js';
import { describeBits } from './fs-error.js';
import { join, parts } from './walk.js';

const MAX_LINKS = 40;

/**
 * Undefined when root alone can change `path`; else which directory or file someone
 * else can change (`/app/lib is owner 1000:1000, mode 0755`). With `tree`, a directory's
 * whole content counts too.
 */
export function whoElseCanChange(path: string, options: { readonly tree?: boolean } = {}): string | undefined {
  let dir = '/';
  let dirStats = lstatSync('/');
  const rest = parts(path);
  let links = 0;
  while (rest.length > 0) {
    const name = rest.shift() as string;
    if (name === '..') {
      dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
      dirStats = lstatSync(dir);
      continue;
    }
    const control = entriesControl(dirStats);
    const at = join(dir, name);
    const stats = lstatSync(at);
    if (control === 'others' || (control === 'sticky' && stats.uid !== 0)) return `${control === 'others' ? dir : at} is ${describeBits(control === 'others' ? dirStats : stats)}`;
    if (stats.isSymbolicLink()) {
      if ((links += 1) > MAX_LINKS) return `${at} has too many levels of symbolic links`;
      const target = readlinkSync(at);
      if (target.startsWith('/')) [dir, dirStats] = ['/', lstatSync('/')];
      rest.unshift(...parts(target));
      continue;
    }
    [dir, dirStats] = [at, stats];
  }
  return fileVerdict(dir, dirStats, options.tree === true);
}

/** The file or directory itself (and, for a tree, everything below it). */
function fileVerdict(path: string, stats: Stats, tree: boolean): string | undefined {
  const writable = stats.uid !== 0 || ((stats.mode & 0o020) !== 0 && stats.gid !== 0) || (stats.mode & 0o002) !== 0;
  if (writable) return `${path} is ${describeBits(stats)}`;
  if (!tree || !stats.isDirectory()) return undefined;
  for (const name of readdirSync(path)) {
    const child = join(path, name);
    const childStats = lstatSync(child);
    // A link is judged by where it leads (as a file: no loop through a link to a parent).
    const found = childStats.isSymbolicLink() ? whoElseCanChange(child) : fileVerdict(child, childStats, true);
    if (found !== undefined) return found;
  }
  return undefined;
}

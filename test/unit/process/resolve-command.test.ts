// modeBitsExecutable judges, as root, whether another user could run a file: the file's
// execute bit for the user's class, and search on every directory on the way to it.

import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modeBitsExecutable, resolveCommand } from '../../../src/process/resolve-command.js';
import { tempDir } from '../../helpers/fixtures.js';

// Someone who owns none of the files below and is in none of their groups.
const STRANGER = 54321;
const own = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

/** `dir/name`, an executable script, with `dir` created with `mode`. */
function program(parent: string, dir: string, mode: number, name = 'app'): string {
  const at = join(parent, dir);
  mkdirSync(at);
  const path = join(at, name);
  writeFileSync(path, '#!/bin/sh\necho hi\n');
  chmodSync(path, 0o755);
  chmodSync(at, mode);
  return path;
}

const judge = (uid: number, gids: readonly number[], path: string): boolean => modeBitsExecutable(uid, gids)(path, statSync(path));

describe('modeBitsExecutable', () => {
  it('lets a stranger run a 0755 file in 0755 dirs, not one in a 0700 dir (negative control)', () => {
    const root = tempDir();
    expect(judge(STRANGER, [STRANGER], program(root, 'open', 0o755))).toBe(true);
    expect(judge(STRANGER, [STRANGER], program(root, 'closed', 0o700))).toBe(false);
  });

  it('checks every directory up to /, not just the parent', () => {
    const root = tempDir();
    const path = program(root, 'open', 0o755);
    chmodSync(root, 0o700);
    expect(judge(STRANGER, [STRANGER], path)).toBe(false);
    chmodSync(root, 0o755);
    expect(judge(STRANGER, [STRANGER], path)).toBe(true);
  });

  it('uses the group class for a member of the directory group, and the owner class for its owner', () => {
    const root = tempDir();
    const path = program(root, 'group-only', 0o710);
    expect(judge(STRANGER, [STRANGER, own.gid], path)).toBe(true);
    expect(judge(STRANGER, [STRANGER], path)).toBe(false);
    const owners = program(root, 'owner-only', 0o700);
    if (own.uid !== 0) expect(judge(own.uid, [], owners)).toBe(true);
  });

  it('follows a symlink: a link in an open dir to a file in a closed one cannot be run', () => {
    const root = tempDir();
    const target = program(root, 'closed', 0o700);
    mkdirSync(join(root, 'open'));
    symlinkSync(target, join(root, 'open', 'app'));
    expect(judge(STRANGER, [STRANGER], join(root, 'open', 'app'))).toBe(false);
  });

  it('root may enter any directory but needs some execute bit on the file', () => {
    const root = tempDir();
    const path = program(root, 'closed', 0o700);
    expect(judge(0, [0], path)).toBe(true);
    chmodSync(path, 0o644);
    expect(judge(0, [0], path)).toBe(false);
  });

  it('makes the PATH lookup pass over an entry the user cannot reach, as access(2) would after the switch', () => {
    const root = tempDir();
    const hidden = program(root, 'hidden', 0o700);
    const reachable = program(root, 'reachable', 0o755);
    const path = [join(root, 'hidden'), join(root, 'reachable')].join(':');
    expect(resolveCommand('app', path, '/', modeBitsExecutable(STRANGER, [STRANGER]))).toBe(reachable);
    expect(resolveCommand('app', path, '/', modeBitsExecutable(0, [0]))).toBe(hidden);
  });
});

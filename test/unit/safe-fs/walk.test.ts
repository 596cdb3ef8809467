// The walk on real directories as root with a real other user (nobody) as the actor: root
// walks what root alone controls, and acts as the user from the first directory that user
// can change; the directories it creates belong to the user.

import { chmodSync, chownSync, mkdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEntry } from '../../../src/safe-fs/read.js';
import { entry, inDir, itself, openDir, within } from '../../../src/safe-fs/walk.js';
import { tempDir } from '../../helpers/fixtures.js';
import { AS_ROOT, requires } from '../../helpers/requirements.js';

const NOBODY = { uid: 65534, gid: 65534, groups: [] };

describe('openDir as root for an actor (needs root: chowns to nobody and acts as nobody)', requires(AS_ROOT), () => {
  it('stays root through dirs of root\'s, /tmp\'s sticky bit included, and follows their symlinks', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    symlinkSync('real', join(dir, 'link'));
    const opened = openDir(join(dir, 'link'), { actor: NOBODY });
    expect([opened.dir.path, opened.actor]).toEqual([join(dir, 'real'), undefined]);
    opened.close();
  });

  it('acts as the user from the first dir that user owns: a root-only file below is refused to it', () => {
    const app = join(tempDir(), 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'root-only'), 'secret', { mode: 0o400 });
    chownSync(app, NOBODY.uid, NOBODY.gid);
    expect(() => inDir(app, { actor: NOBODY }, (dir, actor) => {
      expect(actor).toEqual(NOBODY);
      return readEntry(dir, 'root-only', 100);
    })).toThrow(/permission denied \(EACCES\) for uid 65534/);
    // Negative control: without an actor, root reads it.
    expect(inDir(app, {}, (dir) => readEntry(dir, 'root-only', 100)).toString()).toBe('secret');
  });

  it('follows a symlink the user planted only as the user: into a root-only dir it reaches nothing', () => {
    const root = tempDir();
    const hidden = join(root, 'hidden');
    mkdirSync(hidden, { mode: 0o700 });
    chmodSync(hidden, 0o700);
    writeFileSync(join(hidden, 'file'), 'secret');
    const app = join(root, 'app');
    mkdirSync(app);
    symlinkSync(hidden, join(app, 'conf'));
    chownSync(app, NOBODY.uid, NOBODY.gid);
    const asUser = openDir(join(app, 'conf'), { actor: NOBODY });
    expect([asUser.dir.path, asUser.actor]).toEqual([hidden, NOBODY]);
    expect(() => asUser.run((dir) => readEntry(dir, 'file', 100))).toThrow(/permission denied \(EACCES\) for uid 65534/);
    asUser.close();
    // Negative control: walked as root alone, the same link leads root into the file.
    const asRoot = openDir(join(app, 'conf'));
    expect(asRoot.run((dir) => readEntry(dir, 'file', 100)).toString()).toBe('secret');
    asRoot.close();
  });

  it('creates missing dirs 0700: root hands the first to the user, the user makes the rest', () => {
    const root = tempDir();
    const made: string[] = [];
    const opened = openDir(join(root, 'a', 'b'), { actor: NOBODY, create: { uid: NOBODY.uid, gid: NOBODY.gid, made } });
    opened.close();
    expect(made).toEqual([join(root, 'a'), join(root, 'a', 'b')]);
    for (const dir of made) expect(statSync(dir)).toMatchObject({ uid: NOBODY.uid, gid: NOBODY.gid, mode: 0o40700 });
    expect(opened.actor).toEqual(NOBODY);
  });
});

describe('within: the working directory in a held dir while its entries are read', () => {
  /** The inode of the working directory: what it is, not what its path names now. */
  const cwdInode = (): number => statSync('.').ino;

  it('reads the held dir itself after its path was renamed and replaced (negative control: by path, the replacement)', () => {
    const root = tempDir();
    const secrets = join(root, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'key'), 'held');
    const opened = openDir(secrets);
    try {
      renameSync(secrets, join(root, 'moved'));
      mkdirSync(secrets);
      writeFileSync(join(secrets, 'key'), 'swapped in');
      expect(within(opened.dir, () => [entry(opened.dir, 'key'), readEntry(opened.dir, 'key', 100).toString()])).toEqual(['key', 'held']);
      expect(inDir(secrets, {}, (dir) => readEntry(dir, 'key', 100).toString())).toBe('swapped in');
    } finally {
      opened.close();
    }
  });

  it('comes back to the previous working directory by its descriptor, even if its path now names another dir, and after a throw', () => {
    const root = tempDir();
    const work = join(root, 'work');
    mkdirSync(work);
    const held = openDir(tempDir());
    const before = process.cwd();
    try {
      process.chdir(work);
      const original = cwdInode();
      within(held.dir, () => {
        expect(cwdInode()).toBe(held.dir.stats.ino);
        expect(itself(held.dir)).toBe('.');
        renameSync(work, join(root, 'old-work'));
        mkdirSync(work);
      });
      expect(cwdInode()).toBe(original);
      // Negative control: going back by the path would have landed in the replacement.
      expect(statSync(work).ino).not.toBe(original);
      expect(() => within(held.dir, () => {
        throw new Error('op failed');
      })).toThrow('op failed');
      expect(cwdInode()).toBe(original);
      // Outside within(), entries are reached through /proc/self/fd again.
      expect(entry(held.dir, 'key')).toBe(`/proc/self/fd/${held.dir.fd}/key`);
      // …and the dir itself through its descriptor, not `/proc/self/fd/N/.`, which would need search permission on it.
      expect(itself(held.dir)).toBe(`/proc/self/fd/${held.dir.fd}`);
    } finally {
      process.chdir(before);
      held.close();
    }
  });
});

describe('within as root for an actor (needs root: acts as nobody)', requires(AS_ROOT), () => {
  it('still looks entries up as the actor, and restores a working directory only root can enter', () => {
    const app = join(tempDir(), 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'root-only'), 'secret', { mode: 0o400 });
    writeFileSync(join(app, 'shared'), 'value', { mode: 0o444 });
    chownSync(app, NOBODY.uid, NOBODY.gid);
    const rootOnly = tempDir();
    chmodSync(rootOnly, 0o700);
    const before = process.cwd();
    const opened = openDir(app, { actor: NOBODY });
    try {
      process.chdir(rootOnly);
      const original = statSync('.').ino;
      expect(opened.actor).toEqual(NOBODY);
      expect(within(opened.dir, () => opened.run((dir) => readEntry(dir, 'shared', 100).toString()))).toBe('value');
      expect(() => within(opened.dir, () => opened.run((dir) => readEntry(dir, 'root-only', 100)))).toThrow(/permission denied \(EACCES\) for uid 65534/);
      expect(statSync('.').ino).toBe(original);
    } finally {
      process.chdir(before);
      opened.close();
    }
  });
});

// Writing rendered files on real files: exact mode whatever the umask, unchanged bytes
// left alone, mode fixed in place, symlinks, FIFOs and hard links at DEST replaced rather
// than followed, the set written all or nothing, and a directory held to the one of the
// start. (The attacks by a real other user are in test/integration/security-*.test.ts.)

import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identifyDirs } from '../../../src/templates/dir-identity.js';
import { writeAll } from '../../../src/templates/write-rendered.js';
import { tempDir } from '../../helpers/fixtures.js';

const CONTENT = Buffer.from('password=s3cr3t\n');
const one = (destination: string, content: Buffer = CONTENT) => [{ destination, content }];

describe('one file', () => {
  it('writes a new file with exactly the mode asked for, whatever the umask', () => {
    const file = join(tempDir(), 'app.conf');
    const old = process.umask(0o077);
    try {
      expect(writeAll(one(file), { mode: 0o644 }).outcomes).toEqual(['written']);
    } finally {
      process.umask(old);
    }
    expect(statSync(file).mode & 0o7777).toBe(0o644);
    expect(readFileSync(file)).toEqual(CONTENT);
  });

  it('leaves the same bytes alone, and fixes only the mode in place when it differs', () => {
    const file = join(tempDir(), 'app.conf');
    writeAll(one(file), { mode: 0o600 });
    const before = statSync(file, { bigint: true });
    expect(writeAll(one(file), { mode: 0o600 }).outcomes).toEqual(['unchanged']);
    expect(writeAll(one(file), { mode: 0o640 }).outcomes).toEqual(['fixed']);
    const after = statSync(file, { bigint: true });
    expect([after.ino, after.mtimeNs, after.mode & 0o7777n]).toEqual([before.ino, before.mtimeNs, 0o640n]);
    expect(writeAll(one(file, Buffer.from('other')), { mode: 0o640 }).outcomes).toEqual(['written']);
    expect(statSync(file, { bigint: true }).ino).not.toBe(before.ino);
  });

  it('replaces a symlink at DEST instead of writing, comparing or chmodding through it', () => {
    const dir = tempDir();
    const victim = join(dir, 'victim');
    writeFileSync(victim, CONTENT, { mode: 0o644 });
    const file = join(dir, 'app.conf');
    symlinkSync(victim, file);
    expect(writeAll(one(file), { mode: 0o600 }).outcomes).toEqual(['written']);
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(statSync(victim).mode & 0o7777).toBe(0o644);
  });

  it('replaces a hard link at DEST with the same bytes instead of fixing the mode of the file it shares', () => {
    const dir = tempDir();
    const victim = join(dir, 'victim');
    writeFileSync(victim, CONTENT, { mode: 0o644 });
    const file = join(dir, 'app.conf');
    linkSync(victim, file);
    expect(writeAll(one(file), { mode: 0o600 }).outcomes).toEqual(['written']);
    expect(statSync(victim).mode & 0o7777).toBe(0o644);
    expect(statSync(file).ino).not.toBe(statSync(victim).ino);
  });

  it('replaces a FIFO at DEST without blocking on it', () => {
    const file = join(tempDir(), 'app.conf');
    execFileSync('mkfifo', [file]);
    expect(writeAll(one(file), { mode: 0o600 }).outcomes).toEqual(['written']);
    expect(readFileSync(file)).toEqual(CONTENT);
  });

  it('fails with one message naming the file and the OS error, leaving no temp file', () => {
    const dir = tempDir();
    const file = join(dir, 'app.conf');
    mkdirSync(file);
    writeFileSync(join(file, 'inside'), 'x');
    expect(() => writeAll(one(file), { mode: 0o600 })).toThrow(`cannot write rendered file ${file}: is a directory (EISDIR) renaming `);
    expect(readdirSync(dir)).toEqual(['app.conf']);
  });

  it('creates missing parent dirs 0700 through held descriptors, and says which', () => {
    const root = tempDir();
    const file = join(root, 'a', 'b', 'app.conf');
    expect(writeAll(one(file), { mode: 0o600 }).made).toEqual([join(root, 'a'), join(root, 'a', 'b')]);
    expect(statSync(join(root, 'a', 'b')).mode & 0o7777).toBe(0o700);
    expect(readFileSync(file)).toEqual(CONTENT);
  });
});

describe('a set of files: all or nothing', () => {
  it('changes no destination when a later one cannot be written, and leaves no temp file', () => {
    const dir = tempDir();
    const first = join(dir, 'first.conf');
    writeFileSync(first, 'old');
    const blocked = join(dir, 'not-a-dir');
    writeFileSync(blocked, 'x');
    const files = [{ destination: first, content: Buffer.from('new') }, { destination: join(blocked, 'second.conf'), content: Buffer.from('new') }];
    expect(() => writeAll(files, { mode: 0o600 })).toThrow(/cannot write rendered file .*second\.conf: not a directory \(ENOTDIR\) at .*not-a-dir; no rendered file was changed$/);
    expect(readFileSync(first, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['first.conf', 'not-a-dir']);
  });

  it('negative control: the same first file alone is written', () => {
    const first = join(tempDir(), 'first.conf');
    writeFileSync(first, 'old');
    writeAll(one(first, Buffer.from('new')), { mode: 0o600 });
    expect(readFileSync(first, 'utf8')).toBe('new');
  });
});

/** `root/conf` (the app's dir, holding app.conf) and `root/victim` (a dir of someone else's). */
function layout(): { conf: string; victim: string; dest: string } {
  const root = tempDir();
  const [conf, victim] = [join(root, 'conf'), join(root, 'victim')];
  mkdirSync(conf);
  mkdirSync(victim);
  return { conf, victim, dest: join(conf, 'app.conf') };
}

/** What the app user can do to a dir it owns the parent of: move it away, leave a symlink to `target`. */
function swapForSymlink(dir: string, target: string): string {
  renameSync(dir, `${dir}.moved`);
  symlinkSync(target, dir);
  return `${dir}.moved`;
}

describe('held to the directories of the start (watch mode)', () => {
  it('writes into a directory that is still the one of the start', () => {
    const { conf, dest } = layout();
    expect(writeAll(one(dest), { mode: 0o600 }, identifyDirs([conf])).outcomes).toEqual(['written']);
  });

  it('refuses one swapped for a symlink since, naming it, and writes nothing anywhere', () => {
    const { conf, victim, dest } = layout();
    const start = identifyDirs([conf]);
    const moved = swapForSymlink(conf, victim);
    expect(() => writeAll(one(dest), { mode: 0o600 }, start)).toThrow(
      `cannot write rendered files into ${conf}: it is no longer the directory written at start (replaced, moved, or a symlink on the way); restore it or restart the container; no rendered file was changed`,
    );
    expect(readdirSync(victim)).toEqual([]);
    expect(readdirSync(moved)).toEqual([]);
  });

  it('negative control: without the identities of the start the swapped directory is written into', () => {
    const { conf, victim, dest } = layout();
    swapForSymlink(conf, victim);
    writeAll(one(dest), { mode: 0o600 });
    expect(readdirSync(victim)).toEqual(['app.conf']);
  });
});

// One atomic write on real files: exact mode whatever the umask, unchanged bytes left
// alone, mode fixed in place, symlinks and FIFOs at DEST replaced rather than followed,
// and no temp file left behind on failure.

import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../../src/templates/write-file.js';
import { tempDir } from '../../helpers/fixtures.js';

const CONTENT = Buffer.from('password=s3cr3t\n');

describe('writeFileAtomically', () => {
  it('writes a new file with exactly the mode asked for, whatever the umask', async () => {
    const file = join(tempDir(), 'app.conf');
    const old = process.umask(0o077);
    try {
      expect(await writeFileAtomically(file, CONTENT, { mode: 0o644 })).toBe('written');
    } finally {
      process.umask(old);
    }
    expect(statSync(file).mode & 0o7777).toBe(0o644);
    expect(readFileSync(file)).toEqual(CONTENT);
  });

  it('leaves the same bytes alone, and fixes only the mode in place when it differs', async () => {
    const file = join(tempDir(), 'app.conf');
    await writeFileAtomically(file, CONTENT, { mode: 0o600 });
    const before = statSync(file, { bigint: true });
    expect(await writeFileAtomically(file, CONTENT, { mode: 0o600 })).toBe('unchanged');
    expect(await writeFileAtomically(file, CONTENT, { mode: 0o640 })).toBe('fixed');
    const after = statSync(file, { bigint: true });
    expect([after.ino, after.mtimeNs, after.mode & 0o7777n]).toEqual([before.ino, before.mtimeNs, 0o640n]);
    expect(await writeFileAtomically(file, Buffer.from('other'), { mode: 0o640 })).toBe('written');
    expect(statSync(file, { bigint: true }).ino).not.toBe(before.ino);
  });

  it('replaces a symlink at DEST instead of writing, comparing or chmodding through it', async () => {
    const dir = tempDir();
    const victim = join(dir, 'victim');
    writeFileSync(victim, CONTENT, { mode: 0o644 });
    const file = join(dir, 'app.conf');
    symlinkSync(victim, file);
    expect(await writeFileAtomically(file, CONTENT, { mode: 0o600 })).toBe('written');
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(statSync(victim).mode & 0o7777).toBe(0o644);
  });

  it('replaces a FIFO at DEST without blocking on it', async () => {
    const file = join(tempDir(), 'app.conf');
    execFileSync('mkfifo', [file]);
    expect(await writeFileAtomically(file, CONTENT, { mode: 0o600 })).toBe('written');
    expect(readFileSync(file)).toEqual(CONTENT);
  });

  it('fails with one message naming the file and the OS error, leaving no temp file', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.conf');
    mkdirSync(file);
    writeFileSync(join(file, 'inside'), 'x');
    await expect(writeFileAtomically(file, CONTENT, { mode: 0o600 })).rejects.toThrow(`cannot write rendered file ${file}: rename failed: is a directory (EISDIR)`);
    expect(readdirSync(dir)).toEqual(['app.conf']);
  });
});

// One file read as runsecrets reads every file: once, never through a symlink, never
// blocking, only a regular file, never more than the limit, counted while reading.

import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsError } from '../../../src/safe-fs/fs-error.js';
import { InsideReader, EscapeError } from '../../../src/safe-fs/inside.js';
import { NotRegularError, readPath, TooLargeError } from '../../../src/safe-fs/read.js';
import { openDir } from '../../../src/safe-fs/walk.js';
import { kubernetesDir, kubernetesUpdate, tempDir } from '../../helpers/fixtures.js';

describe('readPath', () => {
  it('reads a regular file whole, and refuses one over the limit with its size', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, 'x'.repeat(11));
    expect(readPath(file, undefined, 11).toString()).toBe('x'.repeat(11));
    const over = (() => { try { readPath(file, undefined, 10); } catch (error) { return error; } })();
    expect(over).toBeInstanceOf(TooLargeError);
    expect((over as TooLargeError).sizeText).toBe('11 bytes');
  });

  it('counts while reading a file whose size the kernel reports as 0, and stops at the limit', () => {
    expect(readPath('/proc/self/status', undefined, 1 << 20).toString()).toMatch(/^Name:/);
    expect(() => readPath('/proc/self/status', undefined, 16)).toThrow(TooLargeError);
  });

  it('refuses a FIFO at once, without waiting for a writer, and a device without reading it', () => {
    const fifo = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readPath(fifo, undefined, 100)).toThrow(/is a FIFO, not a regular file/);
    expect(() => readPath('/dev/zero', undefined, 100)).toThrow(NotRegularError);
    expect(() => readPath('/dev/zero', undefined, 100)).toThrow(/is a character device/);
  });

  it('follows symlinks in directories of root\'s (or of this user\'s, when not root) to the file', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'f'), 'value');
    symlinkSync('real', join(dir, 'dirlink'));
    symlinkSync(join(dir, 'dirlink', 'f'), join(dir, 'filelink'));
    expect(readPath(join(dir, 'filelink'), undefined, 100).toString()).toBe('value');
  });

  it('names where a path fails', () => {
    const dir = tempDir();
    const error = (() => { try { readPath(join(dir, 'missing', 'f'), undefined, 10); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(FsError);
    expect((error as FsError).describe(join(dir, 'missing', 'f'))).toBe(`no such file or directory (ENOENT) at ${join(dir, 'missing')}`);
  });
});

describe('InsideReader', () => {
  const read = (dir: string, name: string): string => {
    const opened = openDir(dir);
    const reader = new InsideReader(opened.dir);
    try {
      return reader.read(name, 1000).toString();
    } finally {
      reader.close();
      opened.close();
    }
  };

  it('follows the Kubernetes layout, key -> ..data/key -> ..<timestamp>/key, and sees a swap', () => {
    const dir = kubernetesDir({ db: 'one' });
    expect(read(dir, 'db')).toBe('one');
    kubernetesUpdate(dir, { db: 'two' });
    expect(read(dir, 'db')).toBe('two');
  });

  it('refuses links that leave the dir: absolute, relative with .., and through a dir link', () => {
    const root = tempDir();
    const dir = join(root, 'secrets');
    mkdirSync(dir);
    writeFileSync(join(root, 'outside'), 'no');
    symlinkSync(join(root, 'outside'), join(dir, 'abs'));
    symlinkSync('../outside', join(dir, 'rel'));
    symlinkSync('..', join(dir, 'up'));
    for (const name of ['abs', 'rel', 'up/outside']) expect(() => read(dir, name), name).toThrow(EscapeError);
    // Negative control: an absolute link back inside the dir is fine.
    writeFileSync(join(dir, 'plain'), 'yes');
    symlinkSync(join(dir, 'plain'), join(dir, 'back'));
    expect(read(dir, 'back')).toBe('yes');
  });
});

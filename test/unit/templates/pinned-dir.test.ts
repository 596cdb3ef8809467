// Writing through directories held open: a directory swapped for a symlink after it was
// opened does not redirect a write, one swapped before is refused when it is held to its
// identity at start, and a new directory is owned through a descriptor that does not
// follow a symlink.

import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { writeRendered } from '../../../src/templates/index.js';
import { applyOwner } from '../../../src/templates/make-dirs.js';
import { identifyDirs, pinDir } from '../../../src/templates/pinned-dir.js';
import { writeFileAtomically } from '../../../src/templates/write-file.js';
import { tempDir } from '../../helpers/fixtures.js';
import { AS_ROOT, requires } from '../../helpers/requirements.js';

const quiet = createLogger('silent', 'text', () => {});
const file = (destination: string, text: string) => ({ source: '/t/app.conf.tmpl', destination, content: Buffer.from(text) });

/** `root/conf` (the app's dir, holding app.conf) and `root/victim` (a dir of someone else's). */
function layout(): { conf: string; victim: string; dest: string } {
  const root = tempDir();
  const conf = join(root, 'conf');
  const victim = join(root, 'victim');
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

describe('pinDir', () => {
  it('keeps writing into the directory it opened after that path is swapped for a symlink', async () => {
    const { conf, victim, dest } = layout();
    const pinned = await pinDir(conf, undefined);
    try {
      const moved = swapForSymlink(conf, victim);
      expect(await writeFileAtomically(dest, Buffer.from('one'), { mode: 0o600 }, pinned.at)).toBe('written');
      expect(readdirSync(victim)).toEqual([]);
      expect(readFileSync(join(moved, 'app.conf'), 'utf8')).toBe('one');
    } finally {
      await pinned.close();
    }
  });

  it('negative control: the same write by path follows the symlink into the other directory', async () => {
    const { conf, victim, dest } = layout();
    swapForSymlink(conf, victim);
    await writeFileAtomically(dest, Buffer.from('one'), { mode: 0o600 });
    expect(readdirSync(victim)).toEqual(['app.conf']);
  });
});

describe('writeRendered held to the directories of the start', () => {
  it('writes into a directory that is still the one of the start', async () => {
    const { conf, dest } = layout();
    const start = identifyDirs([conf]);
    expect(await writeRendered([file(dest, 'two')], { mode: 0o600 }, quiet, start)).toEqual([dest]);
    expect(readFileSync(dest, 'utf8')).toBe('two');
  });

  it('refuses one swapped for a symlink since, naming it, and writes nothing anywhere', async () => {
    const { conf, victim, dest } = layout();
    const start = identifyDirs([conf]);
    const moved = swapForSymlink(conf, victim);
    await expect(writeRendered([file(dest, 'two')], { mode: 0o600 }, quiet, start)).rejects.toThrow(
      `cannot write rendered files into ${conf}: it is no longer the directory written at start (replaced, moved, or a symlink on the way); restore it or restart the container`,
    );
    expect(readdirSync(victim)).toEqual([]);
    expect(readdirSync(moved)).toEqual([]);
  });

  it('negative control: without the identities of the start the swapped directory is written into', async () => {
    const { conf, victim, dest } = layout();
    swapForSymlink(conf, victim);
    await writeRendered([file(dest, 'two')], { mode: 0o600 }, quiet);
    expect(readdirSync(victim)).toEqual(['app.conf']);
  });
});

describe('applyOwner (a directory just made)', () => {
  it('sets the mode of a fresh empty directory exactly', async () => {
    const dir = join(tempDir(), 'new');
    mkdirSync(dir, { mode: 0o755 });
    await applyOwner(dir, 0o700, {});
    expect(statSync(dir).mode & 0o7777).toBe(0o700);
  });

  it('does not follow a symlink swapped in for it: the file it points at keeps its mode', async () => {
    const root = tempDir();
    const precious = join(root, 'shadow');
    writeFileSync(precious, 'x');
    chmodSync(precious, 0o640);
    symlinkSync(precious, join(root, 'new'));
    await expect(applyOwner(join(root, 'new'), 0o700, {})).rejects.toThrow(/cannot create directory .*new for rendered files: open failed/);
    expect(statSync(precious).mode & 0o7777).toBe(0o640);
  });

  it('refuses a directory this process does not own: not the one it just made (needs root)', requires(AS_ROOT), async () => {
    const dir = join(tempDir(), 'new');
    mkdirSync(dir, { mode: 0o755 });
    chownSync(dir, 54321, 54321);
    await expect(applyOwner(dir, 0o700, { uid: 0, gid: 0 })).rejects.toThrow(/it was replaced right after it was made/);
    expect(statSync(dir)).toMatchObject({ uid: 54321, mode: 0o40755 });
  });
});

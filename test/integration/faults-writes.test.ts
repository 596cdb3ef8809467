// The rendered files of a run or a rotation are one transaction (SPEC §4, §7): a full
// filesystem (a small tmpfs) or a read-only mount under one destination leaves every
// destination as it was, no temp file behind, no child started or restarted; and a FIFO
// swapped in for a NAME_FILE target never blocks the supervisor.

import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { AS_ROOT, needs, requires, UNSHARE } from '../helpers/requirements.js';
import { appScript, killWatch, startWatch, starts, type Watched } from '../helpers/watch.js';

/** In a private mount namespace: a 16 KiB tmpfs at $0, then `setup` (sh), then the command. */
function inNamespace(dir: string, setup = 'true'): string[] {
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=16k tmpfs "$0" && ${setup} && exec "$@"`, dir];
}

/** Two templates: app.conf into a plain dir (holding an old file), b.conf into `small`. */
function twoTemplates() {
  const dir = secretsDir({ db: 'one' });
  const templates = writeFiles(tempDir(), { 'app.conf.tmpl': 'a={{ secrets.db }}\n', 'b.conf.tmpl': 'b={{ secrets.db }}\n' });
  const plain = tempDir();
  writeFileSync(join(plain, 'app.conf'), 'old-a\n');
  const small = tempDir();
  const args = ['--dir', dir, '--template', `${join(templates, 'app.conf.tmpl')}:${plain}/app.conf`, '--template', `${join(templates, 'b.conf.tmpl')}:${small}/b.conf`];
  return { dir, plain, small, args };
}

let running: Watched | undefined;
afterEach(async () => {
  if (running !== undefined) await killWatch(running);
  running = undefined;
});

describe('a destination that cannot be written (needs root: mounts a tmpfs in a mount namespace)', requires(AS_ROOT, UNSHARE, needs('nsenter', 'apt-get install util-linux')), () => {
  it.each([
    ['full (ENOSPC)', 'head -c 1000000 /dev/zero > "$0/fill" 2>/dev/null; true', /no space left on device \(ENOSPC\)/],
    ['read-only (EROFS)', 'mount -o remount,ro,bind "$0" "$0"', /read-only file system \(EROFS\)/],
  ])('at start, %s: no destination changed, no temp file left, no command started', async (_, setup, why) => {
    const { plain, small, args } = twoTemplates();
    const marker = join(tempDir(), 'started');
    const result = await runCli([...args, '--', 'touch', marker], { prefix: inNamespace(small, setup) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd()).toMatch(new RegExp(`^runsecrets: error: cannot write rendered file ${small}/b\\.conf: ${why.source}.*; no rendered file was changed$`));
    expect(readFileSync(join(plain, 'app.conf'), 'utf8')).toBe('old-a\n');
    expect(readdirSync(plain)).toEqual(['app.conf']);
    expect(existsSync(marker)).toBe(false);
  });

  it('negative control: with room on the tmpfs both are written and the command runs', async () => {
    const { plain, small, args } = twoTemplates();
    const result = await runCli([...args, '--', 'cat', `${small}/b.conf`], { prefix: inNamespace(small) });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('b=one');
    expect(readFileSync(join(plain, 'app.conf'), 'utf8')).toBe('a=one\n');
  });

  it('in a rotation: the app and both files stay as they were while the disk is full, and the next rotation applies', async () => {
    const { dir, plain, small, args } = twoTemplates();
    running = await startWatch(['--wait', '50ms', ...args, appScript()], { prefix: inNamespace(small) });
    const inside = (script: string) => execa('nsenter', ['-t', String(running?.pid), '-m', '--', 'sh', '-c', script, small]);
    await inside('head -c 1000000 /dev/zero > "$0/fill" 2>/dev/null; true');
    writeFileSync(join(dir, 'db'), 'two');
    await running.err.waitFor(/rotation not applied/);
    expect(running.err.text).toMatch(new RegExp(`cannot write rendered file ${small}/b\\.conf: no space left on device \\(ENOSPC\\).*; no rendered file was changed`));
    expect(readFileSync(join(plain, 'app.conf'), 'utf8')).toBe('a=one\n');
    expect((await inside('cat "$0/b.conf"')).stdout).toBe('b=one');
    expect(readdirSync(plain)).toEqual(['app.conf']);
    expect(starts(running)).toHaveLength(1);
    // Room again: the next change is applied whole.
    await inside('rm "$0/fill"');
    writeFileSync(join(dir, 'db'), 'three');
    await running.err.waitFor(/^runsecrets: rotation: .*restarted the command/);
    expect(readFileSync(join(plain, 'app.conf'), 'utf8')).toBe('a=three\n');
    expect((await inside('cat "$0/b.conf"')).stdout).toBe('b=three');
  });
});

describe('a NAME_FILE target replaced by a FIFO in watch mode', () => {
  it('is refused at once: the supervisor keeps watching and still forwards SIGTERM', async () => {
    const dir = secretsDir({ db: 'one' });
    const fifo = join(tempDir(), 'fifo');
    await execa('mkfifo', [fifo]);
    running = await startWatch(['--wait', '50ms', '--dir', dir, appScript()], { env: { PATH: '/usr/bin:/bin', HOME: '/root', DB_PASSWORD_FILE: join(dir, 'db') } });
    renameSync(fifo, join(dir, 'db'));
    await running.err.waitFor(/DB_PASSWORD_FILE at .*\/db: is a FIFO, not a regular file/);
    await running.err.waitFor(/rotation not applied/);
    running.sub.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.out.lines).toContain('got TERM');
    running = undefined;
  });
});

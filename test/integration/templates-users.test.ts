// Rendered files belong to the target user (--user): as root, runsecrets writes them
// owned by that user with the template mode, creates missing dirs 0700 owned by that
// user, then switches; the app can read its config, another unprivileged user cannot.

import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, runCli } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { AS_ROOT, GOSU, requires, USERADD } from '../helpers/requirements.js';

const NAME = `rstmpl_${randomBytes(4).toString('hex')}`;
const VALUE = 'Users-LEAK-value-4e8d';

async function admin(file: string, args: readonly string[]): Promise<string> {
  return (await execa(file, args, { env: baseEnv(), extendEnv: false })).stdout;
}

/** `cat FILE` as `user` through gosu: the file's content, or undefined when it cannot be read. */
async function catAs(user: string, file: string): Promise<string | undefined> {
  const result = await execa('gosu', [user, 'cat', file], { env: baseEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
  return result.exitCode === 0 ? String(result.stdout) : undefined;
}

describe('rendered files and the target user (needs root: creates a user and switches to it)', requires(AS_ROOT, USERADD, GOSU), () => {
  const ids = { uid: 0, gid: 0 };
  let secrets = '';
  let tmpl = '';

  beforeAll(async () => {
    await admin('useradd', ['--no-create-home', '--home-dir', `/home/${NAME}`, '--shell', '/bin/sh', '--user-group', NAME]);
    ids.uid = Number(await admin('id', ['-u', NAME]));
    ids.gid = Number(await admin('id', ['-g', NAME]));
    secrets = secretsDir({ db_password: VALUE });
    tmpl = writeFiles(tempDir(), { 'app.conf.tmpl': 'password={{ secrets.db_password }}\nhome={{ env.HOME }}\n' });
  });

  afterAll(async () => {
    await execa('userdel', [NAME], { env: baseEnv(), extendEnv: false, reject: false });
    await execa('groupdel', [NAME], { env: baseEnv(), extendEnv: false, reject: false });
  });

  it('owns the file (template mode) and every dir it created (0700); the app reads it after the switch, nobody cannot', async () => {
    const base = tempDir(); // 0755, root's: only the dirs runsecrets creates below it are the user's
    const dest = join(base, 'etc/app/conf.d/app.conf');
    const result = await runCli(['--dir', secrets, '--user', NAME, '--template-mode', '0640', '--template', `${tmpl}/app.conf.tmpl:${dest}`, '--', 'cat', dest]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`password=${VALUE}\nhome=/home/${NAME}`);
    const file = statSync(dest);
    expect([file.uid, file.gid, file.mode & 0o7777]).toEqual([ids.uid, ids.gid, 0o640]);
    for (const dir of ['etc', 'etc/app', 'etc/app/conf.d']) {
      const stats = statSync(join(base, dir));
      expect([dir, stats.uid, stats.gid, stats.mode & 0o7777]).toEqual([dir, ids.uid, ids.gid, 0o700]);
    }
    expect(statSync(base).uid).toBe(0); // an existing dir is left as it is
    expect(await catAs(NAME, dest)).toBe(`password=${VALUE}\nhome=/home/${NAME}`);
    expect(await catAs('nobody', dest)).toBeUndefined();
    expect(result.stderr).not.toContain(VALUE);
  });

  it('mode 0600 in a dir anyone can enter: the user can read the file, nobody cannot', async () => {
    const dest = join(tempDir(), 'app.conf');
    const result = await runCli(['--dir', secrets, '--user', NAME, '--template', `${tmpl}/app.conf.tmpl:${dest}`, 'true']);
    expect(result.exitCode).toBe(0);
    expect(statSync(dest).mode & 0o7777).toBe(0o600);
    expect(await catAs(NAME, dest)).toContain(VALUE);
    expect(await catAs('nobody', dest)).toBeUndefined();
  });

  it('hands an unchanged file with another owner to the target user, in place (content and mtime kept)', async () => {
    const dest = join(tempDir(), 'app.conf');
    const args = ['--dir', secrets, '--template', `${tmpl}/app.conf.tmpl:${dest}`];
    expect((await runCli([...args, '--user', NAME, 'true'])).exitCode).toBe(0);
    const before = statSync(dest, { bigint: true });
    await admin('chown', ['0:0', dest]);
    expect((await runCli([...args, '--user', NAME, 'true'])).exitCode).toBe(0);
    const after = statSync(dest, { bigint: true });
    expect([after.ino, after.mtimeNs, Number(after.uid)]).toEqual([before.ino, before.mtimeNs, ids.uid]);
  });

  it('replaces a symlink the user planted at DEST, never chowning what it points to', async () => {
    const dir = tempDir();
    const victim = join(dir, 'root-file');
    const dest = join(dir, 'app.conf');
    writeFileSync(victim, `password=${VALUE}\nhome=/home/${NAME}\n`, { mode: 0o600 }); // the very bytes the template renders
    symlinkSync(victim, dest);
    expect((await runCli(['--dir', secrets, '--user', NAME, '--template', `${tmpl}/app.conf.tmpl:${dest}`, 'true'])).exitCode).toBe(0);
    expect([statSync(victim).uid, statSync(victim).mode & 0o7777]).toEqual([0, 0o600]);
    expect(lstatSync(dest).isSymbolicLink()).toBe(false);
    expect(statSync(dest).uid).toBe(ids.uid);
  });

  it('negative control: without --user the file is root\'s, and the user cannot read it', async () => {
    const dest = join(tempDir(), 'app.conf');
    const result = await runCli(['--dir', secrets, '--template', `${tmpl}/app.conf.tmpl:${dest}`, 'true']);
    expect(result.exitCode).toBe(0);
    expect(statSync(dest).uid).toBe(0);
    expect(readFileSync(dest, 'utf8')).toContain(VALUE);
    expect(await catAs(NAME, dest)).toBeUndefined();
  });
});

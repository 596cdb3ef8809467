// dist/runsecrets-linux-arm64 for real, on this x64 machine through qemu-user (Debian's
// qemu-user-static, run explicitly: binfmt_misc is not needed), with the arm64 loader and C
// library where an arm64 image has them (test/helpers/packaged.ts). What an arm64 image relies
// on most, in a few minutes of emulation: --version, secret mapping, NAME_FILE, templates,
// the user switch compared with gosu, exit codes, exec keeping the PID, watch mode with one
// rotation, forwarded signals and 128+N, and PID 1 reaping orphans through bun:ffi. Not
// here: the launcher of a watch-mode supervisor that stays root, which starts the arm64
// file again by execve; without binfmt_misc the kernel cannot run it (ENOEXEC).
//
// The programs runsecrets execs (sh, id, env) are this machine's: qemu-user passes execve
// to the kernel, so the exec'd app runs natively.

import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, ROOT, runCli } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { orphanApp, until, zombiesOf } from '../helpers/init.js';
import { ARM64_EXE, ARM64_NEEDS, QEMU_ARM64 } from '../helpers/packaged.js';
import { AS_ROOT, GOSU, requires, UNSHARE, USERADD } from '../helpers/requirements.js';
import { allProcesses } from '../helpers/processes.js';
import { appScript, killWatch, startWatch, waitForStart, type Watched } from '../helpers/watch.js';

const versionOf = (pkg: string): string => (JSON.parse(readFileSync(join(ROOT, pkg), 'utf8')) as { version: string }).version;
const run = (args: readonly string[], options: Parameters<typeof runCli>[1] = {}) => runCli(args, { prefix: QEMU_ARM64, cli: ARM64_EXE, ...options });
const envLines = (stdout: string): string[] => stdout.split('\n').filter((line) => line !== '').sort();

const running: Watched[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
});

describe(`${ARM64_EXE} under qemu-aarch64-static (needs root: a private mount namespace with the arm64 loader)`, requires(...ARM64_NEEDS), () => {
  it('is an arm64 ELF file, and says so: the runtime and linux/arm64', async () => {
    const header = Buffer.alloc(20);
    const fd = openSync(ARM64_EXE, 'r');
    readSync(fd, header, 0, 20, 0);
    closeSync(fd);
    expect(header.readUInt16LE(18)).toBe(0xb7); // EM_AARCH64
    expect(await run(['--version'], { env: {} })).toMatchObject({ exitCode: 0, stdout: `runsecrets ${versionOf('package.json')} (bun ${versionOf('node_modules/bun/package.json')} on linux/arm64)` });
  });

  it('negative control: without qemu this machine cannot run it', async () => {
    const result = await execa(ARM64_EXE, ['--version'], { reject: false });
    expect(result.exitCode).not.toBe(0);
  });

  it('maps secrets to the command\'s environment: automatic names, --map, and NAME_FILE', async () => {
    const dir = secretsDir({ 'db-password': 'pw\n', api_key: 'k-1', token: 't0' });
    const env = baseEnv({ SESSION_FILE: join(dir, 'token') });
    const result = await run(['--log-level', 'warn', '--dir', dir, '--map', 'API=api_key', '--', 'env'], { env });
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const expected = { PATH: env.PATH, HOME: env.HOME, DB_PASSWORD: 'pw', API: 'k-1', TOKEN: 't0', SESSION: 't0' };
    expect(envLines(result.stdout)).toEqual(Object.entries(expected).map(([key, value]) => `${key}=${value}`).sort());
  });

  it('renders a template with the file\'s mode, and exits with the command\'s code, 127 and 126', async () => {
    const dir = secretsDir({ db_password: 's3cr"et\n' });
    const out = tempDir();
    const template = join(writeFiles(tempDir(), { 'app.conf.tmpl': 'password = {{ secrets.db_password | json }}\n' }), 'app.conf.tmpl');
    const result = await run(['--dir', dir, '--template', `${template}:${out}/app.conf`, '--', 'sh', '-c', 'exit 7']);
    expect(result.exitCode).toBe(7);
    expect(readFileSync(join(out, 'app.conf'), 'utf8')).toBe('password = "s3cr\\"et"\n');
    expect(statSync(join(out, 'app.conf')).mode & 0o777).toBe(0o600);
    expect((await run(['--dir', dir, '--', 'no-such-command'])).exitCode).toBe(127);
    const text = join(writeFiles(tempDir(), { 'plain.txt': 'not a program\n' }), 'plain.txt');
    expect((await run(['--dir', dir, '--', text])).exitCode).toBe(126);
  });

  it('execs the command in its own process: the app has the PID that was started', async () => {
    const sub = execa(QEMU_ARM64[0], [...QEMU_ARM64.slice(1), ARM64_EXE, '--dir', secretsDir({}), '--', 'sh', '-c', 'echo "$$ $(cat /proc/$$/comm)"'], { env: baseEnv(), extendEnv: false, reject: false });
    const result = await sub;
    expect(result.stdout).toBe(`${sub.pid} sh`);
  });

  describe('--user, compared with gosu (this machine\'s; needs root: useradd)', requires(AS_ROOT, USERADD, GOSU), () => {
    const SHOW = 'echo "$(id -u) $(id -g) $(id -G) $HOME"';
    const NAME = `rsarm_${randomBytes(4).toString('hex')}`;
    const admin = (file: string, args: readonly string[]) => execa(file, args, { env: baseEnv(), extendEnv: false, reject: false });
    beforeAll(async () => {
      await admin('groupadd', [`${NAME}_a`]);
      await admin('useradd', ['--no-create-home', '--home-dir', `/home/${NAME}`, '--user-group', '--groups', `${NAME}_a`, NAME]);
    });
    afterAll(async () => {
      await admin('userdel', [NAME]);
      for (const group of [NAME, `${NAME}_a`]) await admin('groupdel', [group]);
    });

    it.each(['nobody', 'nobody:nogroup', '1234:1234', NAME, `${NAME}:${NAME}_a`])('--user %s gives what gosu gives', async (spec) => {
      const dir = secretsDir({});
      const theirs = await execa('gosu', [spec, 'sh', '-c', SHOW], { env: baseEnv(), extendEnv: false, cwd: '/' });
      const ours = await run(['--log-level', 'warn', '--dir', dir, '--user', spec, '--', 'sh', '-c', SHOW], { cwd: '/' });
      expect(ours).toMatchObject({ exitCode: 0, stdout: theirs.stdout, stderr: '' });
    });
  });

  describe('watch mode', () => {
    const watch = async (args: readonly string[], prefix: readonly string[] = []): Promise<Watched> => {
      const watched = await startWatch(args, { prefix: [...prefix, ...QEMU_ARM64], cli: ARM64_EXE });
      running.push(watched);
      return watched;
    };

    it('restarts the app on a rotation, forwards signals, and exits 128+N when the app dies of one', async () => {
      const dir = secretsDir({ db: 'one\n' });
      const watched = await watch(['--wait', '50ms', '--prefix', 'T_', '--dir', dir, appScript({ onTerm: '-' })]);
      await waitForStart(watched, /T_DB=one /);
      writeFileSync(join(dir, 'db'), 'two\n');
      await waitForStart(watched, /T_DB=two /);
      await watched.err.waitFor(/^runsecrets: rotation: T_DB sha256:\w+→\w+; restarted the command in \d+ ms$/);
      watched.sub.kill('SIGUSR2');
      await watched.out.waitFor('got USR2');
      watched.sub.kill('SIGTERM');
      expect(await watched.exited).toBe(143);
    });

    it('as PID 1 (unshare; needs root) reaps the app\'s orphans through bun:ffi and exits with the app\'s code', requires(AS_ROOT, UNSHARE), async () => {
      const watched = await watch(['--log-level', 'debug', '--dir', secretsDir({}), orphanApp({ orphans: 3, seconds: '0.3', code: 3 })], ['unshare', '--pid', '--fork', '--mount-proc']);
      const pid = allProcesses().find((p) => p.ppid === watched.pid)?.pid ?? 0;
      expect(watched.err.text).toMatch(/^runsecrets: debug: runsecrets is PID 1: it reaps orphaned processes, as tini does \(bun:ffi/m);
      await until(() => watched.err.count(/^runsecrets: debug: reaped orphaned process \d+ \(exit 0\)$/) === 3, '3 orphans reaped', 30_000);
      expect(zombiesOf(pid)).toEqual([]);
      process.kill(pid, 'SIGUSR1');
      expect(await watched.exited).toBe(3);
    });
  });
});

// Exec mode through the built CLI (SPEC §6, §9): the command replaces runsecrets and
// keeps its PID; 127 / 126 are decided before the exec, as one line; without
// process.execve runsecrets supervises the command instead and forwards signals.

import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, NEEDS_SCRIPT, STANDALONE, baseEnv, cliCommand, runCli, type CliResult } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { allProcesses, nodeWithoutExecve, procInfo, waitForLine } from '../helpers/processes.js';
import { notApplicable, requires, skipNotApplicable } from '../helpers/requirements.js';

/** Prints its PID, announces readiness, and waits for a line on stdin. */
const WAIT_ON_STDIN = 'echo "$$"; echo READY; read line; echo bye';

/**
 * Waits for a signal: `wait` returns as soon as a trapped signal arrives. Bounded
 * (about 10 s) so that a signal that is never delivered fails the test instead of
 * leaving a shell behind that holds the output pipe open.
 */
const WAIT_FOR_SIGNAL = 'i=0; while [ $i -lt 50 ]; do sleep 0.2 >/dev/null 2>&1 & wait $!; i=$((i+1)); done; echo no signal';

/** A tiny executable fixture in `dir`. */
function script(dir: string, name: string, body: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
}

/** runsecrets failed on its own: exactly one `runsecrets: error:` line and no stack trace. */
function expectOneErrorLine(result: CliResult, exitCode: number): void {
  expect(result.exitCode).toBe(exitCode);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^runsecrets: error: /);
}

/** Starts runsecrets (a script with `node`) on a command that waits on stdin; resolves once it is READY. */
async function startWaiting(node: string, dir: string) {
  const [file, ...pre] = cliCommand(node);
  const sub = execa(file, [...pre, '--dir', dir, 'sh', '-c', WAIT_ON_STDIN], { env: baseEnv(), extendEnv: false, reject: false, stdin: 'pipe' });
  const seen = await waitForLine(sub.stdout, 'READY');
  const childPid = Number(seen.split('\n')[0]);
  if (sub.pid === undefined) throw new Error('execa reported no PID');
  return { sub, pid: sub.pid, childPid };
}

describe('exec mode replaces runsecrets with the command', () => {
  it('says exactly one line at the default level', async () => {
    const result = await runCli(['--dir', secretsDir({ 'db-password': 'pw' }), 'true']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^runsecrets: exec \/\S+\/true with 1 variable\(s\) from secrets$/)]);
  });

  it('counts --dotenv values apart from the variables made from secrets', async () => {
    const envFile = join(writeFiles(tempDir(), { 'dev.env': 'PORT=8080\nLOG_LEVEL=debug\n' }), 'dev.env');
    const result = await runCli(['--dir', secretsDir({ 'db-password': 'pw' }), '--dotenv', envFile, 'true']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^runsecrets: exec \/\S+\/true with 1 variable\(s\) from secrets and 2 from --dotenv$/)]);
  });

  it('warns once, naming them, when options only watch mode uses are given without --watch', async () => {
    const env = baseEnv({ RUNSECRETS_RELOAD_SIGNAL: 'SIGHUP' });
    const result = await runCli(['--dir', secretsDir({ db: 'pw' }), '--poll', '1s', '--stop-timeout', '3s', 'true'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'runsecrets: warn: RUNSECRETS_RELOAD_SIGNAL, --stop-timeout, --poll apply only with --watch (RUNSECRETS_WATCH), which is off: ignored',
      expect.stringMatching(/^runsecrets: exec \S+ with 1 variable\(s\) from secrets$/),
    ]);
    // Negative control: with --watch they are used, and nothing is said.
    const watched = await runCli(['--check', '--watch', '--dir', secretsDir({}), '--poll', '1s', 'true'], { env });
    expect(watched.stderr).toBe('');
  });

  it('keeps the PID, and nothing of runsecrets remains while the command runs', async () => {
    const dir = secretsDir({ 'db-password': 'pw' });
    const { sub, pid, childPid } = await startWaiting(process.execPath, dir);

    expect(childPid).toBe(pid);
    const self = procInfo(pid);
    expect(self?.argv).toEqual(['sh', '-c', WAIT_ON_STDIN]);
    expect(self?.exe).toBe(realpathSync('/bin/sh'));
    expect(self?.exe).not.toBe(realpathSync(cliCommand()[0]));
    // Exactly one process: the test started it, it has no children, and no runsecrets
    // process for this secrets dir (unique to this test) exists anywhere.
    expect(self?.ppid).toBe(process.pid);
    const others = allProcesses().filter((p) => p.pid !== pid);
    expect(others.filter((p) => p.ppid === pid)).toEqual([]);
    expect(others.filter((p) => p.argv.some((a) => a.includes(basename(CLI))) && p.argv.includes(dir))).toEqual([]);

    sub.stdin.end('\n');
    const result = await sub;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${pid}\nREADY\nbye`);
  });

  it.each([0, 3, 42])('exits with the command\'s own code (%i)', async (code) => {
    const result = await runCli(['--dir', tempDir(), 'sh', '-c', `echo out; echo err >&2; exit ${code}`]);
    expect(result.exitCode).toBe(code);
    expect(result.stdout).toBe('out');
    expect(result.stderr).toMatch(/err$/);
  });

  it('removes every RUNSECRETS_* twin from the child\'s environment, and keeps the rest', async () => {
    const dir = secretsDir({ 'db-password': 'pw' });
    const env = baseEnv({ RUNSECRETS_DIR: dir, RUNSECRETS_LOG_LEVEL: 'warn', RUNSECRETS_TRIM: 'one', KEEP_ME: 'yes' });
    const result = await runCli(['env'], { env });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('RUNSECRETS_'))).toEqual([]);
    expect(lines).toContain('KEEP_ME=yes');
    // The twins did take effect: the dir was read and the info line was silenced.
    expect(lines).toContain('DB_PASSWORD=pw');
    expect(result.stderr).not.toMatch(/runsecrets: exec /);
  });

  it.for([['exec mode', []], ['watch mode', ['--watch']]] as const)('passes inherited variables named like Object.prototype\'s members through as variables (%s), next to secrets and --dotenv', async ([mode, flags], context) => {
    // Bun's node:child_process drops a variable named __proto__ from what it spawns (Bun.spawn keeps it).
    if (STANDALONE && mode === 'watch mode') return skipNotApplicable(context, 'the executable\'s runtime (Bun) drops a variable named __proto__ from the processes it spawns');
    const dir = secretsDir({ 'db-password': 'pw' });
    const envFile = join(writeFiles(tempDir(), { 'dev.env': 'constructor=from-dotenv\n' }), 'dev.env');
    // Computed keys: `{ __proto__: x }` in a literal would set the object's prototype, not a variable.
    const inherited = baseEnv({ ['__proto__']: 'inherited', ['hasOwnProperty']: 'inherited', ['toString']: 'inherited' });
    const result = await runCli(['--log-level', 'warn', ...flags, '--dir', dir, '--dotenv', envFile, 'env'], { env: inherited });
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    for (const line of ['__proto__=inherited', 'hasOwnProperty=inherited', 'toString=inherited', 'constructor=from-dotenv', 'DB_PASSWORD=pw']) expect(lines).toContain(line);
  });

  it('refuses a RUNSECRETS_* name that is no option (exit 2, nothing started): a typo must not run the app as root', async () => {
    const dir = secretsDir({ 'db-password': 'pw' });
    const marker = join(tempDir(), 'started');
    const result = await runCli(['touch', marker], { env: baseEnv({ RUNSECRETS_DIR: dir, RUNSECRETS_USR: 'nobody' }) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trimEnd()).toBe('runsecrets: error: RUNSECRETS_USR is not a runsecrets option; did you mean RUNSECRETS_USER? Unset it or fix its name (see runsecrets --help)');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('127: command not found on the child\'s PATH', () => {
  const bin = tempDir();
  script(bin, 'rs-only-here', '#!/bin/sh\necho found in bin\n');
  const pathWithBin = `${bin}:/usr/bin:/bin`;

  it('is one error line and exit 127', async () => {
    const result = await runCli(['--dir', tempDir(), 'rs-no-such-command']);
    expectOneErrorLine(result, 127);
    expect(result.stderr).toMatch(/command "rs-no-such-command" not found/);
  });

  it('is also a missing path given with a slash', async () => {
    expectOneErrorLine(await runCli(['--dir', tempDir(), join(tempDir(), 'missing')]), 127);
  });

  it('finds a command through an inherited PATH (negative control: not without it)', async () => {
    const found = await runCli(['--dir', tempDir(), 'rs-only-here'], { env: baseEnv({ PATH: pathWithBin }) });
    expect(found).toMatchObject({ exitCode: 0, stdout: 'found in bin' });
    expectOneErrorLine(await runCli(['--dir', tempDir(), 'rs-only-here']), 127);
  });

  it('finds a command through a PATH made from a secret', async () => {
    const dir = secretsDir({ PATH: `${pathWithBin}\n` });
    expect(await runCli(['--dir', dir, 'rs-only-here'])).toMatchObject({ exitCode: 0, stdout: 'found in bin' });
  });

  it('finds a command through a PATH from --dotenv when none is inherited, which an inherited one beats', async () => {
    const envFile = join(writeFiles(tempDir(), { 'dev.env': `PATH=${pathWithBin}\n` }), 'dev.env');
    const args = ['--dir', tempDir(), '--dotenv', envFile, 'rs-only-here'];
    expect(await runCli(args, { env: { HOME: '/root' } })).toMatchObject({ exitCode: 0, stdout: 'found in bin' });
    expectOneErrorLine(await runCli(args), 127);
  });
});

describe('126: found but cannot be executed, as one line (not a Node.js abort, 134)', () => {
  const dir = tempDir();
  const cases: [string, () => string | { notApplicable: string }][] = [
    ['a file without execute permission (0644)', () => script(dir, 'no-x', '#!/bin/sh\necho hi\n', 0o644)],
    ['a directory given with a slash', () => {
      mkdirSync(join(dir, 'a-dir'));
      return `${join(dir, 'a-dir')}/`;
    }],
    ['a script whose #! interpreter is missing', () => script(dir, 'bad-interp', '#!/nonexistent/interp\necho hi\n')],
    ['an executable text file with no #! line', () => script(dir, 'plain-text', 'echo hi\n')],
    ['an ELF binary whose loader (PT_INTERP) is missing', () => missingLoaderElf(dir)],
  ];

  it.for(cases)('%s', async ([, make], context) => {
    const command = make();
    if (typeof command !== 'string') return skipNotApplicable(context, command.notApplicable);
    expectOneErrorLine(await runCli(['--dir', tempDir(), command]), 126);
  });

  it('says a directory is a directory rather than advising chmod +x', async () => {
    mkdirSync(join(dir, 'named-dir'));
    const result = await runCli(['--dir', tempDir(), `${join(dir, 'named-dir')}/`]);
    expect(result.stderr).toMatch(/named-dir\/? is a directory; name the program inside it/);
    expect(result.stderr).not.toContain('chmod');
  });

  it('a bare name found on PATH without execute permission', async () => {
    const bin = tempDir();
    script(bin, 'rs-no-x', '#!/bin/sh\necho hi\n', 0o644);
    expectOneErrorLine(await runCli(['--dir', tempDir(), 'rs-no-x'], { env: baseEnv({ PATH: `${bin}:/usr/bin:/bin` }) }), 126);
  });

  it('negative control: the same fixtures run once they are fixed', async () => {
    const fixed = tempDir();
    const ok = script(fixed, 'ok', '#!/bin/sh\necho hi\n');
    expect(await runCli(['--dir', tempDir(), ok])).toMatchObject({ exitCode: 0, stdout: 'hi' });
    const copy = join(fixed, 'true-copy');
    writeFileSync(copy, readFileSync('/bin/true'));
    chmodSync(copy, 0o755);
    expect((await runCli(['--dir', tempDir(), copy])).exitCode).toBe(0);
  });
});

/** A copy of /bin/true whose ELF interpreter path is patched, same length, to a missing one. */
function missingLoaderElf(dir: string): string | { notApplicable: string } {
  const loader = '/lib64/ld-linux-x86-64.so.2';
  const missing = loader.replace('/lib64/', '/nope6/');
  const elf = readFileSync('/bin/true');
  const at = elf.indexOf(loader);
  if (process.arch !== 'x64' || at === -1) return { notApplicable: `the ELF test patches an x86-64 glibc /bin/true with loader ${loader} (arch ${process.arch})` };
  if (existsSync(missing)) return { notApplicable: `the ELF test needs ${missing} not to exist` };
  elf.write(missing, at, 'latin1');
  const path = join(dir, 'bad-loader');
  writeFileSync(path, elf);
  chmodSync(path, 0o755);
  return path;
}

const old = nodeWithoutExecve();

describe('without process.execve (Node.js < 22.15): supervised fallback', STANDALONE ? notApplicable(NEEDS_SCRIPT) : requires('need' in old ? old.need : undefined), () => {
  const node = 'node' in old ? old.node : 'no-node-without-execve';

  it('says so in the start line at the default level and passes the exit code through (negative control: Node with execve)', async () => {
    const args = ['--dir', secretsDir({ db: 'x' }), 'sh', '-c', 'exit 42'];
    const fallback = await runCli(args, { node });
    expect(fallback.exitCode).toBe(42);
    expect(fallback.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^runsecrets: supervising \/\S+\/sh with 1 variable\(s\) from secrets \(exec mode falls back to supervising: Node\.js v\d+\.\d+\.\d+ has no process\.execve; use Node\.js 22\.15 or later\)$/),
    ]);
    const exec = await runCli(args);
    expect(exec.exitCode).toBe(42);
    expect(exec.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^runsecrets: exec \/\S+\/sh with 1 variable\(s\) from secrets$/)]);
  });

  it('gives 128+N when the child dies of signal N', async () => {
    const result = await runCli(['--dir', tempDir(), 'sh', '-c', 'kill -TERM $$'], { node });
    expect(result.exitCode).toBe(143);
    expect(result.signal).toBeUndefined();
  });

  it('is the negative control for the PID test: another PID, a node parent, a child process', async () => {
    const { sub, pid, childPid } = await startWaiting(node, tempDir());
    expect(childPid).not.toBe(pid);
    expect(procInfo(pid)?.exe).toBe(realpathSync(node));
    expect(procInfo(childPid)?.ppid).toBe(pid);
    sub.stdin.end('\n');
    expect((await sub).exitCode).toBe(0);
  });

  it.for(['TERM', 'USR1', 'HUP'])('forwards SIG%s to the child', async (name) => {
    const trap = `trap 'echo got ${name}; exit 0' ${name}; echo READY; ${WAIT_FOR_SIGNAL}`;
    const sub = execa(node, [CLI, '--dir', tempDir(), 'sh', '-c', trap], { env: baseEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
    await waitForLine(sub.stdout, 'READY');
    sub.kill(`SIG${name}` as NodeJS.Signals);
    const result = await sub;
    expect(result.stdout).toBe(`READY\ngot ${name}`);
    expect(result.exitCode).toBe(0);
    expect(result.signal).toBeUndefined();
  });

  it('negative control: a child without the trap dies of the forwarded SIGTERM → 143', async () => {
    const body = `echo READY; ${WAIT_FOR_SIGNAL}`;
    const sub = execa(node, [CLI, '--dir', tempDir(), 'sh', '-c', body], { env: baseEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
    await waitForLine(sub.stdout, 'READY');
    sub.kill('SIGTERM');
    const result = await sub;
    expect(result.stdout).toBe('READY');
    expect(result.exitCode).toBe(143);
    expect(result.signal).toBeUndefined();
  });
});

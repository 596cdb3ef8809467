// --user against gosu, side by side: for each spec, `id -u`, `id -g`, `id -G` and $HOME in
// the command must be what `gosu SPEC` gives (SPEC §5), the table gosu's own tests use.
// Then the not-root rules: runsecrets started as nobody by setpriv.

import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, CLI, cliCommand, runCli, STANDALONE, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { AS_ROOT, GOSU, IS_ROOT, requires, SETPRIV, USERADD, type Need } from '../helpers/requirements.js';

const SHOW = 'echo "$(id -u) $(id -g) $(id -G) $HOME"';
const NAME = `rstest_${randomBytes(4).toString('hex')}`;
const GROUPS = [`${NAME}_a`, `${NAME}_b`] as const;

/** The created user's ids, filled in by beforeAll; `{name}` placeholders in specs are replaced from it. */
const ids: Record<string, string> = { user: NAME, a: GROUPS[0], b: GROUPS[1] };
const fill = (text: string): string => text.replace(/\{(\w+)\}/g, (_, key: string) => ids[key] ?? `{${key}}`);

/** A temp dir with an explicit mode: 0755 for anyone to read and enter, 0777 for nobody to write. */
function openDir(mode = 0o755): string {
  const dir = tempDir();
  chmodSync(dir, mode);
  return dir;
}

async function admin(file: string, args: readonly string[]): Promise<string> {
  return (await execa(file, args, { env: baseEnv(), extendEnv: false })).stdout;
}

async function gosu(spec: string, cwd: string): Promise<CliResult> {
  const result = await execa('gosu', [spec, 'sh', '-c', SHOW], { env: baseEnv(), extendEnv: false, reject: false, stdin: 'ignore', cwd });
  return { exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Expects exactly one stderr line, `runsecrets: error: …`, containing `text`. */
function expectOneErrorLine(result: CliResult, text: RegExp): void {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^runsecrets: error: /);
  expect(lines[0]).toMatch(text);
}

describe('--user gives what gosu gives (needs root: creates users with useradd and switches to them)', requires(AS_ROOT, USERADD, GOSU), () => {
  let empty = '';
  let cwd = '';

  beforeAll(async () => {
    for (const group of GROUPS) await admin('groupadd', [group]);
    await admin('useradd', ['--no-create-home', '--home-dir', `/home/${NAME}`, '--shell', '/bin/sh', '--user-group', '--groups', GROUPS.join(','), NAME]);
    ids.uid = await admin('id', ['-u', NAME]);
    ids.gid = await admin('id', ['-g', NAME]);
    for (const [key, group] of [['ga', GROUPS[0]], ['gb', GROUPS[1]]] as const) ids[key] = (await admin('getent', ['group', group])).split(':')[2] ?? '';
    empty = openDir();
    cwd = openDir();
  });

  afterAll(async () => {
    await execa('userdel', [NAME], { env: baseEnv(), extendEnv: false, reject: false });
    for (const group of [NAME, ...GROUPS]) await execa('groupdel', [group], { env: baseEnv(), extendEnv: false, reject: false });
  });

  // spec: {x} is filled from `ids`; expected: the line, where it does not depend on the machine.
  const table: { spec: string; expected?: string }[] = [
    { spec: '0', expected: '0 0 0 /root' },
    { spec: '0:0', expected: '0 0 0 /root' },
    { spec: '+0', expected: '0 0 0 /root' },
    { spec: 'root' },
    { spec: ':0', expected: '0 0 0 /root' },
    { spec: ':nogroup' },
    { spec: 'nobody' },
    { spec: 'nobody:nogroup' },
    { spec: 'nobody:0' },
    { spec: '65534:nogroup' },
    { spec: '1234', expected: '1234 0 0 /' },
    { spec: '1234:1234', expected: '1234 1234 1234 /' },
    { spec: '{user}', expected: `{uid} {gid} {gid} {ga} {gb} /home/${NAME}` },
    { spec: '{uid}', expected: `{uid} {gid} {gid} {ga} {gb} /home/${NAME}` },
    { spec: '{user}:{a}', expected: `{uid} {ga} {ga} /home/${NAME}` },
    { spec: '{user}:{gb}', expected: `{uid} {gb} {gb} /home/${NAME}` },
    { spec: '{uid}:{b}', expected: `{uid} {gb} {gb} /home/${NAME}` },
    { spec: '{user}:4321', expected: `{uid} 4321 4321 /home/${NAME}` },
  ];

  it.each(table)('--user $spec', async ({ spec: template, expected }) => {
    const spec = fill(template);
    const [theirs, ours] = await Promise.all([gosu(spec, cwd), runCli(['--dir', empty, '--user', spec, 'sh', '-c', SHOW], { cwd })]);
    expect({ spec, exitCode: theirs.exitCode }).toEqual({ spec, exitCode: 0 });
    expect({ spec, runsecrets: ours.stdout, exitCode: ours.exitCode }).toEqual({ spec, runsecrets: theirs.stdout, exitCode: 0 });
    expect(ours.stdout).toMatch(/^\d+ \d+ \d+( \d+)* \/\S*$/);
    if (expected !== undefined) expect(ours.stdout).toBe(fill(expected));
  });

  it.each(['{user}', 'nobody:nogroup', '1234', '{uid}:{a}'])('RUNSECRETS_USER=%s gives what --user gives', async (template) => {
    const spec = fill(template);
    const [theirs, ours] = await Promise.all([gosu(spec, cwd), runCli(['--dir', empty, 'sh', '-c', SHOW], { cwd, env: baseEnv({ RUNSECRETS_USER: spec }) })]);
    expect({ spec, runsecrets: ours.stdout, exitCode: ours.exitCode }).toEqual({ spec, runsecrets: theirs.stdout, exitCode: 0 });
    expect(ours.stdout).not.toBe('');
  });

  it.each([
    { spec: `${NAME}_nosuch`, text: /no user named/ },
    { spec: `nobody:${NAME}_nosuch`, text: /no group named/ },
  ])('--user $spec fails in both, runsecrets with exit 1 and one error line', async ({ spec, text }) => {
    const [theirs, ours] = await Promise.all([gosu(spec, cwd), runCli(['--dir', empty, '--user', spec, 'sh', '-c', SHOW], { cwd })]);
    expect(theirs.exitCode).not.toBe(0);
    expect(theirs.stdout).toBe('');
    expect(ours.exitCode).toBe(1);
    expect(ours.stdout).toBe('');
    expectOneErrorLine(ours, text);
    expect(ours.stderr).toContain(spec);
  });

  it('negative control: without --user the output differs from gosu nobody (so the comparison can fail)', async () => {
    const [theirs, ours] = await Promise.all([gosu('nobody', cwd), runCli(['--dir', empty, 'sh', '-c', SHOW], { cwd })]);
    expect(theirs.stdout).toMatch(/^65534 /);
    expect(ours.stdout).toBe('0 0 0 /root');
    expect(ours.stdout).not.toBe(theirs.stdout);
  });

  describe('started as nobody (setpriv --reuid=65534 --regid=65534 --clear-groups)', requires(SETPRIV), () => {
    const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] as const;
    const nobodyCan = (...argv: string[]): boolean => IS_ROOT && spawnSync(AS_NOBODY[0], [...AS_NOBODY.slice(1), ...argv], { stdio: 'ignore', cwd: '/' }).status === 0;
    // A standalone executable needs no node; its copy below is one nobody can run.
    const nodeRuns: Need = STANDALONE || !IS_ROOT || SETPRIV !== undefined || nobodyCan(process.execPath, '-e', '0') ? undefined
      : `nobody able to run ${process.execPath} (a node and a checkout that other users can read, e.g. not under /root)`;
    const nobodyHome = IS_ROOT ? (spawnSync('getent', ['passwd', 'nobody'], { encoding: 'utf8' }).stdout.split(':')[5] ?? '') : '';
    let cli = CLI;
    let marks = '';

    beforeAll(() => {
      marks = openDir(0o777);
      if (nobodyCan('test', '-r', CLI, '-a', '-x', cliCommand()[0])) return;
      // runCli runs `PREFIX node CLI ARGS` (or `PREFIX CLI ARGS`); nobody cannot read or run CLI, so run a copy nobody can.
      cli = join(openDir(), basename(CLI));
      copyFileSync(CLI, cli);
      chmodSync(cli, 0o755);
    });

    const asNobody = (args: readonly string[]): Promise<CliResult> => runCli(['--dir', empty, ...args], { prefix: AS_NOBODY, cli, cwd });

    it('--user nobody is a no-op: runs as 65534', requires(nodeRuns), async () => {
      const result = await asNobody(['--user', 'nobody', 'sh', '-c', SHOW]);
      expect(result).toMatchObject({ exitCode: 0, stdout: `65534 65534 65534 ${nobodyHome}` });
    });

    it('--user 65534:65534 is a no-op', requires(nodeRuns), async () => {
      const result = await asNobody(['--user', '65534:65534', 'sh', '-c', SHOW]);
      expect(result).toMatchObject({ exitCode: 0, stdout: `65534 65534 65534 ${nobodyHome}` });
    });

    it('--user root fails with exit 1, one "must start as root" line, and the command never starts', requires(nodeRuns), async () => {
      const marker = join(marks, 'root-ran');
      const result = await asNobody(['--user', 'root', 'sh', '-c', `touch ${marker}; ${SHOW}`]);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expectOneErrorLine(result, /must start as root/);
      expect(existsSync(marker)).toBe(false);
    });

    it('negative control: the same command with --user nobody does create the marker', requires(nodeRuns), async () => {
      const marker = join(marks, 'nobody-ran');
      const result = await asNobody(['--user', 'nobody', 'sh', '-c', `touch ${marker}; ${SHOW}`]);
      expect(result.exitCode).toBe(0);
      expect(existsSync(marker)).toBe(true);
    });

    it('without --user nothing changes: nobody, inherited HOME', requires(nodeRuns), async () => {
      const result = await asNobody(['sh', '-c', SHOW]);
      expect(result).toMatchObject({ exitCode: 0, stdout: '65534 65534 65534 /root' });
    });
  });
});

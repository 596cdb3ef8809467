// --help, --version and runsecrets with no arguments, as gosu and tini do them: help and
// version on stdout with exit 0; no arguments at all, the usage on stderr with exit 1.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseEnv, cliCommand, runCli, STANDALONE } from '../helpers/cli.js';
import { secretsDir } from '../helpers/fixtures.js';
import { skipNotApplicable } from '../helpers/requirements.js';
import { VERSION } from '../../src/version.js';

const RUNTIME = STANDALONE ? String.raw`bun \d+\.\d+\.\d+` : `node ${process.version.replaceAll('.', String.raw`\.`)}`;

describe('runsecrets --help, --version, and no arguments', () => {
  it.each(['--version', '-v', '-V'])('%s prints runsecrets VERSION (RUNTIME on OS/ARCH) on stdout', async (flag) => {
    const result = await runCli([flag]);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^runsecrets ${VERSION.replaceAll('.', String.raw`\.`)} \\(${RUNTIME} on linux/${process.arch}\\)$`));
  });

  it('no arguments: the usage on stderr, exit 1, nothing on stdout', async () => {
    const result = await runCli([]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage:\n {2}runsecrets \[OPTIONS\] \[--\] COMMAND \[ARG\.\.\.\]\n/);
    expect(result.stderr).toContain('runsecrets --help lists every option.');
  });

  it('negative controls: --help is on stdout with exit 0; options without a command are a usage error (2); a --check twin runs the check', async () => {
    const help = await runCli(['--help']);
    expect(help).toMatchObject({ exitCode: 0, stderr: '' });
    expect(help.stdout).toContain('Where secrets come from:');
    const noCommand = await runCli(['--dir', '/nonexistent']);
    expect(noCommand.exitCode).toBe(2);
    expect(noCommand.stderr).toMatch(/^runsecrets: error: no command given/);
    const check = await runCli([], { env: baseEnv({ RUNSECRETS_CHECK: '1', RUNSECRETS_DIR: '/nonexistent' }) });
    expect(check.stdout).toMatch(/^runsecrets check: /);
  });
});

/**
 * Runs runsecrets with `closed` (stdout or stderr) a pipe whose reading end is closed
 * before it starts (destroy() closes the parent's end at once; runsecrets takes
 * milliseconds to start), the other one read.
 */
async function withClosedPipe(args: readonly string[], closed: 'stdout' | 'stderr'): Promise<{ exitCode: number | null; other: string }> {
  const [command, ...argv] = cliCommand();
  const child = spawn(command, [...argv, ...args], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  child[closed].destroy();
  const other = closed === 'stdout' ? child.stderr : child.stdout;
  let text = '';
  other.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const [exitCode] = (await once(child, 'close')) as [number | null];
  return { exitCode, other: text };
}

describe('a reader that went away (EPIPE)', () => {
  it('--help and --check into a closed stdout: no stack trace, the exit status they have with a reader', async () => {
    const help = await withClosedPipe(['--help'], 'stdout');
    expect(help).toEqual({ exitCode: 0, other: '' });
    const dir = secretsDir({ db_password: 'pw\n' });
    const check = await withClosedPipe(['--check', '--dir', dir, '--', 'true'], 'stdout');
    expect(check.other).not.toMatch(/EPIPE|Error|\bat /);
    expect(check.exitCode).toBe(0);
    const failing = await withClosedPipe(['--check', '--dir', `${dir}/missing`, '--', 'true'], 'stdout');
    expect(failing.other).not.toMatch(/EPIPE|Error|\bat /);
    expect(failing.exitCode).toBe(1);
  });

  it('exec mode with a closed stderr: the info line is dropped and the command still runs', async () => {
    const dir = secretsDir({ db_password: 'pw\n' });
    const result = await withClosedPipe(['--dir', dir, '--', 'sh', '-c', 'echo "ran with $DB_PASSWORD"; exit 7'], 'stderr');
    expect(result).toEqual({ exitCode: 7, other: 'ran with pw\n' });
  });

  it('watch mode with a closed stderr and debug lines to write: the supervisor goes on and passes the command\'s exit status through', async () => {
    const dir = secretsDir({ db_password: 'pw\n' });
    const result = await withClosedPipe(['--watch', '--log-level', 'debug', '--dir', dir, '--', 'sh', '-c', 'echo "ran with $DB_PASSWORD"; exit 3'], 'stderr');
    expect(result).toEqual({ exitCode: 3, other: 'ran with pw\n' });
  });

  it('negative control: with a reader on stdout, --help prints its text and --check its report', async () => {
    expect((await runCli(['--help'])).stdout).toContain('Where secrets come from:');
    const dir = secretsDir({ db_password: 'pw\n' });
    expect((await runCli(['--check', '--dir', dir, '--', 'true'])).stdout).toMatch(/^runsecrets check: ok/);
  });
});

/** Runs runsecrets with stdout on `path` (opened for writing), stderr read. */
async function withStdoutOn(path: string, args: readonly string[]): Promise<{ exitCode: number | null; stderr: string }> {
  const [command, ...argv] = cliCommand();
  const fd = openSync(path, 'w');
  try {
    const child = spawn(command, [...argv, ...args], { env: baseEnv(), stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const [exitCode] = (await once(child, 'close')) as [number | null];
    return { exitCode, stderr };
  } finally {
    closeSync(fd);
  }
}

describe('output that cannot be written (ENOSPC: /dev/full)', () => {
  it('--version, --help and --check: exit 1 and one line on stderr that says so', async (context) => {
    skipNotApplicable(context, existsSync('/dev/full') ? undefined : 'this machine has no /dev/full');
    const dir = secretsDir({ db_password: 'pw\n' });
    for (const args of [['--version'], ['--help'], ['--check', '--dir', dir, '--', 'true']]) {
      const result = await withStdoutOn('/dev/full', args);
      expect(result, args.join(' ')).toEqual({ exitCode: 1, stderr: 'runsecrets: error: cannot write to stdout: no space left on device (ENOSPC); the output is incomplete\n' });
    }
  });

  it('negative control: the same into /dev/null succeeds', async () => {
    const dir = secretsDir({ db_password: 'pw\n' });
    for (const args of [['--version'], ['--help'], ['--check', '--dir', dir, '--', 'true']]) {
      expect(await withStdoutOn('/dev/null', args), args.join(' ')).toEqual({ exitCode: 0, stderr: '' });
    }
  });
});

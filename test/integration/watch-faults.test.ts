// Rotations that used to lose the app or end supervision silently (issue 11):
// item 2, a rotation into an environment the command cannot be exec'd with (E2BIG) used
// to stop the old app, start none, claim it kept the old one, then ignore SIGTERM;
// item 6, a reload signal that reaches an app before it handles it (it dies) used to
// end runsecrets with 129 and no word why.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { appScript, killWatch, startWatch, starts, waitForStart, type Watched } from '../helpers/watch.js';

const running: Watched[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
});

async function watch(args: readonly string[]): Promise<Watched> {
  const watched = await startWatch(['--prefix', 'T_', '--wait', '50ms', ...args]);
  running.push(watched);
  return watched;
}

/** 30 secrets of 100,000 bytes: 3 MB of environment, over the 2 MiB an 8 MiB stack allows. */
function tooBig(dir: string): void {
  for (let i = 0; i < 30; i += 1) writeFileSync(join(dir, `big${String(i).padStart(2, '0')}`), 'b'.repeat(100_000));
}

describe('a rotation into an environment over the exec size limit keeps the running app', () => {
  it('is a named problem before anything stops: the app stays, the line says so, SIGTERM still ends it', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--dir', dir, appScript()]);
    tooBig(dir);
    await watched.err.waitFor(/^runsecrets: error: rotation not applied \(1 problem\(s\)\): the running command and the rendered files stay as they are/);
    expect(watched.err.text).toMatch(/^runsecrets: error: the command's environment and arguments take \d+ bytes, over the \d+ that execve accepts/m);
    expect(watched.out.lines).not.toContain('got TERM');
    expect(starts(watched)).toHaveLength(1);
    // A later valid state is applied: the big secrets go, db changes.
    for (let i = 0; i < 30; i += 1) writeFileSync(join(dir, `big${String(i).padStart(2, '0')}`), '');
    writeFileSync(join(dir, 'db'), 'two\n');
    await waitForStart(watched, /T_DB=two /);
    watched.sub.kill('SIGTERM');
    expect(await watched.exited).toBe(0);
    expect(watched.err.text).not.toMatch(/internal error|kept|keeps the old/);
  });

  it('negative control: a rotation that fits restarts the app', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--dir', dir, appScript()]);
    writeFileSync(join(dir, 'big00'), 'b'.repeat(100_000));
    await waitForStart(watched, /T_BIG00=b+ /);
    expect(starts(watched)).toHaveLength(2);
  });
});

describe('an app killed by runsecrets\' own reload signal is started again, once in a row', () => {
  /** A template fed by a template-only secret (--explicit), and an app with no SIGHUP handler (the default action ends it). */
  function setup() {
    const dir = secretsDir({ db: 'one\n' });
    const templates = writeFiles(tempDir(), { 'app.conf.tmpl': 'password={{ secrets.db }}\n' });
    const out = join(tempDir(), 'out', 'app.conf');
    const app = appScript({ traps: [], extra: `echo "conf $(cat ${out})"` });
    const args = ['--explicit', '--reload-signal', 'SIGHUP', '--dir', dir, '--template', `${join(templates, 'app.conf.tmpl')}:${out}`, app];
    return { dir, args };
  }

  it('a reload that kills the app starts it again with the new file and says why; a second kill in a row ends runsecrets with 129 and says why', async () => {
    const { dir, args } = setup();
    const watched = await watch(args);
    writeFileSync(join(dir, 'db'), 'two\n');
    await watched.err.waitFor(/^runsecrets: warn: the command died of SIGHUP, the reload signal runsecrets sent it \d+ ms after its start \(before it handled SIGHUP\); started it again, once, with the files as rendered$/);
    await watched.out.waitFor('conf password=two');
    expect(starts(watched)).toHaveLength(2);
    writeFileSync(join(dir, 'db'), 'three\n');
    expect(await watched.exited).toBe(129);
    expect(watched.err.text).toMatch(/^runsecrets: error: the command died of SIGHUP, the reload signal runsecrets sent it \d+ ms after its start, again right after being started again for that: it does not handle SIGHUP; check --reload-signal$/m);
    expect(starts(watched)).toHaveLength(2);
  });

  it('negative control: the same signal sent from outside ends it as before (129), not started again', async () => {
    const { args } = setup();
    const watched = await watch(args);
    watched.sub.kill('SIGHUP');
    expect(await watched.exited).toBe(129);
    expect(starts(watched)).toHaveLength(1);
    expect(watched.err.text).not.toMatch(/died of SIGHUP/);
  });
});

// Item 8: `--stop-timeout 1000h` used to overflow setTimeout to 1 ms (the app SIGKILLed
// during its cleanup, and a TimeoutOverflowWarning that is no runsecrets line).
describe('durations past Node.js\'s longest timer are usage errors', () => {
  it.each([
    ['--stop-timeout', '1000h'],
    ['--wait', '1s:1000h'],
    ['--poll', '0'],
  ])('%s %s: exit 2 and one line, before anything starts', async (option, value) => {
    const result = await runCli(['--watch', option, value, '--dir', tempDir(), 'sh', '-c', 'echo STARTED']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^runsecrets: error: ${option} must be at (most 596h|least 50ms)`))]);
  });

  it('negative control: the longest accepted one runs, with no warning', async () => {
    const result = await runCli(['--watch', '--log-level', 'warn', '--stop-timeout', '596h', '--dir', tempDir(), 'sh', '-c', 'echo STARTED']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'STARTED', stderr: '' });
  });
});

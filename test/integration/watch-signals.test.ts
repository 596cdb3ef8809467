// The supervisor in watch mode (SPEC §6): every catchable signal reaches the app (or its
// process group with --signal-group), runsecrets exits with the app's code or 128+N,
// never restarts an app that exited on its own, and behaves as PID 1.

import { execa } from 'execa';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEnv, cliCommand, NEEDS_SCRIPT, runCli, STANDALONE } from '../helpers/cli.js';
import { secretsDir } from '../helpers/fixtures.js';
import { nodeHasFfi } from '../helpers/init.js';
import { allProcesses, descendants, LineLog, procInfo } from '../helpers/processes.js';
import { AS_ROOT, needs, notApplicable, requires, UNSHARE } from '../helpers/requirements.js';
import { appScript, killWatch, startWatch, starts, waitForStart, type Watched } from '../helpers/watch.js';

const running: Watched[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
});

async function watch(args: readonly string[], options: Parameters<typeof startWatch>[1] = {}): Promise<Watched> {
  const watched = await startWatch(args, options);
  running.push(watched);
  return watched;
}

/** Field `n` (1-based, as in proc(5)) of /proc/PID/stat. */
function statField(pid: number, n: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3]);
}

const appPid = (watched: Watched): number => Number(starts(watched)[0]?.split(' ')[1]);

describe('signals reach the app', () => {
  it('forwards HUP, INT, QUIT, USR1, USR2 and WINCH, and TERM, which ends it; runsecrets exits 0 with it', async () => {
    const watched = await watch(['--dir', secretsDir({}), appScript()]);
    for (const name of ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'WINCH']) {
      watched.sub.kill(`SIG${name}` as NodeJS.Signals);
      await watched.out.waitFor(`got ${name}`);
    }
    watched.sub.kill('SIGTERM');
    expect(await watched.exited).toBe(0);
    expect(watched.out.lines.filter((line) => line.startsWith('got '))).toEqual(['got HUP', 'got INT', 'got QUIT', 'got USR1', 'got USR2', 'got WINCH', 'got TERM']);
    // SIGUSR1 went to the app; Node's inspector in runsecrets never started.
    expect(watched.err.text).not.toMatch(/Debugger listening/);
    expect(starts(watched)).toHaveLength(1);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGUSR2', 140],
    ['SIGHUP', 129],
  ] as const)('an app that dies of a forwarded %s → runsecrets exits 128+N (%i), as a shell would', async (signal, status) => {
    const watched = await watch(['--dir', secretsDir({}), appScript({ traps: [], onTerm: '-' })]);
    watched.sub.kill(signal);
    const result = await watched.sub;
    expect(result.exitCode).toBe(status);
    expect(result.signal).toBeUndefined();
  });

  it('with no /run/secrets at start it supervises, passes the code on, and picks the dir up when it appears (needs root: a tmpfs over /run)', requires(AS_ROOT, UNSHARE), async () => {
    // unshare without --fork execs: runsecrets keeps the PID, and /proc/PID/root is its view.
    const hideRun = ['unshare', '--mount', 'sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$@"', 'sh'];
    const watched = await watch(['--wait', '50ms', '--prefix', 'T_', appScript()], { prefix: hideRun });
    expect(watched.err.text).toMatch(/^runsecrets: supervising \S+ \(pid \d+\) with 0 variable\(s\) from secrets; watching 1 dir\(s\)$/m);
    const secrets = `/proc/${watched.pid}/root/run/secrets`;
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'db'), 'late\n');
    await waitForStart(watched, /T_DB=late /);
    watched.sub.kill('SIGUSR2');
    await watched.out.waitFor('got USR2');
    const result = await execa('unshare', [...hideRun.slice(1), ...cliCommand(), '--watch', 'sh', '-c', 'exit 5'], { env: baseEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
    expect(result.exitCode).toBe(5);
  });

  it('an app that exits on its own ends runsecrets with its code, and a pending rotation starts nothing', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--wait', '400ms', '--dir', dir, appScript({ traps: [], extra: "trap 'exit 3' USR2" })]);
    writeFileSync(join(dir, 'db'), 'two\n');
    watched.sub.kill('SIGUSR2');
    expect(await watched.exited).toBe(3);
    expect(starts(watched)).toHaveLength(1);
  });

  it('--signal-group: the app gets its own process group, and signals reach all of it', async () => {
    const grandchild = `sh -c 'trap "echo grandchild got USR2" USR2; echo GRANDCHILD; i=0; while [ $i -lt 600 ]; do sleep 0.1 & wait $!; i=$((i+1)); done' &`;
    const watched = await watch(['--signal-group', '--dir', secretsDir({}), appScript({ extra: `${grandchild}\nsleep 0.2` })]);
    await watched.out.waitFor('GRANDCHILD');
    const app = appPid(watched);
    expect(statField(app, 5)).toBe(app);
    watched.sub.kill('SIGUSR2');
    await watched.out.waitFor('got USR2');
    await watched.out.waitFor('grandchild got USR2');
  });

  it('negative control: without --signal-group the app has its own session too, but a signal reaches the app alone, not its group', async () => {
    const grandchild = `sh -c 'trap "echo grandchild got USR2" USR2; trap "echo grandchild got USR1" USR1; echo GRANDCHILD; i=0; while [ $i -lt 600 ]; do sleep 0.1 & wait $!; i=$((i+1)); done' &`;
    const watched = await watch(['--dir', secretsDir({}), appScript({ traps: ['USR2'], extra: `${grandchild}\nsleep 0.2` })]);
    await watched.out.waitFor('GRANDCHILD');
    const app = appPid(watched);
    expect([statField(app, 5), statField(app, 6)]).toEqual([app, app]);
    watched.sub.kill('SIGUSR2');
    await watched.out.waitFor('got USR2');
    // A barrier: USR1 straight to the group; had the grandchild had the USR2, it said so first.
    process.kill(-app, 'SIGUSR1');
    await watched.out.waitFor('grandchild got USR1');
    process.kill(-app, 'SIGKILL');
    expect(watched.out.lines).not.toContain('grandchild got USR2');
  });
});

describe('as PID 1 (unshare --pid --fork --mount-proc; needs root)', STANDALONE ? notApplicable(NEEDS_SCRIPT) : requires(AS_ROOT, UNSHARE), () => {
  const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc'];

  it('warns once about reaping on a Node.js without node:ffi, forwards SIGTERM and exits with the app', async () => {
    // The reaping runtimes are in watch-init.test.ts; here the one that cannot reap.
    const env = baseEnv(nodeHasFfi() ? { NODE_OPTIONS: '--no-experimental-ffi' } : {});
    const watched = await watch(['--dir', secretsDir({}), appScript()], { prefix: UNSHARE, env });
    const warnings = watched.err.lines.filter((line) => line.includes('is PID 1'));
    expect(warnings).toEqual([expect.stringMatching(/^runsecrets: warn: runsecrets is PID 1: .*not reap orphaned processes.*docker run --init.*tini/)]);
    const pid1 = allProcesses().find((p) => p.ppid === watched.pid);
    if (pid1 === undefined) throw new Error('no runsecrets process under unshare');
    // Inside the namespace runsecrets is PID 1 (its threads and the app come after).
    expect(readFileSync(`/proc/${pid1.pid}/status`, 'utf8')).toMatch(/^NSpid:\s+\d+\s+1$/m);
    process.kill(pid1.pid, 'SIGTERM');
    expect(await watched.exited).toBe(0);
    expect(watched.out.lines).toContain('got TERM');
  });

  it('negative control: a bare Node.js as PID 1 ignores SIGTERM (no handler), which is why runsecrets installs them', async () => {
    const script = "process.on('SIGUSR2', () => { console.log('alive'); process.exit(0); }); console.log('READY'); setInterval(() => {}, 1000);";
    const sub = execa(UNSHARE[0] as string, [...UNSHARE.slice(1), cliCommand()[0], '-e', script], { env: baseEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
    const out = new LineLog(sub.stdout);
    await out.waitFor('READY');
    const pid1 = allProcesses().find((p) => p.ppid === sub.pid);
    if (pid1 === undefined) throw new Error('no node process under unshare');
    process.kill(pid1.pid, 'SIGTERM');
    process.kill(pid1.pid, 'SIGUSR2');
    await out.waitFor('alive');
    expect((await sub).exitCode).toBe(0);
  });
});

describe('on a terminal (script(1) gives runsecrets a pty, as `docker run -it` does)', requires(needs('script', 'apt-get install bsdutils')), () => {
  // The app counts its SIGINTs and SIGQUITs; SIGUSR2 makes it print the counts.
  const APP = "const n = { INT: 0, QUIT: 0 }; for (const s of ['INT', 'QUIT']) process.on(`SIG${s}`, () => console.log(`got ${s} ${++n[s]}`)); process.on('SIGUSR2', () => console.log(`counts INT ${n.INT} QUIT ${n.QUIT}`)); process.on('SIGTERM', () => process.exit(0)); console.log('READY'); setInterval(() => {}, 1000);";
  const quote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`;

  /** runsecrets --watch on the app under script(1); `check` gets the terminal's output and runsecrets' PID. */
  async function onTerminal(flags: readonly string[], check: (out: LineLog, runsecrets: number, type: (text: string) => void) => Promise<void>): Promise<void> {
    const command = [...cliCommand(), '--watch', '--log-level', 'warn', ...flags, '--dir', secretsDir({}), process.execPath, '-e', APP];
    // exec: no shell in between, which would take the ^C too and die of it after runsecrets exits.
    const sub = execa('script', ['-qefc', `exec ${command.map(quote).join(' ')}`, '/dev/null'], { env: baseEnv(), extendEnv: false, reject: false });
    const out = new LineLog(sub.stdout);
    try {
      await out.waitFor(/READY/);
      const runsecrets = descendants(sub.pid ?? 0).map(procInfo).find((p) => p?.argv.includes('--watch'));
      if (runsecrets === undefined) throw new Error('runsecrets not found under script(1)');
      await check(out, runsecrets.pid, (text) => sub.stdin.write(text));
      process.kill(runsecrets.pid, 'SIGTERM');
      expect((await sub).exitCode).toBe(0);
    } finally {
      // Only after a failure is anything left.
      for (const pid of [...descendants(sub.pid ?? 0), sub.pid ?? 0]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await sub;
    }
  }

  const counts = (out: LineLog): string[] => out.lines.filter((line) => /got |counts /.test(line)).map((line) => line.replace(/^\^C|^\^\\|\r$/g, ''));

  it.each([
    ['', [] as string[]],
    [' with --signal-group', ['--signal-group']],
  ])('^C typed on the terminal reaches the app exactly once%s (the app has its own session: the terminal signals runsecrets alone)', async (_case, flags) => {
    await onTerminal(flags, async (out, runsecrets, type) => {
      type('\x03');
      await out.waitFor(/got INT 1/);
      // Forwarded signals keep their order: a second SIGINT for the one ^C would come before this.
      process.kill(runsecrets, 'SIGUSR2');
      await out.waitFor(/counts /);
      expect(counts(out)).toEqual(['got INT 1', 'counts INT 1 QUIT 0']);
    });
  });

  it('a SIGINT or SIGQUIT sent to runsecrets alone (docker stop with STOPSIGNAL SIGINT or SIGQUIT) reaches the app, once each', async () => {
    await onTerminal([], async (out, runsecrets) => {
      process.kill(runsecrets, 'SIGQUIT');
      await out.waitFor(/got QUIT 1/);
      process.kill(runsecrets, 'SIGINT');
      await out.waitFor(/got INT 1/);
      process.kill(runsecrets, 'SIGUSR2');
      await out.waitFor(/counts /);
      expect(counts(out)).toEqual(['got QUIT 1', 'got INT 1', 'counts INT 1 QUIT 1']);
    });
  });
});

describe('the app starts with default signal dispositions, as under gosu', () => {
  const SIGIGN = 'grep SigIgn /proc/self/status; echo READY; sleep 5 & wait $!';
  const NONE = 'SigIgn:\t0000000000000000';

  it.each([
    ['exec mode (process.execve)', [] as string[]],
    ['watch mode (spawn)', ['--watch']],
  ])('%s: Node ignores SIGPIPE and SIGXFSZ for itself; the app does not inherit that', async (_mode, flags) => {
    const dir = secretsDir({ db: 'x\n' });
    if (flags.length === 0) {
      expect((await runCli(['--dir', dir, 'sh', '-c', 'grep SigIgn /proc/self/status'])).stdout).toBe(NONE);
      return;
    }
    const watched = await watch(['--dir', dir, 'sh', '-c', SIGIGN]);
    expect(watched.out.lines[0]).toBe(NONE);
  });

  it('through the launcher of a supervisor that stays root (needs root)', requires(AS_ROOT), async () => {
    const dir = secretsDir({ db: 'x\n' });
    chmodSync(join(dir, 'db'), 0o400);
    const watched = await watch(['--user', 'nobody', '--dir', dir, 'sh', '-c', SIGIGN]);
    expect(watched.err.text).toMatch(/supervisor stays root/);
    expect(watched.out.lines[0]).toBe(NONE);
  });

  it('negative control: process.execve without the reset passes Node\'s ignored signals on', async () => {
    const script = "process.execve('/bin/sh', ['sh', '-c', 'grep SigIgn /proc/self/status'], {})";
    const result = await execa(process.execPath, ['-e', script], { env: baseEnv(), extendEnv: false, reject: false });
    expect(result.stdout).toMatch(/^SigIgn:\t0+1001000$/);
  });
});

it('--check --watch reports watch mode (negative control: exec without --watch)', async () => {
  const dir = secretsDir({});
  expect((await runCli(['--check', '--watch', '--dir', dir, 'true'])).stdout).toMatch(/^mode: watch$/m);
  expect((await runCli(['--check', '--dir', dir, 'true'])).stdout).toMatch(/^mode: exec$/m);
});

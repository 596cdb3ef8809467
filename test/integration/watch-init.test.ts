// Watch mode's init duties (SPEC §6, src/process/reaper.ts). As PID 1 (unshare --pid --fork
// --mount-proc: a container without --init or tini) runsecrets reaps the orphans of an app
// that double-forks, as tini does, and still exits with the app's own status (its code,
// 128+N); as any other process it is a child subreaper, so the app's orphans come to it.
// Every case runs on each subject (test/helpers/init.ts): the executable and the bundle on
// a Node.js with node:ffi reap; the bundle without an FFI is the negative control, where
// the same orphans stay zombies and PID 1 warns.

import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEnv } from '../helpers/cli.js';
import { secretsDir } from '../helpers/fixtures.js';
import { orphanApp, subjects, until, zombiesOf, type Subject } from '../helpers/init.js';
import { allProcesses } from '../helpers/processes.js';
import { AS_ROOT, requires, UNSHARE as UNSHARE_NEED } from '../helpers/requirements.js';
import { killWatch, startWatch, type Watched } from '../helpers/watch.js';

const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc'];
const ORPHAN_DONE = /^orphan (\d+) done, parent (\d+)$/;
const REAPED = /^runsecrets: debug: reaped orphaned process \d+ \(exit 0\)$/;
const PID1_WARNING = /^runsecrets: warn: runsecrets is PID 1: .*does not reap orphaned processes/;

const running: Watched[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
});

async function watch(subject: Subject, app: string, prefix: readonly string[] = [], args: readonly string[] = ['--dir', secretsDir({})]): Promise<Watched> {
  const watched = await startWatch(['--log-level', 'debug', ...args, app], { cli: subject.cli, env: baseEnv(subject.env), prefix });
  running.push(watched);
  return watched;
}

/** runsecrets as this machine sees it: unshare's child when started under unshare. */
function runsecretsPid(watched: Watched, underUnshare: boolean): number {
  if (!underUnshare) return watched.pid;
  const child = allProcesses().find((p) => p.ppid === watched.pid);
  if (child === undefined) throw new Error(`no child of unshare (${watched.pid})`);
  return child.pid;
}

/** Resolves once `count` lines match `match` on `log`. */
async function lines(log: Watched['out'], match: RegExp, count: number): Promise<void> {
  let from = 0;
  for (let i = 0; i < count; i++) from = (await log.waitFor(match, { from, ceilingMs: 15_000 })) + 1;
}

/** Once the orphans have all exited: none left a zombie where runsecrets reaps, all of them where it cannot. */
async function expectReaped(subject: Subject, watched: Watched, pid: number, orphans: number): Promise<void> {
  if (subject.reaps) {
    await lines(watched.err, REAPED, orphans);
    expect(zombiesOf(pid)).toEqual([]);
    expect(watched.err.count(REAPED)).toBe(orphans);
  } else {
    await until(() => zombiesOf(pid).length === orphans, `${orphans} zombie children of runsecrets (${pid})`);
  }
}

describe.each(subjects())('$name', (subject) => {
  describe('as PID 1 (needs root for unshare)', requires(subject.need, AS_ROOT, UNSHARE_NEED), () => {
    it('reaps orphans that exit after their parent, leaves no zombie, and exits with the app\'s code', async () => {
      const watched = await watch(subject, orphanApp({ orphans: 5, seconds: '0.3', code: 3 }), UNSHARE);
      const pid = runsecretsPid(watched, true);
      await lines(watched.out, ORPHAN_DONE, 5);
      // Reparented to PID 1 of the namespace, runsecrets, whether or not it reaps.
      expect(watched.out.lines.filter((line) => ORPHAN_DONE.test(line)).map((line) => line.replace(ORPHAN_DONE, '$2'))).toEqual(['1', '1', '1', '1', '1']);
      await expectReaped(subject, watched, pid, 5);
      expect(watched.err.count(PID1_WARNING)).toBe(subject.reaps ? 0 : 1);
      if (subject.reaps) expect(watched.err.text).toMatch(/^runsecrets: debug: runsecrets is PID 1: it reaps orphaned processes, as tini does/m);
      process.kill(pid, 'SIGUSR1');
      expect(await watched.exited).toBe(3);
    });

    it.each([
      ['its code', { code: 5 }, 5],
      ['128+N when it dies of signal N', { die: 'KILL' }, 137],
    ] as const)('exits with the app, %s, while orphans still run (they end with the namespace)', async (_case, how, status) => {
      const watched = await watch(subject, orphanApp({ orphans: 3, seconds: '30', ...how }), UNSHARE);
      process.kill(runsecretsPid(watched, true), 'SIGUSR1');
      expect(await watched.exited).toBe(status);
      expect(watched.out.count(ORPHAN_DONE)).toBe(0);
    });

    it.each([
      ['drops to nobody too (nobody can read every watched path)', 0o644, /^runsecrets: debug: supervisor runs as nobody /m],
      ['stays root and starts the app through the launcher, whose PID becomes the app\'s (a root-only secret)', 0o400, /^runsecrets: supervisor stays root: /m],
    ] as const)('--user nobody: the supervisor %s, reaps the orphans and passes the app\'s code on', async (_case, mode, line) => {
      const dir = secretsDir({ db: 'x\n' });
      chmodSync(join(dir, 'db'), mode);
      const watched = await watch(subject, orphanApp({ orphans: 2, seconds: '0.3', code: 6 }), UNSHARE, ['--user', 'nobody', '--dir', dir]);
      const pid = runsecretsPid(watched, true);
      expect(watched.err.text).toMatch(line);
      await lines(watched.out, ORPHAN_DONE, 2);
      await expectReaped(subject, watched, pid, 2);
      process.kill(pid, 'SIGUSR1');
      expect(await watched.exited).toBe(6);
    });

    it('a signal storm while 200 orphans exit: every signal reaches the app once, every orphan is reaped', async () => {
      const watched = await watch(subject, orphanApp({ orphans: 0, seconds: '0', stream: 200 }), UNSHARE);
      const pid = runsecretsPid(watched, true);
      const signals = ['HUP', 'QUIT', 'USR2', 'WINCH', 'ALRM'] as const;
      for (let round = 1; round <= 20; round++) {
        for (const signal of signals) process.kill(pid, `SIG${signal}`);
        for (const signal of signals) await until(() => watched.out.count(`got ${signal}`) >= round, `round ${round}: got ${signal}`);
      }
      await watched.out.waitFor('spawned 200');
      await lines(watched.out, ORPHAN_DONE, 200);
      await expectReaped(subject, watched, pid, 200);
      for (const signal of signals) expect(watched.out.count(`got ${signal}`), signal).toBe(20);
      process.kill(pid, 'SIGTERM');
      expect(await watched.exited).toBe(0);
      expect(watched.out.lines).toContain('got TERM');
    });
  });

  it(`not PID 1: ${subject.reaps ? 'a child subreaper, so the app\'s orphans are reparented to runsecrets and reaped' : 'the app\'s orphans go elsewhere'}`, requires(subject.need), async () => {
    const watched = await watch(subject, orphanApp({ orphans: 2, seconds: '0.3', code: 4 }));
    await lines(watched.out, ORPHAN_DONE, 2);
    const parents = watched.out.lines.filter((line) => ORPHAN_DONE.test(line)).map((line) => Number(line.replace(ORPHAN_DONE, '$2')));
    if (subject.reaps) {
      expect(parents).toEqual([watched.pid, watched.pid]);
      expect(watched.err.text).toMatch(/^runsecrets: debug: runsecrets is a child subreaper \(prctl PR_SET_CHILD_SUBREAPER\)/m);
      await expectReaped(subject, watched, watched.pid, 2);
    } else {
      expect(parents).not.toContain(watched.pid);
      expect(zombiesOf(watched.pid)).toEqual([]);
    }
    process.kill(watched.pid, 'SIGUSR1');
    expect(await watched.exited).toBe(4);
  });
});

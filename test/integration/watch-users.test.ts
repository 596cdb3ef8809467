// --user in watch mode (SPEC §5, §6): the app's `id -u`, `id -g`, `id -G` and $HOME are
// what gosu gives, whether the supervisor drops to the user (it can read the secrets)
// or stays root (it cannot) and starts each app through its launcher; and the
// supervisor's own ids, read from /proc, are the user's after a drop.

import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, NEEDS_SCRIPT, runCli, STANDALONE } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { nodeWithoutExecve, procInfo } from '../helpers/processes.js';
import { AS_ROOT, GOSU, requires, skipNotApplicable, skipUnless, USERADD } from '../helpers/requirements.js';
import { appScript, killWatch, startWatch, starts, waitForStart, type Watched } from '../helpers/watch.js';

const NAME = `rswatch_${randomBytes(4).toString('hex')}`;
const GROUPS = [`${NAME}_a`, `${NAME}_b`] as const;
const SHOW = 'echo "ids $(id -u) $(id -g) $(id -G) $HOME"';

const running: Watched[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
});

async function admin(file: string, args: readonly string[]): Promise<string> {
  return (await execa(file, args, { env: baseEnv(), extendEnv: false })).stdout;
}

async function gosu(spec: string): Promise<string> {
  return (await execa('gosu', [spec, 'sh', '-c', SHOW], { env: baseEnv(), extendEnv: false, stdin: 'ignore', cwd: '/' })).stdout;
}

/** `Uid:`, `Gid:` and `Groups:` of /proc/PID/status. */
function procIds(pid: number): { uid: string; gid: string; groups: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => (new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).join(' ');
  return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups') };
}

/** A temp dir with an explicit mode (0755: anyone may read and enter, nobody else write). */
function openDir(mode = 0o755): string {
  const dir = tempDir();
  chmodSync(dir, mode);
  return dir;
}

/** A secrets dir the user can read (0755, files 0644) or only root can (files 0400). */
function secrets(readable: boolean): string {
  const dir = secretsDir({ db: 'one\n' });
  chmodSync(join(dir, 'db'), readable ? 0o644 : 0o400);
  return dir;
}

describe('--user in watch mode gives what gosu gives (needs root: creates a user with supplementary groups)', requires(AS_ROOT, USERADD, GOSU), () => {
  beforeAll(async () => {
    for (const group of GROUPS) await admin('groupadd', [group]);
    await admin('useradd', ['--no-create-home', '--home-dir', `/home/${NAME}`, '--shell', '/bin/sh', '--user-group', '--groups', GROUPS.join(','), NAME]);
  });
  afterAll(async () => {
    await execa('userdel', [NAME], { env: baseEnv(), extendEnv: false, reject: false });
    for (const group of [NAME, ...GROUPS]) await execa('groupdel', [group], { env: baseEnv(), extendEnv: false, reject: false });
  });

  const watch = async (spec: string, dir: string, options: { node?: string; args?: readonly string[] } = {}): Promise<Watched> => {
    const watched = await startWatch(['--wait', '50ms', '--prefix', 'T_', ...(options.args ?? []), '--user', spec, '--dir', dir, appScript({ extra: SHOW })], options);
    running.push(watched);
    return watched;
  };

  describe.each([
    ['drops to the user (it can read the secrets)', true],
    ['stays root (only root can read the secrets) and starts the app through its launcher', false],
  ])('the supervisor %s', (_title, readable) => {
    it.each(['{user}', '{user}:{a}', 'nobody'])('--user %s, before and after a restart', async (template) => {
      const spec = template.replace('{user}', NAME).replace('{a}', GROUPS[0]);
      const [theirs, dir] = [await gosu(spec), secrets(readable)];
      const watched = await watch(spec, dir);
      expect(watched.out.lines.find((line) => line.startsWith('ids '))).toBe(theirs);
      writeFileSync(join(dir, 'db'), 'two\n');
      await waitForStart(watched, /T_DB=two /);
      await watched.out.waitFor(theirs, { from: watched.out.lines.indexOf(starts(watched)[1] as string) });
      const self = procIds(watched.pid);
      const [uid, gid] = theirs.split(' ').slice(1, 3);
      if (readable) {
        expect(self.uid).toBe(`${uid} ${uid} ${uid} ${uid}`);
        expect(self.gid).toBe(`${gid} ${gid} ${gid} ${gid}`);
        expect(watched.err.text).not.toMatch(/supervisor stays root/);
      } else {
        expect(self.uid).toBe('0 0 0 0');
        expect(watched.err.text).toMatch(new RegExp(`^runsecrets: supervisor stays root: user \\S+ \\(${uid}\\) cannot read ${dir}/db \\(owner 0:0, mode 0400\\); the command still runs as `, 'm'));
      }
    });
  });

  it('a dropped supervisor re-renders its templates as the user, and one that cannot write the destination stays root', async () => {
    const [dir, uid] = [secrets(true), Number(await admin('id', ['-u', NAME]))];
    const templates = writeFiles(openDir(), { 'app.conf.tmpl': 'db={{ secrets.db }}\n' });
    for (const [out, drops] of [[join(openDir(), 'out', 'app.conf'), true], [join(openDir(0o755), 'app.conf'), false]] as const) {
      const app = appScript({ traps: [], extra: `trap 'echo "got HUP $(cat ${out})"' HUP` });
      const watched = await startWatch(['--wait', '50ms', '--explicit', '--reload-signal', 'SIGHUP', '--user', NAME, '--template', `${join(templates, 'app.conf.tmpl')}:${out}`, '--dir', dir, app]);
      running.push(watched);
      expect(procIds(watched.pid).uid.startsWith('0 ')).toBe(!drops);
      if (!drops) expect(watched.err.text).toMatch(/supervisor stays root: .*cannot write into .*, where template .*app\.conf is written/);
      writeFileSync(join(dir, 'db'), drops ? 'two\n' : 'three\n');
      await watched.out.waitFor(`got HUP db=${drops ? 'two' : 'three'}`);
      // Either way the file belongs to the user, as --template says.
      expect(statSync(out).uid).toBe(uid);
    }
  });

  it('a supervisor that stays root finds the command the user can reach on PATH, as exec mode does', async () => {
    // PATH: first a dir only root may enter, then an open one, each with an `app`.
    const root = openDir();
    const bin = (name: string, mode: number): string => {
      const dir = writeFiles(join(root, name), { app: `#!/bin/sh\necho "${name} app"\necho READY\n[ -z "$STAY" ] || exec sleep 60\n` });
      chmodSync(join(dir, 'app'), 0o755);
      chmodSync(dir, mode);
      return dir;
    };
    const path = `${bin('hidden', 0o700)}:${bin('reachable', 0o755)}:${baseEnv().PATH}`;
    const args = ['--user', NAME, '--dir', secrets(false), 'app'];
    const exec = await runCli(args, { env: baseEnv({ PATH: path }) });
    expect(exec.stdout.split('\n')[0]).toBe('reachable app');
    const watched = await startWatch(args, { env: baseEnv({ PATH: path, STAY: '1' }) });
    running.push(watched);
    expect(watched.err.text).toMatch(/supervisor stays root/);
    expect(watched.out.lines[0]).toBe('reachable app');
  });

  it('a signal that arrives while the launcher starts the new app does not end supervision; the running app gets the next one', async () => {
    // SIGHUP goes to runsecrets as soon as a launcher shows (it runs for about 40 ms). On a
    // busy host the launcher may have exec'd the app by the time the supervisor reads the
    // signal; the app then gets it, rightly, before its traps are set, and dies of it. Only
    // a signal the supervisor says it held back counts; a run that lost its app the other
    // way starts again.
    const HELD_BACK = /SIGHUP arrived while the command was being started; not passed on/;
    let held: Watched | undefined;
    for (let run = 1; run <= 4 && held === undefined; run += 1) {
      const dir = secrets(false);
      const watched = await watch(NAME, dir, { args: ['--log-level', 'debug'] });
      expect(watched.err.text).toMatch(/supervisor stays root/);
      for (let attempt = 1; attempt <= 5 && held === undefined && watched.sub.exitCode === null; attempt += 1) {
        const [from, errFrom] = [watched.out.lines.length, watched.err.lines.length];
        const started = new RegExp(`T_DB=value-${attempt} `);
        writeFileSync(join(dir, 'db'), `value-${attempt}\n`);
        const launcher = await launcherShows(watched.pid);
        // The app died of the last attempt's SIGHUP and took supervision with it: a new run.
        if (launcher === 'supervisor gone') break;
        if (launcher === 'not seen') {
          await waitForStart(watched, started, from);
          continue;
        }
        process.kill(watched.pid, 'SIGHUP');
        const outcome = await waitForStart(watched, started, from).then(() => 'started', () => 'ended');
        if (outcome === 'started' && (await watched.err.waitFor(HELD_BACK, { from: errFrom, ceilingMs: 2000 }).then(() => true, () => false))) held = watched;
      }
    }
    if (held === undefined) throw new Error('in 4 runs of 5 restarts, no SIGHUP reached the supervisor while a launcher was starting the app');
    // Still supervising: the app now running gets the next SIGHUP.
    const mark = held.out.lines.length;
    process.kill(held.pid, 'SIGHUP');
    await held.out.waitFor('got HUP', { from: mark });
    expect(held.sub.exitCode).toBeNull();
  });

  it('negative control: a Node.js without process.execve cannot keep the groups when it stays root, and says so', async (context) => {
    skipNotApplicable(context, STANDALONE ? NEEDS_SCRIPT : undefined);
    const old = nodeWithoutExecve();
    skipUnless(context, 'need' in old ? old.need : undefined);
    if (!('node' in old)) return;
    const theirs = await gosu(NAME);
    const watched = await watch(NAME, secrets(false), { node: old.node });
    const ours = watched.out.lines.find((line) => line.startsWith('ids '));
    expect(ours).not.toBe(theirs);
    expect(ours?.split(' ').slice(0, 4)).toEqual(theirs.split(' ').slice(0, 4));
    expect(watched.err.text).toMatch(/runs without its supplementary groups/);
  });
});

/** Polls (about every millisecond, for up to 2 s) for a child of `pid` that is the launcher; `pid` may have ended meanwhile. */
async function launcherShows(pid: number): Promise<'seen' | 'not seen' | 'supervisor gone'> {
  const until = Date.now() + 2000;
  while (Date.now() < until) {
    let children: string[];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean);
    } catch {
      return 'supervisor gone';
    }
    if (children.some((child) => procInfo(Number(child))?.argv.includes('--runsecrets-internal-launch'))) return 'seen';
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return 'not seen';
}

// Changes that inotify on a directory never reports (issue 11, item 5), made for real:
// a single file bind-mounted as a secret (Compose `secrets: file:`) and edited in place
// from outside the container's mount namespace; a tmpfs mounted over a watched dir after
// the start; inotify refused because the app's user holds all its instances. Each used to
// leave the app on the old value for good.

import { execa, type ResultPromise } from 'execa';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretsDir, tempDir } from '../helpers/fixtures.js';
import { LineLog } from '../helpers/processes.js';
import { AS_ROOT, needs, requires, SETPRIV, UNSHARE } from '../helpers/requirements.js';
import { appScript, killWatch, startWatch, waitForStart, type Watched } from '../helpers/watch.js';

/** Root to mount in a mount namespace, and the tools to make one and enter it. */
const MOUNTS = [AS_ROOT, UNSHARE, needs('nsenter', 'apt-get install util-linux')];

const running: Watched[] = [];
const others: ResultPromise[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
  for (const other of others.splice(0)) {
    other.kill('SIGKILL');
    await other.catch(() => undefined);
  }
});

async function watch(args: readonly string[], prefix: readonly string[] = []): Promise<Watched> {
  const watched = await startWatch(['--prefix', 'T_', '--wait', '50ms', ...args], { prefix });
  running.push(watched);
  return watched;
}

/** A private mount namespace (unshare without --fork execs: runsecrets keeps the PID) with `setup` run in it first. */
const inNamespace = (setup: string): string[] => ['unshare', '--mount', 'sh', '-c', `${setup} && exec "$@"`, 'sh'];

/** Runs `script` in the mount namespace of process `pid`. */
const inside = (pid: number, script: string) => execa('nsenter', ['--mount', `--target=${pid}`, 'sh', '-c', script]);

describe('a single file bind-mounted as a secret, edited in place outside the namespace (needs root: mount and unshare --mount)', requires(...MOUNTS), () => {
  it('is watched on its own inode: the edit restarts the app, with --resync off; negative control: the directory\'s own watch never reports it', async () => {
    const host = join(tempDir(), 'db-on-the-host');
    writeFileSync(host, 'one\n');
    const dir = secretsDir({ db: '' });
    const watched = await watch(['--log-level', 'debug', '--resync', 'off', '--dir', dir, appScript()], inNamespace(`mount --bind ${host} ${join(dir, 'db')}`));
    await waitForStart(watched, /T_DB=one /);
    // The negative control: a plain inotify watch on the directory, in the same namespace.
    const probe = execa('nsenter', ['--mount', `--target=${watched.pid}`, process.execPath, '-e', `require('fs').watch(${JSON.stringify(dir)}, (e, f) => console.log('dir event ' + f)); console.log('READY')`]);
    others.push(probe);
    const seen = new LineLog(probe.stdout);
    await seen.waitFor('READY');
    writeFileSync(host, 'two\n');
    await waitForStart(watched, /T_DB=two /);
    // A sentinel the directory's watch does report: had it seen the edit, that line came first.
    await inside(watched.pid, `echo x > ${join(dir, '.sentinel')}`);
    await seen.waitFor('dir event .sentinel');
    expect(seen.lines).not.toContain('dir event db');
  });
});

describe('a tmpfs mounted over a watched dir after the start (needs root: mount and unshare --mount)', requires(...MOUNTS), () => {
  it('is found by the resync, which applies its content and watches the new file system from then on', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--log-level', 'debug', '--resync', '1s', '--dir', dir, appScript()], inNamespace('true'));
    await inside(watched.pid, `mount -t tmpfs tmpfs ${dir} && echo two > ${join(dir, 'db')}`);
    const rearmed = await watched.err.waitFor(/the mounts at the watched paths changed; watching them again/);
    await waitForStart(watched, /T_DB=two /);
    // The resync's read follows the new watcher's start (the catch-up read at start may
    // have applied "two" already, through the tmpfs): from then on the new one watches.
    await watched.err.waitFor(/resync: the content is identical|^runsecrets: rotation: /, { from: rearmed });
    // The new file system is watched itself: inotify reports a write inside it.
    await inside(watched.pid, `echo three > ${join(dir, 'db')}`);
    await waitForStart(watched, /T_DB=three /);
    // (The resync reports no events: an event line for db after the re-arm is the new watch's.)
    const events = watched.err.lines.slice(rearmed).filter((line) => /^runsecrets: debug: (raw )?(change|add|rename) /.test(line) && line.endsWith(join(dir, 'db')));
    expect(events, watched.err.text).not.toEqual([]);
  });
});

/** A python3 that another user can run (pyenv's shims live under /root). */
const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((path) => existsSync(path));
/** A uid of its own, so that no other test's inotify use (as nobody, say) meets the limit reached here. */
const UID = 47_110;
const HOLD = [
  'import ctypes, sys',
  'libc = ctypes.CDLL(None, use_errno=True)',
  'held = []',
  'while libc.inotify_init() >= 0: held.append(1)',
  'print("HOLDING", len(held), flush=True)',
  'sys.stdin.read()',
].join('\n');

const PYTHON_NEED = PYTHON === undefined ? 'python3 at /usr/bin or /usr/local/bin (apt-get install python3)' : undefined;

describe("inotify refused: the app's user holds all its inotify instances (needs root: setpriv to another uid)", requires(AS_ROOT, SETPRIV, PYTHON_NEED), () => {
  /** Holds every inotify instance of UID until the test ends (afterEach kills it). */
  async function holdInstances(): Promise<void> {
    const holder = execa('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', PYTHON as string, '-c', HOLD], { stdin: 'pipe' });
    others.push(holder);
    await new LineLog(holder.stdout).waitFor(/^HOLDING \d+$/);
  }

  it('falls back to polling with a warning, and applies a change', async () => {
    await holdInstances();
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--user', String(UID), '--dir', dir, appScript()]);
    expect(watched.err.text).toMatch(/^runsecrets: warn: inotify is unavailable \(EMFILE: this user's limit of inotify instances \(fs\.inotify\.max_user_instances\) is reached, perhaps by the app running as the same user\); polling every 1s instead$/m);
    expect(watched.err.text).not.toMatch(/watching failed/);
    writeFileSync(join(dir, 'db'), 'two\n');
    await waitForStart(watched, /T_DB=two /);
  });

  it('negative control: with the instances free, inotify is used and says nothing', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--user', String(UID), '--dir', dir, appScript()]);
    expect(watched.err.text).not.toMatch(/inotify is unavailable|watching failed/);
    writeFileSync(join(dir, 'db'), 'two\n');
    await waitForStart(watched, /T_DB=two /);
  });
});

describe('the periodic resync (--resync) is a backstop for anything no event reported', () => {
  it('applies a change that the watcher does not report (a poll that never comes)', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--poll', '596h', '--resync', '1s', '--dir', dir, appScript()]);
    writeFileSync(join(dir, 'db'), 'two\n');
    await waitForStart(watched, /T_DB=two /);
  });

  it('costs nothing when nothing changed: a resync of the same content restarts nothing, and is said at debug only', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--log-level', 'debug', '--resync', '1s', '--dir', dir, appScript()]);
    const first = await watched.err.waitFor(/resync: the content is identical, nothing to do/);
    await watched.err.waitFor(/resync: the content is identical, nothing to do/, { from: first + 1 });
    expect(watched.out.lines.filter((line) => line.startsWith('start '))).toHaveLength(1);
    expect(watched.err.lines.filter((line) => /^runsecrets: (warn|error): |^runsecrets: rotation: /.test(line))).toEqual([]);
  });
});

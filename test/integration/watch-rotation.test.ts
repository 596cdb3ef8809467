// Rotation in watch mode (SPEC §7) through the built CLI, with real files and real
// processes: every kind of change is noticed, with inotify and with --poll; identical
// content does nothing; bursts settle into one restart; an invalid state keeps the
// running app; a stop that times out ends in SIGKILL; SIGTERM during a restart ends it.

import { renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kubernetesDir, kubernetesUpdate, secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { appScript, killWatch, startWatch, starts, stopWatch, waitForStart, type Watched } from '../helpers/watch.js';

const running: Watched[] = [];
afterEach(async () => {
  for (const watched of running.splice(0)) await killWatch(watched);
});

async function watch(args: readonly string[]): Promise<Watched> {
  const watched = await startWatch(['--prefix', 'T_', ...args]);
  running.push(watched);
  return watched;
}

/** The rotation info lines so far. */
const rotations = (watched: Watched) => watched.err.lines.filter((line) => line.startsWith('runsecrets: rotation: '));

type Change = { name: string; layout: 'plain' | 'kubernetes'; apply: (dir: string) => void; expect: RegExp };
const CHANGES: Change[] = [
  { name: 'in-place write', layout: 'plain', apply: (dir) => writeFileSync(join(dir, 'db'), 'new-db-value\n'), expect: /T_DB=new-db-value / },
  {
    name: 'rename over',
    layout: 'plain',
    apply: (dir) => {
      writeFileSync(join(dir, '.db.tmp'), 'renamed-value\n');
      renameSync(join(dir, '.db.tmp'), join(dir, 'db'));
    },
    expect: /T_DB=renamed-value /,
  },
  {
    name: 'delete and re-create',
    layout: 'plain',
    apply: (dir) => {
      rmSync(join(dir, 'db'));
      writeFileSync(join(dir, 'db'), 'recreated-value\n');
    },
    expect: /T_DB=recreated-value /,
  },
  { name: 'new file', layout: 'plain', apply: (dir) => writeFileSync(join(dir, 'api_key'), 'added-key\n'), expect: /T_API_KEY=added-key T_DB=old-value / },
  { name: 'Kubernetes ..data swap', layout: 'kubernetes', apply: (dir) => kubernetesUpdate(dir, { db: 'swapped-value' }), expect: /T_DB=swapped-value / },
  { name: 'new key in a Kubernetes volume', layout: 'kubernetes', apply: (dir) => kubernetesUpdate(dir, { db: 'old-value', api_key: 'k8s-key' }), expect: /T_API_KEY=k8s-key T_DB=old-value / },
];

// The whole table runs twice, as chokidar's own suite does: inotify, then polling.
describe.each([
  ['inotify', [] as string[]],
  ['--poll 50ms', ['--poll', '50ms']],
])('every kind of change is noticed (%s)', (_mode, pollArgs) => {
  it.each(CHANGES)('$name', async ({ layout, apply, expect: wanted }) => {
    const dir = layout === 'plain' ? secretsDir({ db: 'old-value\n' }) : kubernetesDir({ db: 'old-value' });
    const watched = await watch([...pollArgs, '--wait', '100ms:1s', '--dir', dir, appScript()]);
    expect(starts(watched)).toEqual([expect.stringMatching(/ T_DB=old-value $/)]);
    apply(dir);
    await waitForStart(watched, wanted);
    expect(watched.out.lines).toContain('got TERM');
    // One rotation line (one change of one key is one rotation), fingerprints only.
    await watched.err.waitFor(/^runsecrets: rotation: /);
    expect(rotations(watched)).toEqual([expect.stringMatching(/^runsecrets: rotation: T_(API_KEY added|DB) sha256:[0-9a-f]{8}.*; restarted the command in \d+ ms$/)]);
    expect(watched.err.text).not.toMatch(/old-value|new-db-value|renamed-value|recreated-value|added-key|swapped-value|k8s-key/);
    expect(await stopWatch(watched)).toBe(0);
    expect(starts(watched)).toHaveLength(2);
  });
});

describe('what a rotation does', () => {
  it('identical content does nothing: a rewrite of the same bytes and a touch restart nothing (a sentinel change does)', async () => {
    const dir = secretsDir({ db: 'same-value\n', other: 'one\n' });
    // A little --wait: an in-place write is a truncate then a write, and a re-read in
    // between would see an empty file (which is what --wait is for).
    const watched = await watch(['--wait', '100ms', '--log-level', 'debug', '--dir', dir, appScript()]);
    const identical = /content is identical, nothing to do/;
    // The catch-up read after the watcher is ready finds nothing new.
    await watched.err.waitFor(identical);
    for (const change of [() => writeFileSync(join(dir, 'db'), 'same-value\n'), () => utimesSync(join(dir, 'db'), new Date(), new Date(Date.now() + 5000))]) {
      const mark = watched.err.lines.length;
      change();
      await watched.err.waitFor(identical, { from: mark });
    }
    // Sentinel: a real change after those does restart, so the count below can fail.
    writeFileSync(join(dir, 'other'), 'two\n');
    await waitForStart(watched, /T_OTHER=two /);
    expect(starts(watched)).toHaveLength(2);
    // The rotation line follows the spawn: wait for it rather than race the app's output.
    await watched.err.waitFor(/^runsecrets: rotation: /);
    expect(rotations(watched)).toEqual([expect.stringMatching(/^runsecrets: rotation: T_OTHER sha256:/)]);
  });

  it('a burst of 30 writes gives one restart, with the last value', async () => {
    const dir = secretsDir({ db: 'v-start\n', other: 'one\n' });
    const watched = await watch(['--wait', '300ms:5s', '--dir', dir, appScript()]);
    for (let i = 0; i < 30; i += 1) writeFileSync(join(dir, 'db'), `v-${i}\n`);
    await waitForStart(watched, /T_DB=v-29 /);
    // Sentinel: one more change restarts once more; had the burst restarted twice, there would be 4 starts.
    writeFileSync(join(dir, 'other'), 'two\n');
    await waitForStart(watched, /T_OTHER=two /);
    expect(starts(watched).map((line) => line.replace(/^start \d+ /, ''))).toEqual(['T_DB=v-start T_OTHER=one ', 'T_DB=v-29 T_OTHER=one ', 'T_DB=v-29 T_OTHER=two ']);
  });

  it('an invalid rotation keeps the running app, names the problem, keeps watching, and a later fix is applied', async () => {
    const dir = secretsDir({ db: 'good-value\n' });
    const watched = await watch(['--wait', '50ms', '--require', 'db', '--dir', dir, appScript()]);
    writeFileSync(join(dir, 'db'), '');
    await watched.err.waitFor(/^runsecrets: error: rotation not applied \(1 problem\(s\)\)/);
    expect(watched.err.text).toMatch(/^runsecrets: error: secret "db" is required \(--require\) but .*db is empty/m);
    expect(starts(watched)).toHaveLength(1);
    writeFileSync(join(dir, 'db'), 'fixed-value\n');
    await waitForStart(watched, /T_DB=fixed-value /);
    expect(starts(watched)).toHaveLength(2);
    await watched.err.waitFor(/^runsecrets: rotation: /);
    // Compared with the applied state: db went good → fixed, never to the invalid one.
    expect(rotations(watched)).toEqual([expect.stringMatching(/^runsecrets: rotation: T_DB sha256:\w{8}→\w{8}; restarted/)]);
  });

  it('an app that ignores SIGTERM is killed after --stop-timeout and replaced', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--wait', '50ms', '--stop-timeout', '300ms', '--dir', dir, appScript({ onTerm: 'echo "ignoring TERM"' })]);
    writeFileSync(join(dir, 'db'), 'two\n');
    await waitForStart(watched, /T_DB=two /);
    expect(watched.out.lines).toContain('ignoring TERM');
    expect(watched.err.text).toMatch(/did not stop within 300 ms of SIGTERM \(--stop-timeout\); sending SIGKILL/);
  });

  it('--stop-signal is what stops the app for a restart', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const app = appScript({ traps: [], extra: `trap 'echo "got QUIT"; exit 0' QUIT` });
    const watched = await watch(['--wait', '50ms', '--stop-signal', 'SIGQUIT', '--dir', dir, app]);
    writeFileSync(join(dir, 'db'), 'two\n');
    await waitForStart(watched, /T_DB=two /);
    expect(watched.out.lines).toContain('got QUIT');
    expect(watched.out.lines).not.toContain('got TERM');
  });

  describe('SIGTERM during a restart ends everything: no new app', () => {
    const slowStop = appScript({ onTerm: 'echo "got TERM, stopping"; sleep 0.5; exit 7' });

    it('runsecrets exits with the old app\'s status and starts nothing', async () => {
      const dir = secretsDir({ db: 'one\n' });
      const watched = await watch(['--wait', '50ms', '--dir', dir, slowStop]);
      writeFileSync(join(dir, 'db'), 'two\n');
      await watched.out.waitFor('got TERM, stopping');
      watched.sub.kill('SIGTERM');
      expect(await watched.exited).toBe(7);
      expect(starts(watched)).toHaveLength(1);
      expect(rotations(watched)).toEqual([]);
    });

    it('negative control: without the SIGTERM the restart does start the new app', async () => {
      const dir = secretsDir({ db: 'one\n' });
      const watched = await watch(['--wait', '50ms', '--dir', dir, slowStop]);
      writeFileSync(join(dir, 'db'), 'two\n');
      await waitForStart(watched, /T_DB=two /);
      expect(starts(watched)).toHaveLength(2);
    });
  });

  it.each([
    ['inotify', [] as string[]],
    ['--poll 50ms', ['--poll', '50ms']],
  ])('a secret dir deleted and created again is still watched (%s)', async (_mode, pollArgs) => {
    const dir = secretsDir({ db: 'one\n' });
    const watched = await watch(['--wait', '100ms', ...pollArgs, '--dir', dir, appScript()]);
    rmSync(dir, { recursive: true });
    await watched.err.waitFor(/rotation not applied/);
    writeFiles(dir, { db: 'two\n' });
    await waitForStart(watched, /T_DB=two /);
    // The watch on the new dir itself: an in-place write inside it is noticed too.
    writeFileSync(join(dir, 'db'), 'three\n');
    await waitForStart(watched, /T_DB=three /);
    expect(starts(watched)).toHaveLength(3);
  });

  it('watches --dotenv files and NAME_FILE targets too', async () => {
    const dir = secretsDir({ db: 'one\n' });
    const elsewhere = writeFiles(secretsDir({}), { 'dev.env': 'T_LEVEL=debug\n', token: 'tok-1\n' });
    const env = { T_TOKEN_FILE: join(elsewhere, 'token') };
    const watched = await startWatch(['--wait', '50ms', '--file-env', 'any', '--dir', dir, '--dotenv', join(elsewhere, 'dev.env'), '--prefix', 'T_', appScript()], { env: { ...baseEnvWith(env) } });
    running.push(watched);
    writeFileSync(join(elsewhere, 'dev.env'), 'T_LEVEL=info\n');
    await waitForStart(watched, /T_LEVEL=info /);
    writeFileSync(join(elsewhere, 'token'), 'tok-2\n');
    await waitForStart(watched, /T_TOKEN=tok-2 /);
    expect(starts(watched)).toHaveLength(3);
  });
});

function baseEnvWith(extra: Record<string, string>): Record<string, string> {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', ...extra };
}

describe('never a secret value in runsecrets\' own output', () => {
  it('at --log-level debug, through a restart, a reload, an invalid rotation and a template error (text and JSON)', async () => {
    const values = ['Zq9-first-db-value-7Hk', 'Zq9-second-db-value-3Mx', 'Zq9-api-token-value-1Lp', 'Zq9-template-only-9Qa'];
    for (const format of ['text', 'json']) {
      const dir = secretsDir({ db: `${values[0]}\n`, token: `${values[2]}\n`, 'tmpl-only': `${values[3]}\n` });
      const templates = writeFiles(tempDir(), { 'app.conf.tmpl': 'db={{ secrets.db }} t={{ secrets["tmpl-only"] }}\n' });
      const out = join(templates, 'out', 'app.conf');
      const watched = await watch(['--log-level', 'debug', '--log-format', format, '--wait', '50ms', '--require', 'db', '--map', 'T_DB=db', '--map', 'T_TOKEN=token',
        '--explicit', '--reload-signal', 'SIGHUP', '--template', `${join(templates, 'app.conf.tmpl')}:${out}`, '--dir', dir, appScript()]);
      writeFileSync(join(dir, 'db'), `${values[1]}\n`);
      await waitForStart(watched, new RegExp(`T_DB=${values[1]} `));
      writeFileSync(join(dir, 'tmpl-only'), `${values[0]}-changed\n`);
      await watched.out.waitFor('got HUP');
      writeFileSync(join(dir, 'db'), '');
      await watched.err.waitFor(/rotation not applied/);
      writeFileSync(join(templates, 'app.conf.tmpl'), `{{ secrets.db | no_such_filter }} {{ "${values[2]}" | nope }}\n`);
      writeFileSync(join(dir, 'db'), `${values[1]}\n`);
      await watched.err.waitFor(/rotation not applied/, { from: watched.err.lines.findIndex((line) => /rotation not applied/.test(line)) + 1 });
      expect(await stopWatch(watched)).toBe(0);
      // The app may print its values; runsecrets may not.
      expect(watched.out.text).toContain(values[1]);
      for (const value of values) expect(watched.err.text, format).not.toContain(value);
    }
  });
});

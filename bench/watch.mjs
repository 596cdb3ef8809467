// `npm run bench` (after startup.mjs) or `npm run bench:watch`: watch mode's latencies
// and memory, measured against baselines in the same run. See BENCHMARKS.md ("Watch
// mode") for method and figures.
//
//   BENCH_ROTATIONS=15   rotations per latency case
//   BENCH_SIGNALS=30     signals per forwarding case
//   BENCH_MEMORY_ROUNDS=3  idle-node / process pairs per memory row
//   BENCH_QUICK=1        a smoke run: 3 rotations, 4 signals, memory at 10 secrets only, one pair

import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from './lib/measure.mjs';
import { createKubernetesDir } from './lib/kubernetes-dir.mjs';
import { startProcess } from './lib/long-running.mjs';
import { goalLine, machineLine, memoryMiB, table } from './lib/report.mjs';
import { createSecretsDir } from './lib/secrets-dir.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist/runsecrets.mjs');
const node = process.execPath;
const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };
const quick = process.env.BENCH_QUICK === '1';
const memoryRounds = Number(process.env.BENCH_MEMORY_ROUNDS ?? (quick ? 1 : 3));
const rotations = Number(process.env.BENCH_ROTATIONS ?? (quick ? 3 : 15));
const signals = Number(process.env.BENCH_SIGNALS ?? (quick ? 4 : 30));
const isRoot = process.getuid?.() === 0;
const work = mkdtempSync(join(tmpdir(), 'runsecrets-bench-watch-'));
chmodSync(work, 0o755);
const GOALS = { reload: 20, restart: 150, rss: 8 };
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The app: announces each start with its value, reports HUP and USR2, stops at once on TERM. */
const app = join(work, 'app.sh');
writeFileSync(app, `#!/bin/sh
echo "start $$ $B_VALUE"
trap 'echo "got HUP"' HUP
trap 'echo "got USR2"' USR2
trap 'exit 0' TERM
while :; do sleep 1 & wait $!; done
`);
chmodSync(app, 0o755);
/** An idle node's script, its path as long as the bundle copy's (measureMemory). */
const idleScript = join(work, 'idle-nodes.mjs');
const watchArgs = (args) => [bundle, '--watch', '--wait', '0', ...args, '--', app];

/** Swap → the new app's start line, `rotations` times; ms samples. */
async function measureRestart(extra, mode, staysRoot = false) {
  const volume = createKubernetesDir({ value: 'v0' }, mode);
  const watched = startProcess(node, watchArgs(['--log-level', 'info', '--prefix', 'B_', '--dir', volume.dir, ...extra]), env);
  try {
    await Promise.all([watched.out.next(/^start \d+ v0$/), watched.err.next(/supervising/)]);
    // The case measures what its name says: a supervisor that dropped, or one that stayed root.
    if (watched.err.lines.some((line) => line.includes('supervisor stays root')) !== staysRoot) throw new Error(`expected the supervisor to ${staysRoot ? 'stay root' : 'drop'}: ${watched.err.lines.join(' | ')}`);
    return await timeSwaps(volume, (i) => watched.out.next(new RegExp(`^start \\d+ v${i}$`)));
  } finally {
    await watched.stop();
    volume.remove();
  }
}

/**
 * After a settling pause, `rotations` kubelet-style swaps to `v1`, `v2`, …, each timed
 * until the line `lineFor(i)` (a promise taken before the swap) arrives; ms samples.
 */
async function timeSwaps(volume, lineFor) {
  await settle(300);
  const samples = [];
  for (let i = 1; i <= rotations; i += 1) {
    const line = lineFor(i);
    const t0 = performance.now();
    volume.update({ value: `v${i}` });
    samples.push((await line) - t0);
    await settle(50);
  }
  return samples;
}

/** Baseline: spawn the app directly and read its start line, `rotations` times; ms samples. */
async function measureSpawnFloor() {
  const samples = [];
  for (let i = 0; i < rotations; i += 1) {
    const t0 = performance.now();
    const started = startProcess(app, [], { ...env, B_VALUE: 'x' });
    samples.push((await started.out.next(/^start /)) - t0);
    await started.stop();
  }
  return samples;
}

/** Swap of a template-only secret → the app's `got HUP`; ms samples. */
async function measureReload() {
  const volume = createKubernetesDir({ value: 'v0' });
  const template = join(work, 'app.conf.tmpl');
  writeFileSync(template, 'value={{ secrets.value }}\n');
  const args = ['--log-level', 'warn', '--explicit', '--reload-signal', 'SIGHUP', '--template', `${template}:${join(work, 'out/app.conf')}`, '--dir', volume.dir];
  const watched = startProcess(node, watchArgs(args), env);
  try {
    await watched.out.next(/^start /);
    return await timeSwaps(volume, () => watched.out.next(/^got HUP$/));
  } finally {
    await watched.stop();
    volume.remove();
  }
}

/** SIGUSR2 to runsecrets (forwarded) and straight to the app, interleaved → `got USR2`; ms samples of each. */
async function measureSignals() {
  const watched = startProcess(node, watchArgs(['--log-level', 'warn', '--dir', work]), env);
  try {
    const appPid = Number((await waitLine(watched, /^start /)).split(' ')[1]);
    await settle(300);
    const forwarded = [];
    const direct = [];
    for (let i = 0; i < signals; i += 1) {
      for (const [pid, samples] of i % 2 === 0 ? [[watched.child.pid, forwarded], [appPid, direct]] : [[appPid, direct], [watched.child.pid, forwarded]]) {
        const line = watched.out.next(/^got USR2$/);
        const t0 = performance.now();
        process.kill(pid, 'SIGUSR2');
        samples.push((await line) - t0);
        await settle(10);
      }
    }
    return { forwarded, direct };
  } finally {
    await watched.stop();
  }
}

async function waitLine(watched, match) {
  await watched.out.next(match);
  return watched.out.lines.find((line) => match.test(line));
}

/**
 * Steady memory (MiB, from /proc/PID/smaps_rollup; steadyMemory()), each process
 * next to an idle node started with it and read at the same moment (the file-backed
 * part of RSS, pages of the node binary, moves with what the page cache holds on a
 * shared machine); the median of `memoryRounds` such pairs. Measured: the supervisor
 * over `counts` secrets and, for what chokidar costs, a bundled probe watching the
 * largest dir with one fs.watch and with chokidar under runsecrets' options.
 */
async function measureMemory(counts) {
  const probe = await bundleProbe();
  // The bundle and the idle script at paths of one length: Node's own RSS steps up by
  // about 1.8 MiB once the main script's path is 31 characters or longer (a script of
  // one setInterval shows it too), so a `node -e` baseline would count that as ours.
  const copy = join(work, 'runsecrets.mjs');
  copyFileSync(bundle, copy);
  writeFileSync(idleScript, 'setInterval(() => {}, 1 << 30);\n');
  const rows = [];
  for (const count of counts) {
    const secrets = createSecretsDir(count);
    const label = count.toLocaleString('en-US');
    rows.push([`supervisor, ${label} secrets`, await pairedMemory(() => {
      const watched = startProcess(node, [copy, '--watch', '--log-level', 'info', '--dir', secrets.dir, '--', app], env);
      return [watched, watched.err.next(/supervising/)];
    })]);
    if (count === counts.at(-1)) {
      for (const mode of ['fs.watch', 'chokidar']) {
        rows.push([`idle node + ${mode} on the ${label}-secret dir (bundled)`, await pairedMemory(() => {
          const started = startProcess(node, [probe, mode, secrets.dir], env);
          return [started, started.out.next(/^READY$/)];
        })]);
      }
    }
    secrets.remove();
  }
  return rows;
}

async function pairedMemory(start) {
  const rounds = [];
  for (let i = 0; i < memoryRounds; i += 1) {
    const idle = startProcess(node, [idleScript], env);
    const [measured, ready] = start();
    await ready;
    rounds.push(await steadyMemory(idle.child.pid, measured.child.pid));
    await Promise.all([idle.stop(), measured.stop()]);
  }
  const median = (pick) => quantile(rounds.map(pick), 0.5);
  return {
    rss: median((r) => r.own.rss), rssOver: median((r) => r.own.rss - r.idle.rss), pss: median((r) => r.own.pss), pssOver: median((r) => r.own.pss - r.idle.pss),
    anon: median((r) => r.own.anon), anonOver: median((r) => r.own.anon - r.idle.anon), idleRss: median((r) => r.idle.rss),
  };
}

/**
 * Both processes' memory once the measured one is steady: read every 500 ms from 1.5 s
 * after it is ready until its RSS repeats within 0.1 MiB (at most 6 s). On a busy host
 * the catch-up rotation right after the start, and the collection after it, may come
 * later than 1.5 s.
 */
async function steadyMemory(idlePid, pid) {
  await settle(1000);
  let last;
  for (let waited = 0; waited < 5000; waited += 500) {
    await settle(500);
    const now = { idle: memoryMiB(idlePid), own: memoryMiB(pid) };
    if (last !== undefined && Math.abs(now.own.rss - last.own.rss) < 0.1) return now;
    last = now;
  }
  return last;
}

/** bench/lib/watcher-probe.mjs bundled with chokidar into one file, loaded as the bundle loads its code. */
async function bundleProbe() {
  const { build } = await import('esbuild');
  const outfile = join(work, 'probe-watch.mjs'); // as long a path as the bundle copy's
  await build({ entryPoints: [join(root, 'bench/lib/watcher-probe.mjs')], outfile, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  return outfile;
}

const stats = (samples) => [quantile(samples, 0.5), quantile(samples, 0.9)].map((ms) => ms.toFixed(1));

try {
  console.log(`## Watch-mode run\n\n${machineLine()}; Node.js ${process.version}; ${rotations} rotations, ${signals} signals per case\n`);
  const rows = [
    ['restart, no --user (plain spawn)', await measureRestart([], 0o644)],
    ['reload (--reload-signal, template only)', await measureReload()],
  ];
  if (isRoot) {
    rows.push(['restart, --user nobody, supervisor dropped', await measureRestart(['--user', 'nobody'], 0o644)]);
    rows.push(['restart, --user nobody, stays root (launcher)', await measureRestart(['--user', 'nobody'], 0o400, true)]);
  }
  rows.push(['baseline: spawn the app, read its start line', await measureSpawnFloor()]);
  console.log(table(['Kubernetes `..data` swap → new app running / reload signal received, `--wait 0`', 'median ms', 'p90 ms'], rows.map(([name, samples]) => [name, ...stats(samples)])));
  const { forwarded, direct } = await measureSignals();
  console.log('');
  console.log(table(['SIGUSR2 → the app prints `got USR2`', 'median ms', 'p90 ms'], [['to runsecrets, forwarded', ...stats(forwarded)], ['to the app directly (baseline)', ...stats(direct)]]));
  const memory = await measureMemory(quick ? [10] : [10, 100, 1000]);
  const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
  console.log(`\nSteady memory (MiB, /proc/PID/smaps_rollup, from 1.5 s after start once RSS repeats; "over idle": against an idle node read at the same moment, median of ${memoryRounds})\n`);
  console.log(table(['process', 'RSS', 'over idle', 'PSS', 'over idle', 'anonymous', 'over idle'], [
    [`idle node (${idleScript.split('/').at(-1)}: one setInterval)`, memory[0][1].idleRss.toFixed(1), '', '', '', '', ''],
    ...memory.map(([name, m]) => [name, m.rss.toFixed(1), signed(m.rssOver), m.pss.toFixed(1), signed(m.pssOver), m.anon.toFixed(1), signed(m.anonOver)]),
  ]));
  const median = (samples) => quantile(samples, 0.5);
  const supervisors = memory.filter(([name]) => name.startsWith('supervisor'));
  const worst = Math.max(...supervisors.map(([, m]) => m.rssOver));
  const growth = supervisors.at(-1)[1].rssOver - supervisors[0][1].rssOver;
  console.log(`\n### Goals (watch mode)\n`);
  console.log(goalLine('reload, median ms', median(rows[1][1]), GOALS.reload, (v) => v.toFixed(1)));
  console.log(goalLine('restart, worst case median ms (+ the app\'s stop time, ~0 here)', Math.max(...rows.filter(([name]) => name.startsWith('restart')).map(([, s]) => median(s))), GOALS.restart, (v) => v.toFixed(1)));
  console.log(goalLine('supervisor RSS over idle node, worst of 10 / 100 / 1,000 secrets, MiB', worst, GOALS.rss, (v) => v.toFixed(1)));
  console.log(`- flat as secrets grow: 1,000 secrets hold ${growth.toFixed(1)} MiB more than 10`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

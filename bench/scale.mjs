// `npm run bench` (last part): exec-mode start-up as the number of secrets grows to
// 10,000, to show it is linear: the bundle over dirs of 0 to 10,000 secrets, interleaved,
// and the cost of each step per secret (goal: none above 20 µs). Instruction counts at
// every size say the same without the host's noise, taken with `node --single-threaded`:
// V8's garbage collection and compiles then run on the main thread, which callgrind
// counts, so the count repeats (to about 0.3 M) and holds all of the work; on its
// helper threads, the main thread's share moves by 10% from run to run. Linear: a
// secret costs no more instructions from 6,000 to 10,000 than from 0 to 4,000 (garbage
// collection that grew with what is live would make the later secrets dearer).
//
// A step is taken round by round (both sizes ran in the same round) and its median and
// interquartile range reported; a goal inside that range is inconclusive, as in startup.mjs.
// The Node floor (lib/node-floor.cjs: readdir, one readFileSync per secret, execve, no
// checks) runs over the same dirs in the same rounds: its steps are what reading files
// from Node.js costs per secret on this host, the part of the goal no code can take off.
//
//   BENCH_SCALE_RUNS=21  measured rounds   BENCH_QUICK=1   0 and 1,000 secrets, one round, no callgrind

import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countInstructions, haveValgrind, inParallel } from './lib/callgrind.mjs';
import { haveCpuTime, measureInterleaved, quantile } from './lib/measure.mjs';
import { busyNote, goalLine, machineLine, table } from './lib/report.mjs';
import { createSecretsDir } from './lib/secrets-dir.mjs';

const GOAL_US = 20;
const quick = process.env.BENCH_QUICK === '1';
const sizes = quick ? [0, 1000] : [0, 2000, 4000, 6000, 8000, 10000];
const runs = Number(process.env.BENCH_SCALE_RUNS ?? (quick ? 1 : 21));
const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist/runsecrets.mjs');
const FLOOR = join(root, 'bench/lib/node-floor.cjs');
const node = process.execPath;
const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };
const work = mkdtempSync(join(tmpdir(), 'runsecrets-bench-scale-'));

try {
  const dirs = new Map(sizes.map((count) => [count, createSecretsDir(count, work)]));
  const runArgs = (count) => [bundle, '--log-level', 'warn', '--dir', dirs.get(count), '--', '/bin/true'];
  const caseOf = (count) => ({ name: `${count}`, command: node, args: runArgs(count), env });
  const floorOf = (count) => ({ name: `floor ${count}`, command: node, args: [FLOOR, dirs.get(count), '/bin/true'], env });
  const samples = measureInterleaved([...sizes.map(caseOf), ...sizes.map(floorOf)], { runs, warmup: quick ? 0 : 1 });
  const median = (count, key, prefix = '') => quantile(samples.get(`${prefix}${count}`).map((s) => s[key]), 0.5);
  // Each step per secret round by round (both sizes ran in the same round): median and interquartile range.
  const step = (i, key, prefix = '') => {
    const perRound = samples.get(`${prefix}${sizes[i]}`).map((s, round) => ((s[key] - samples.get(`${prefix}${sizes[i - 1]}`)[round][key]) * 1000) / (sizes[i] - sizes[i - 1]));
    return { median: quantile(perRound, 0.5), p25: quantile(perRound, 0.25), p75: quantile(perRound, 0.75) };
  };
  const busy = busyNote();
  console.log(`## Scale run\n\n${machineLine()}; Node.js ${process.version}; ${runs} interleaved rounds${busy === undefined ? '' : `; ${busy}`}\n`);
  const steps = sizes.slice(1).map((_, i) => step(i + 1, 'wall'));
  const us = (value) => value.toFixed(1);
  const floorSteps = sizes.slice(1).map((_, i) => step(i + 1, 'wall', 'floor '));
  console.log(table(['secrets', 'wall ms', 'CPU ms', 'step µs per secret (wall, IQR)', 'step µs per secret (CPU)', 'Node floor: wall ms', 'its step µs per secret (wall, IQR)'], sizes.map((count, i) => [
    count.toLocaleString('en-US'), median(count, 'wall').toFixed(1), haveCpuTime ? median(count, 'cpu').toFixed(1) : '—',
    i === 0 ? '' : `${us(steps[i - 1].median)} (${us(steps[i - 1].p25)}…${us(steps[i - 1].p75)})`, i === 0 || !haveCpuTime ? '' : us(step(i, 'cpu').median),
    median(count, 'wall', 'floor ').toFixed(1), i === 0 ? '' : `${us(floorSteps[i - 1].median)} (${us(floorSteps[i - 1].p25)}…${us(floorSteps[i - 1].p75)})`,
  ])));
  console.log('\nNode floor: bench/lib/node-floor.cjs over the same dirs in the same rounds (readdir, one readFileSync per secret, execve; none of runsecrets\' checks).');
  const counts = quick || !(await haveValgrind()) ? [] : await inParallel(sizes.map((count) => () => countInstructions(node, ['--single-threaded', ...runArgs(count)], env)), cpus().length);
  const perSecret = counts.slice(1).map((count, i) => (count - counts[i]) / (sizes[i + 1] - sizes[i]));
  if (counts.length === sizes.length) {
    const k = (value) => `${(value / 1000).toFixed(1)}k`;
    console.log(`\nInstructions (callgrind, \`node --single-threaded\`, to the execve): ${counts.map((count, i) => `${(count / 1e6).toFixed(1)} M at ${sizes[i].toLocaleString('en-US')}`).join(', ')}; per secret, step by step: ${perSecret.map(k).join(', ')}.`);
  }
  const cpuSteps = haveCpuTime ? ` [CPU: largest step ${Math.max(...sizes.slice(1).map((_, i) => step(i + 1, 'cpu').median)).toFixed(1)} µs per secret]` : '';
  const largest = steps.reduce((a, b) => (b.median > a.median ? b : a));
  const floorAt = floorSteps[steps.indexOf(largest)];
  const floorNote = `\n  - the Node floor's step there: ${us(floorAt.median)} µs per secret (IQR ${us(floorAt.p25)}…${us(floorAt.p75)}), runsecrets ${us(largest.median - floorAt.median)} µs over it`;
  console.log(`\n### Goals (scale)\n\n${goalLine('largest step, µs per secret (wall)', largest.median, GOAL_US, us, quick ? undefined : largest)}${cpuSteps}${floorNote}`);
  if (counts.length === sizes.length) {
    const at = (count) => counts[sizes.indexOf(count)];
    // Two spans of 4,000 secrets: the ratio of their instructions is that of their cost per secret.
    const growth = (at(10000) - at(6000)) / (at(4000) - at(0));
    console.log(goalLine('linear: instructions per secret from 6,000 to 10,000 secrets over those from 0 to 4,000', growth, 1, (value) => `${value.toFixed(2)}x`));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

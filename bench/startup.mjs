// `npm run bench` (first part): runsecrets' exec-mode start-up, from `node …` to the
// exec of /bin/true, next to `node -e 0` on the same Node.js (the cost of starting Node
// at all), the standalone executable, gosu, the shell entrypoints it replaces and
// /bin/true (the cost of creating a process). Prints markdown: the tables and goal lines
// in BENCHMARKS.md are this output. See BENCHMARKS.md ("Method").
//
//   BENCH_RUNS=40        measured rounds (each round runs every case once)
//   BENCH_WARMUP=5       rounds run first and thrown away
//   BENCH_NODES=22,24,26 Node.js majors with rows (24: the dev dependency; others installed once)
//   BENCH_CALLGRIND=1    instruction counts (0: none); BENCH_CALLGRIND_RUNS=1 counts per case
//   BENCH_QUICK=1        one smoke round: 3 rounds, no warm-up, no callgrind, Node 24 only, no templates
//   BENCH_BASELINE=FILE  adds a row: another build of the bundle, same 100-secret run

import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countInstructions, haveValgrind, inParallel } from './lib/callgrind.mjs';
import { haveCpuTime, measureInterleaved, paired, quantile, timeOnce } from './lib/measure.mjs';
import { findNodes } from './lib/nodes.mjs';
import { peerCases } from './lib/peers.mjs';
import { busyNote, goalLine, machineLine, millions, ms, ratio, signedMs, table } from './lib/report.mjs';
import { startupCases } from './lib/startup-cases.mjs';

const GOALS = { bundle100: 1.15, bundle10: 1.1, exe: 0.45 };
const quick = process.env.BENCH_QUICK === '1';
const runs = wholeNumber('BENCH_RUNS', quick ? 3 : 40, 1);
const warmup = wholeNumber('BENCH_WARMUP', quick ? 0 : 5, 0);
const callgrindRuns = quick ? 0 : wholeNumber('BENCH_CALLGRIND', 1, 0) && wholeNumber('BENCH_CALLGRIND_RUNS', 1, 1);
const majors = (process.env.BENCH_NODES ?? (quick ? '24' : '22,24,26')).split(',').map(Number);
const root = fileURLToPath(new URL('..', import.meta.url));
const notes = [];
const work = mkdtempSync(join(tmpdir(), 'runsecrets-bench-'));

try {
  const nodes = findNodes(majors, root, notes);
  const setup = startupCases({ root, work, nodes, quick, notes, baseline: process.env.BENCH_BASELINE });
  const cases = [...setup.cases, ...peerCases({ work, dir: setup.secrets100, trueBin: '/bin/true', env: setup.env, notes }), setup.floor];
  for (const c of cases) timeOnce(c); // every case must run at all before anything is measured
  console.log(`## Start-up run\n\n${machineLine()}; ${nodes.map((n) => `Node.js ${n.version}`).join(', ')}; ${runs} interleaved rounds after ${warmup} warm-up rounds${haveCpuTime ? '' : '; no cc, so no CPU times'}\n`);
  const samples = measureInterleaved(cases, { runs, warmup });
  const busy = busyNote();
  const counts = await instructionCounts(cases.filter((c) => c.instructions), callgrindRuns);
  printTable(cases, samples, counts);
  printGoals(nodes, setup, samples, counts);
  for (const note of [...notes, ...(busy === undefined ? [] : [busy])]) console.log(`- note: ${note}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Instructions by case name (the lowest of `times` counts), on every core at once: counts do not depend on load. */
async function instructionCounts(cases, times) {
  if (times === 0 || cases.length === 0) return new Map();
  if (!(await haveValgrind())) {
    notes.push('valgrind: not installed (apt-get install -y valgrind); no instruction counts');
    return new Map();
  }
  const jobs = cases.flatMap((c) => Array.from({ length: times }, () => () => countInstructions(c.command, c.args, c.env)));
  const results = await inParallel(jobs, cpus().length);
  return new Map(cases.map((c, i) => [c.name, Math.min(...results.slice(i * times, (i + 1) * times))]));
}

/** The main table: wall and CPU medians, and each case against `node -e 0` of its Node.js, round by round. */
function printTable(cases, samples, counts) {
  const rows = cases.map((c) => {
    const own = samples.get(c.name);
    const base = samples.get(c.baseline ?? setupBaseline(cases));
    const wall = paired(own, base, 'wall');
    const cpu = paired(own, base, 'cpu');
    const baseCount = counts.get(c.baseline ?? setupBaseline(cases));
    return [
      c.name, ms(quantile(own.map((s) => s.wall), 0.5)), ms(quantile(own.map((s) => s.wall), 0.9)),
      `${signedMs(wall?.diff.median)} (${signedMs(wall?.diff.p25)}…${signedMs(wall?.diff.p75)})`, ratio(wall?.ratio.median),
      haveCpuTime ? ms(quantile(own.map((s) => s.cpu), 0.5)) : '—', ratio(cpu?.ratio.median),
      millions(counts.get(c.name)), counts.has(c.name) && baseCount !== undefined ? ratio(counts.get(c.name) / baseCount) : '—',
    ];
  });
  console.log(table(['case', 'wall ms', 'p90', 'paired Δ ms (IQR)', 'wall ratio', 'CPU ms', 'CPU ratio', 'M instr.', 'instr. ratio'], rows));
  console.log('\nΔ and ratios: per round, against `node -e 0` of the same Node.js (Node 24 for the rest), median; instructions: callgrind, main thread to exit or execve.\n');
}

function setupBaseline(cases) {
  return cases.find((c) => c.isBaseline && c.major === 24)?.name ?? cases[0].name;
}

function printGoals(nodes, setup, samples, counts) {
  const lines = ['### Goals'];
  const goal = (text, name, base, target) => {
    const wall = paired(samples.get(name), samples.get(base))?.ratio;
    const also = [];
    if (haveCpuTime) also.push(`CPU ${ratio(paired(samples.get(name), samples.get(base), 'cpu')?.ratio.median)}`);
    if (counts.has(name) && counts.has(base)) also.push(`instructions ${ratio(counts.get(name) / counts.get(base))}`);
    return `${goalLine(text, wall?.median, target, ratio, wall)}${also.length > 0 ? ` [${also.join(', ')}]` : ''}`;
  };
  // Under each bundle goal, the Node floor (bench/lib/node-floor.cjs) and the instructions
  // the goal leaves over it for everything runsecrets adds.
  const floor = (name, base, target) => {
    const wall = paired(samples.get(name), samples.get(base))?.ratio.median;
    if (!counts.has(name) || !counts.has(base)) return `  - Node floor (node-floor.cjs, no checks): ${ratio(wall)} wall`;
    const room = target * counts.get(base) - counts.get(name);
    return `  - Node floor (node-floor.cjs, no checks): ${ratio(wall)} wall, ${ratio(counts.get(name) / counts.get(base))} instructions; the goal leaves ${millions(room)} M instructions over it for all that runsecrets adds`;
  };
  for (const { major } of nodes) {
    const base = setup.names.base(major);
    for (const [count, target] of [[100, GOALS.bundle100], [10, GOALS.bundle10]]) {
      lines.push(goal(`Node ${major}: bundle, ${count} secrets / node -e 0, wall`, setup.names.bundle(major, count), base, target));
      lines.push(floor(setup.names.floor(major, count), base, target));
    }
  }
  if (setup.names.exe !== undefined) lines.push(goal('standalone executable, 100 secrets / node -e 0 (Node 24), wall', setup.names.exe, setup.names.base(24), GOALS.exe));
  console.log(`${lines.join('\n')}\n`);
}

function wholeNumber(name, fallback, min) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(process.env[name])}`);
  return value;
}

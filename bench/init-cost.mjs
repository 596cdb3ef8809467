// What watch mode's init duties (src/process/reaper.ts) cost, against a build without
// them: exec mode must pay nothing (the reaper is reached only from watch mode), and a
// watch-mode start pays for loading the C library through the FFI. Every case reads 100
// secrets and runs /bin/true; the watch cases supervise it until it exits.
//
//   BENCH_BASELINE_DIR=/path/to/other/checkout node bench/init-cost.mjs
//       the other checkout's dist/runsecrets.mjs and dist/runsecrets-linux-x64, built
//       (npm ci && npm run build:exe there); this one's too (npm run build:exe)
//   BENCH_RUNS=40, BENCH_WARMUP=5 as in bench/startup.mjs
//   BENCH_INSTRUCTIONS=3  instead of wall time, the instructions each exec-mode case runs
//       up to its execve of /bin/true (valgrind --tool=callgrind --dump-before=execve),
//       the median of that many runs: robust where wall time is not, on a shared machine

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureInterleaved, quantile, timeOnce } from './lib/measure.mjs';
import { createSecretsDir } from './lib/secrets-dir.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const baseline = process.env.BENCH_BASELINE_DIR;
if (baseline === undefined) throw new Error('set BENCH_BASELINE_DIR to a checkout built without the change (npm ci && npm run build:exe there)');
const runs = Number(process.env.BENCH_RUNS ?? 40);
const warmup = Number(process.env.BENCH_WARMUP ?? 5);
const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: homedir() };
const secrets = createSecretsDir(100);

/** The four entries (bundle and executable, baseline and this checkout), each in exec and in watch mode. */
const cases = [];
for (const [label, dir] of [['baseline', baseline], ['this', root]]) {
  const bundle = join(dir, 'dist/runsecrets.mjs');
  const exe = join(dir, `dist/runsecrets-linux-${process.arch}`);
  for (const file of [bundle, exe]) if (!existsSync(file)) throw new Error(`${file} is missing; npm run build:exe in ${dir}`);
  for (const mode of ['exec', 'watch']) {
    const args = ['--log-level', 'warn', ...(mode === 'watch' ? ['--watch'] : []), '--dir', secrets.dir, '--', '/bin/true'];
    cases.push({ name: `${label} bundle, ${mode}`, command: process.execPath, args: [bundle, ...args], env });
    cases.push({ name: `${label} exe, ${mode}`, command: exe, args, env });
  }
}

try {
  if (process.env.BENCH_INSTRUCTIONS !== undefined) {
    countInstructions(cases.filter((c) => c.name.endsWith('exec')), Number(process.env.BENCH_INSTRUCTIONS));
    process.exit(0);
  }
  for (const c of cases) timeOnce(c);
  console.log(`node ${process.version}; ${runs} interleaved rounds after ${warmup} warm-up rounds; baseline ${baseline}\n`);
  const samples = measureInterleaved(cases, { runs, warmup });
  const median = (name) => quantile(samples.get(name), 0.5);
  console.log(['case'.padEnd(24), 'median ms', 'p90 ms', 'vs baseline'].join('  '));
  for (const { name } of cases) {
    const vs = name.startsWith('this') ? `${(median(name) - median(name.replace('this', 'baseline'))).toFixed(1)} ms` : '';
    console.log([name.padEnd(24), median(name).toFixed(1).padStart(9), quantile(samples.get(name), 0.9).toFixed(1).padStart(6), vs.padStart(11)].join('  '));
  }
} finally {
  secrets.remove();
}

/** Median instructions (callgrind's Ir, all threads) of each case up to its first execve, over `count` runs. */
function countInstructions(execCases, count) {
  console.log(`instructions up to the execve of /bin/true, median of ${count} runs under valgrind --tool=callgrind\n`);
  const counts = new Map(execCases.map((c) => [c.name, []]));
  for (let round = 0; round < count; round++) {
    for (const c of execCases) {
      const out = mkdtempSync(join(tmpdir(), 'runsecrets-callgrind-'));
      try {
        const result = spawnSync('valgrind', ['--tool=callgrind', '--dump-before=execve', `--callgrind-out-file=${out}/cg.%p`, c.command, ...c.args], { env: c.env, stdio: 'ignore' });
        if (result.status !== 0) throw new Error(`${c.name}: valgrind exit ${result.status} (apt-get install valgrind)`);
        const dumps = readdirSync(out).map((file) => readFileSync(join(out, file), 'utf8'));
        counts.get(c.name).push(Math.max(...dumps.map((text) => Number(/^totals: (\d+)/m.exec(text)?.[1] ?? 0))));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
  }
  for (const c of execCases) {
    const median = quantile(counts.get(c.name), 0.5);
    const base = c.name.startsWith('this') ? quantile(counts.get(c.name.replace('this', 'baseline')), 0.5) : undefined;
    const range = `${(Math.min(...counts.get(c.name)) / 1e6).toFixed(2)}–${(Math.max(...counts.get(c.name)) / 1e6).toFixed(2)}`;
    console.log(`${c.name.padEnd(24)} ${(median / 1e6).toFixed(2).padStart(8)} M (${range})${base === undefined ? '' : `  ${(((median - base) / base) * 100).toFixed(2)}% vs baseline`}`);
  }
}

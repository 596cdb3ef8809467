// Timing of whole processes, interleaved so that drift (CPU frequency, other load on a
// shared machine) hits every case alike instead of whichever ran last. Each start is
// timed by bench/lib/runner.c (fork, exec, wait4: wall time and the child's CPU time
// in microseconds), compiled once with the system's cc; without a C compiler, wall
// time is taken around spawnSync and CPU time is left out.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('runner.c', import.meta.url));
export const CACHE = process.env.BENCH_CACHE ?? join(homedir(), '.cache/runsecrets-bench');

/** The runner's path, compiled if missing or older than its source; undefined without cc. */
export function findRunner() {
  const runner = join(CACHE, 'runner');
  try {
    if (existsSync(runner) && statSync(runner).mtimeMs >= statSync(SOURCE).mtimeMs) return runner;
    mkdirSync(CACHE, { recursive: true });
    execFileSync('cc', ['-O2', '-o', runner, SOURCE], { stdio: 'ignore' });
    return runner;
  } catch {
    return undefined;
  }
}

const runner = findRunner();
export const haveCpuTime = runner !== undefined;

/**
 * One process start: `{ wall, cpu }` in ms (cpu undefined without the runner); throws
 * if it fails, since a failing run is fast and would lie. `stderrPipe` makes stderr a
 * pipe (read and dropped), as under `docker logs`. `before`, if given, runs first,
 * untimed (it resets state the case changes, such as files it writes).
 */
export function timeOnce({ name, command, args, env, stderrPipe = false, before }) {
  before?.();
  if (runner === undefined) return timeWithSpawn({ name, command, args, env, stderrPipe });
  const result = spawnSync(runner, [...(stderrPipe ? ['-p'] : []), command, ...args], { env, encoding: 'utf8' });
  const [wall, user, sys, status] = (result.stdout ?? '').trim().split(' ').map(Number);
  if (result.status !== 0 || status !== 0) throw new Error(`${name}: ${command} ${args.join(' ')} failed (exit ${status ?? result.status}; ${result.stderr})`);
  return { wall: wall / 1e6, cpu: (user + sys) / 1e3 };
}

function timeWithSpawn({ name, command, args, env, stderrPipe }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', stderrPipe ? 'pipe' : 'ignore'] });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(`${name}: ${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}, signal ${result.signal}`})`);
  }
  return { wall, cpu: undefined };
}

/**
 * Runs `warmup` then `runs` rounds; each round runs every case once, starting one case
 * further along each time. Returns, by name, one `{ wall, cpu }` per measured round, in
 * round order, so that cases can be paired round by round.
 */
export function measureInterleaved(cases, { runs, warmup }) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + runs; round += 1) {
    for (let i = 0; i < cases.length; i += 1) {
      const c = cases[(round + i) % cases.length];
      const sample = timeOnce(c);
      if (round >= warmup) samples.get(c.name).push(sample);
    }
  }
  return samples;
}

/** The q-quantile (0..1) of `values`, by the nearest-rank method. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * A case against its baseline, round by round: the median and interquartile range of
 * the per-round differences (ms) and ratios, of wall and CPU time.
 */
export function paired(samples, baseline, key = 'wall') {
  const pairs = samples.map((s, i) => [s[key], baseline[i]?.[key]]).filter(([a, b]) => a !== undefined && b !== undefined);
  if (pairs.length === 0) return undefined;
  const diffs = pairs.map(([a, b]) => a - b);
  const ratios = pairs.map(([a, b]) => a / b);
  const spread = (values) => ({ median: quantile(values, 0.5), p25: quantile(values, 0.25), p75: quantile(values, 0.75) });
  return { diff: spread(diffs), ratio: spread(ratios) };
}

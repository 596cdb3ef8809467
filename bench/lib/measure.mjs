// Wall-clock timing of whole processes, interleaved so that drift (CPU frequency, other
// load on a shared machine) hits every case alike instead of whichever ran last.

import { spawnSync } from 'node:child_process';

/**
 * One process start: wall time in ms; throws if it fails, since a failing run is fast and
 * would lie. Output is discarded, except that `stderrPipe` makes stderr a pipe (read and
 * dropped), as it is under `docker logs`. `before`, if given, runs first, untimed (it resets
 * state the case changes, such as files it writes).
 */
export function timeOnce({ name, command, args, env, stderrPipe = false, before }) {
  before?.();
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', stderrPipe ? 'pipe' : 'ignore'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(`${name}: ${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}, signal ${result.signal}`})`);
  }
  return ms;
}

/**
 * Runs `warmup` then `runs` rounds; each round runs every case once, starting one case
 * further along each time. Returns the samples of each case, in ms, by name.
 */
export function measureInterleaved(cases, { runs, warmup }) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + runs; round += 1) {
    for (let i = 0; i < cases.length; i += 1) {
      const c = cases[(round + i) % cases.length];
      const ms = timeOnce(c);
      if (round >= warmup) samples.get(c.name).push(ms);
    }
  }
  return samples;
}

/** The q-quantile (0..1) of `values`, by the nearest-rank method. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

// `npm run bench` is not part of the suite (slow, and timings belong in bench/), but its
// scripts must keep running: one quick round of the start-up and scale benches, checked
// for their tables and goal lines, never for their figures.

import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const quick = { BENCH_QUICK: '1', BENCH_RUNS: '1' };

describe('bench scripts (one quick round)', () => {
  it('startup.mjs prints the start-up table and the goal lines', async () => {
    const result = await execa(process.execPath, [join(ROOT, 'bench/startup.mjs')], { env: quick, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\| node -e 0 \(Node 24\) +\|/m);
    expect(result.stdout).toMatch(/^\| bundle, 100 secrets \(Node 24\) +\|/m);
    expect(result.stdout).toMatch(/^- Node 24: bundle, 100 secrets \/ node -e 0, wall ≤ 1\.15x: \*\*(met|NOT met|inconclusive)\*\*/m);
    // Under each goal, what the least Node.js entrypoint doing the job pays (bench/lib/node-floor.cjs).
    expect(result.stdout).toMatch(/^\| Node floor: node-floor\.cjs, 100 secrets, no checks \(Node 24\) +\|/m);
    expect(result.stdout).toMatch(/^ {2}- Node floor \(node-floor\.cjs, no checks\): \d+\.\d\dx wall/m);
    // What an ENTRYPOINT does as root; without root the row is skipped with a note that says so.
    if (process.getuid?.() === 0) expect(result.stdout).toMatch(/^\| bundle, 100 secrets, --user nobody \(as root\) +\|/m);
    else expect(result.stdout).toMatch(/--user nobody: needs root/);
  }, 120_000);

  it('scale.mjs prints the step per secret', async () => {
    const result = await execa(process.execPath, [join(ROOT, 'bench/scale.mjs')], { env: quick, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^- largest step, µs per secret \(wall\) ≤ 20\.0: \*\*(met|NOT met|inconclusive)\*\*/m);
    expect(result.stdout).toMatch(/^ {2}- the Node floor's step there: -?\d+\.\d µs per secret/m);
  }, 120_000);
});

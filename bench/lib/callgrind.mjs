// Instruction counts of whole process starts, under valgrind's callgrind: the same
// number on a busy or a quiet host, so a change of a fraction of a millisecond shows.
//
// What is counted: the main thread of the process, from its first instruction to its
// exit or its execve (--dump-before=execve: the command runsecrets execs is not
// counted), less V8's hash-seed set-up, HashSeed::InitializeRoots: it searches for
// random primes and alone varies by ±7 million instructions from run to run (Node 24),
// the same expected cost for every Node case. What is left repeats within about 0.3%.

import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NOISE = /HashSeed::InitializeRoots/;

/** Whether valgrind runs here. */
export async function haveValgrind() {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Instructions of one start of `command args` with `env` (main thread, to exit or execve). */
export async function countInstructions(command, args, env) {
  const dir = mkdtempSync(join(tmpdir(), 'runsecrets-bench-cg-'));
  try {
    // callgrind writes the profile as whoever the process is at its execve: a case that
    // switches users (--user) must be able to create it there (sticky, not listable).
    chmodSync(dir, 0o1733);
    const valgrindArgs = ['--tool=callgrind', '--separate-threads=yes', '--dump-before=execve', `--callgrind-out-file=${dir}/cg.%p`, command, ...args];
    await run('valgrind', valgrindArgs, { env, maxBuffer: 1 << 26 });
    // The first process's main thread: its files are cg.PID[.PART]-01; a dump before execve is part 1.
    const files = readdirSync(dir).filter((name) => name.endsWith('-01')).sort();
    if (files.length === 0) throw new Error(`callgrind wrote no profile for ${command} ${args.join(' ')}`);
    const text = readFileSync(join(dir, files[0]), 'utf8');
    return totalOf(text) - inclusiveCostOf(text, NOISE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function totalOf(text) {
  const match = /^(?:summary|totals): (\d+)/m.exec(text);
  if (match === null) throw new Error('callgrind profile without a total');
  return Number(match[1]);
}

/**
 * The inclusive cost of calls to functions whose name matches `pattern`, from the
 * profile's call records (`cfn=` then `calls=` then the cost line of the call).
 * Names are compressed: `(id) name` the first time, `(id)` after.
 */
function inclusiveCostOf(text, pattern) {
  const names = new Map();
  let calleeMatches = false;
  let afterCalls = false;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (afterCalls) {
      sum += calleeMatches ? Number(line.split(' ')[1] ?? 0) : 0;
      afterCalls = false;
    } else if (line.startsWith('cfn=') || line.startsWith('fn=')) {
      const match = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (match === null) continue;
      if (match[2] !== undefined) names.set(match[1], match[2]);
      if (line.startsWith('cfn=')) calleeMatches = pattern.test(names.get(match[1]) ?? '');
    } else if (line.startsWith('calls=')) {
      afterCalls = true;
    }
  }
  return sum;
}

/** Runs `jobs` (functions returning promises) with at most `limit` at once; results in order. */
export async function inParallel(jobs, limit) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

// `node bench/lib/callgrind.mjs COMMAND ARGS…`: one count, for quick A/B work.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await countInstructions(process.argv[2], process.argv.slice(3), process.env));
}

// A watch-mode supervisor stays resident for the life of the container, and does
// little work: a rotation re-reads the sources, a signal is passed on. V8's optimizing
// compilers (Maglev, TurboFan) would compile the loops that read many secrets at start
// and keep their code, zone memory and the compilers' own pages of the node binary
// resident: about 12 MiB of RSS at 1,000 secrets, 2 MiB at 10 (BENCHMARKS.md, "Watch
// mode"). The interpreter and the baseline compiler are plenty for this work.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Built-ins the supervisor will load anyway, loaded before the flags change: a V8 flag
 * set at run time makes each built-in loaded after it compile from source rather than
 * from Node's code cache, which left 2.2 MiB more resident in about half the starts
 * (BENCHMARKS.md, "Watch mode").
 */
const SUPERVISOR_BUILTINS = ['node:child_process', 'node:fs/promises', 'node:os', 'node:vm'] as const;

/** Turns V8's optimizing compilers off for this process; call before the first read. */
export function stayLean(): void {
  for (const id of SUPERVISOR_BUILTINS) process.getBuiltinModule(id);
  // Both flags exist from Node.js 20 to 24; an unknown one would only print a warning.
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--no-maglev');
  // And the young generation keeps its starting size instead of growing under the
  // start-up's allocations (the heap's other limits are fixed when it is created).
  setFlagsFromString('--semi-space-growth-factor=1');
}

let gc: ((options: object) => void) | undefined;

/**
 * A last-resort full collection: after the start, what it read and mapped (every
 * secret's buffers and strings, the first plan) is dead, and so is a rotation's re-read
 * after it, but a regular collection leaves the pages they lived on resident; this one
 * compacts and returns them (BENCHMARKS.md, "Watch mode"). A few milliseconds for the
 * supervisor's small heap; call after the start and after each rotation.
 */
export function releaseGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as (options: object) => void;
  }
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

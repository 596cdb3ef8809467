// The init duties of watch mode under test (src/process/reaper.ts): which runsecrets
// reaps orphans, an app that leaves orphans behind by double fork, and the zombies
// among a process's children as /proc shows them.

import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, STANDALONE } from './cli.js';
import { tempDir } from './fixtures.js';
import { EXE, EXE_NEED } from './packaged.js';
import type { Need } from './requirements.js';

/** Whether `node` has node:ffi (on by default since Node.js 26.9), with which the bundle reaps too. */
export function nodeHasFfi(node = process.execPath): boolean {
  const script = "process.stdout.write(String(process.getBuiltinModule('node:ffi') !== undefined))";
  return execFileSync(node, ['--no-warnings', '-e', script], { encoding: 'utf8', env: {} }) === 'true';
}

/** One runsecrets to test: its entry, extra environment, and whether it is to reap. */
export interface Subject {
  readonly name: string;
  readonly cli: string;
  readonly env: Readonly<Record<string, string>>;
  readonly reaps: boolean;
  /** What testing it needs that this machine lacks (test/helpers/requirements.ts). */
  readonly need: Need;
}

/**
 * The executable (bun:ffi), the bundle on the Node.js running the tests when it has
 * node:ffi, and the negative control: the bundle with no FFI (Node.js 22 or 24, or 26
 * with --no-experimental-ffi), where PID 1 only warns and orphans stay zombies.
 */
export function subjects(): Subject[] {
  const bundle = STANDALONE ? `${ROOT}dist/runsecrets.mjs` : CLI;
  const ffi = nodeHasFfi();
  const list: Subject[] = [{ name: 'the executable (bun:ffi)', cli: EXE, env: {}, reaps: true, need: EXE_NEED }];
  if (ffi) list.push({ name: `the bundle on Node.js ${process.version} (node:ffi)`, cli: bundle, env: {}, reaps: true, need: undefined });
  list.push({ name: `negative control: the bundle on Node.js ${process.version} without node:ffi`, cli: bundle, env: ffi ? { NODE_OPTIONS: '--no-experimental-ffi' } : {}, reaps: false, need: undefined });
  return list;
}

/**
 * A shell app for the init duties. `orphans` of them are started by double fork before
 * READY (and `stream` more in a background loop after it, which then prints `spawned N`);
 * each sleeps `seconds`, prints `orphan PID done, parent PPID` and exits, by then no child
 * of the app.
 * USR1 makes the app exit with `code`, TERM with 0 after `got TERM`; `die` (an untrapped
 * signal: KILL, SEGV) makes it kill itself with that signal instead. HUP, INT, QUIT, USR2, WINCH and ALRM are echoed as `got SIG`.
 */
export function orphanApp(options: { orphans: number; seconds: string; stream?: number; code?: number; die?: string }): string {
  const dir = tempDir();
  const orphan = join(dir, 'orphan.sh');
  writeFileSync(orphan, '#!/bin/sh\nsleep "$1"\necho "orphan $$ done, parent $(cut -d" " -f4 /proc/$$/stat)"\n');
  const fork = `sh -c '"$0" "$1" & exit 0' ${orphan} ${options.seconds}`;
  const body = [
    '#!/bin/sh',
    ...['HUP', 'INT', 'QUIT', 'USR2', 'WINCH', 'ALRM'].map((sig) => `trap 'echo "got ${sig}"' ${sig}`),
    `trap '${options.die === undefined ? `exit ${options.code ?? 0}` : `kill -${options.die} $$`}' USR1`,
    `trap 'echo "got TERM"; exit 0' TERM`,
    `i=0; while [ $i -lt ${options.orphans} ]; do ${fork}; i=$((i+1)); done`,
    'echo READY',
    options.stream === undefined ? '' : `( j=0; while [ $j -lt ${options.stream} ]; do ${fork}; j=$((j+1)); done; echo "spawned $j" ) &`,
    // Bounded (about 60 s), so that a lost signal fails the test instead of hanging it.
    'i=0; while [ $i -lt 600 ]; do sleep 0.1 >/dev/null 2>&1 & wait $!; i=$((i+1)); done; echo "no signal"',
  ];
  const app = join(dir, 'app.sh');
  writeFileSync(app, `${body.join('\n')}\n`);
  chmodSync(app, 0o755);
  chmodSync(orphan, 0o755);
  return app;
}

/** The zombie children of `pid`, from every /proc/PID/stat (state Z, parent `pid`). */
export function zombiesOf(pid: number): number[] {
  const zombies: number[] = [];
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' && Number(ppid) === pid) zombies.push(Number(name));
  }
  return zombies;
}

/** Resolves once `check` returns true, polling every 20 ms; rejects with `what` after `ceilingMs`. */
export async function until(check: () => boolean, what: string, ceilingMs = 10_000): Promise<void> {
  const end = Date.now() + ceilingMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ceilingMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Driving `runsecrets --watch` from a test: start it on a small shell app that prints
// what it got and READY, collect its lines, and stop it.

import { execa, type ResultPromise } from 'execa';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, cliCommand, ROOT } from './cli.js';
import { tempDir } from './fixtures.js';
import { descendants, LineLog } from './processes.js';

/**
 * The app: prints `start PID T_A=… T_B=…` (the variables runsecrets made, with
 * --prefix T_), then READY; prints `got SIG` for each signal it traps; exits 0 on
 * TERM unless `onTerm` says otherwise. `extra` runs before READY.
 */
export function appScript(options: { onTerm?: string; extra?: string; traps?: readonly string[] } = {}): string {
  const traps = (options.traps ?? ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'WINCH']).map((sig) => `trap 'echo "got ${sig}"' ${sig}`);
  const body = [
    '#!/bin/sh',
    'echo "start $$ $(env | grep "^T_" | sort | tr "\\n" " ")"',
    ...traps,
    `trap '${options.onTerm ?? 'echo "got TERM"; exit 0'}' TERM`,
    options.extra ?? '',
    'echo READY',
    // Bounded (about 60 s), so that a lost signal fails the test instead of hanging it.
    'i=0; while [ $i -lt 600 ]; do sleep 0.1 >/dev/null 2>&1 & wait $!; i=$((i+1)); done; echo "no signal"',
  ];
  const path = join(tempDir(), 'app.sh');
  writeFileSync(path, `${body.join('\n')}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** How runsecrets --watch is started: no stdin, a fixed environment, no rejection on a non-zero exit. */
type StartOptions = { env: Record<string, string>; extendEnv: false; reject: false; stdin: 'ignore'; cwd: string };

/** A running `runsecrets --watch`. */
export interface Watched {
  readonly sub: ResultPromise<StartOptions>;
  readonly pid: number;
  readonly out: LineLog;
  readonly err: LineLog;
  /** Resolves with the exit code once runsecrets has exited. */
  readonly exited: Promise<number | undefined>;
}

/** Starts `runsecrets --watch ARGS` (`prefix` in front, e.g. unshare; `cli`: another entry than CLI); resolves once the app is READY and the watcher too. */
export async function startWatch(args: readonly string[], options: { env?: Record<string, string>; prefix?: readonly string[]; node?: string; cli?: string; ready?: boolean } = {}): Promise<Watched> {
  const [command, ...argv] = [...(options.prefix ?? []), ...cliCommand(options.node, options.cli), '--watch', ...args] as [string, ...string[]];
  const startOptions: StartOptions = { env: options.env ?? baseEnv(), extendEnv: false, reject: false, stdin: 'ignore', cwd: ROOT };
  const sub = execa(command, argv, startOptions);
  if (sub.pid === undefined) throw new Error('execa reported no PID');
  const watched = { sub, pid: sub.pid, out: new LineLog(sub.stdout), err: new LineLog(sub.stderr), exited: sub.then((result) => result.exitCode) };
  if (options.ready !== false) {
    await watched.out.waitFor('READY');
    await watched.err.waitFor(/^runsecrets: supervising |"msg":"supervising /);
  }
  return watched;
}

/** The `start` lines so far: one per child started. */
export function starts(watched: Watched): string[] {
  return watched.out.lines.filter((line) => line.startsWith('start '));
}

/** Waits for a child started with a line matching `match` (after `from` lines) to be READY, its traps set. */
export async function waitForStart(watched: Watched, match: RegExp, from = 0): Promise<number> {
  const index = await watched.out.waitFor(new RegExp(`^start \\d+ .*${match.source}`), { from });
  await watched.out.waitFor('READY', { from: index });
  return index;
}

/** Stops runsecrets with SIGTERM and resolves with its exit code. */
export async function stopWatch(watched: Watched): Promise<number | undefined> {
  watched.sub.kill('SIGTERM');
  return watched.exited;
}

/** Kills runsecrets and every process below it (found in /proc), for cleanup after a failure. */
export async function killWatch(watched: Watched): Promise<void> {
  for (const pid of [watched.pid, ...descendants(watched.pid)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await watched.exited;
}

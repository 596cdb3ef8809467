// Runs the command as a child and stands in for it: every catchable signal is
// forwarded, and runsecrets exits with the child's code, or 128+N if signal N killed
// it (the shell's convention, where Go wrappers report 255). Loaded only when needed.

import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Launch } from './exec.js';

/**
 * Signals forwarded to the child: every one Node can catch except SIGCHLD (ours to
 * handle) and the synchronous faults (SIGSEGV, SIGBUS, …). SIGUSR1 is included
 * although Node reserves it for its inspector: a listener turns that off.
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGTERM', 'SIGCONT', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** The shell's exit status for a child that ended with `code` or died of `signal`. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return code ?? 1;
}

/** Spawns the command with inherited stdio and resolves with its exit status. */
export function superviseCommand(launch: Launch): Promise<number> {
  const [argv0, ...args] = launch.argv;
  // Listen before spawning: a signal that arrives while the child starts must be
  // forwarded, not kill runsecrets and orphan the child. Listeners run on a later
  // tick, by which time `child` is set.
  let child: ChildProcess | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    child?.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  const started = spawn(launch.path, args, { argv0: argv0 ?? launch.path, env: { ...launch.env }, stdio: 'inherit' });
  child = started;
  const stopForwarding = (): void => {
    for (const name of FORWARDED_SIGNALS) process.off(name, forward);
  };
  return new Promise((resolve) => {
    // The command was checked before spawning; this covers it vanishing since then.
    started.on('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      resolve(error.code === 'ENOENT' ? 127 : 126);
    });
    started.on('exit', (code, signal) => {
      stopForwarding();
      resolve(exitStatus(code, signal));
    });
  });
}

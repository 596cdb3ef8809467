// Signal forwarding for a supervised child. Installing a listener is also what makes
// runsecrets stoppable as PID 1: the kernel drops signals that PID 1 has no handler
// for, so without listeners `docker stop` would wait out its timeout and SIGKILL.

import { readFileSync } from 'node:fs';

/**
 * Signals forwarded to the child: every one Node can catch except SIGCHLD (ours to
 * handle) and the synchronous faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, …), which
 * concern this process. SIGUSR1 is included although Node reserves it for its
 * inspector: a listener takes it over, so it reaches the app instead of opening a
 * debugger port in runsecrets (https://nodejs.org/api/process.html#signal-events).
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGTERM', 'SIGCONT', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/**
 * What a terminal sends to its whole foreground process group: ^C, ^\ and ^Z, and
 * SIGWINCH when its size changes.
 */
const TERMINAL_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT', 'SIGTSTP', 'SIGWINCH']);

/**
 * Routes every forwarded signal to `onSignal` until the returned function is called.
 * `delivered` is true when the child already has the signal: it shares this process's
 * group (`childInOwnGroup` false), that group is its terminal's foreground group, and the
 * signal is one the terminal sends (`docker run -it`, then ^C). Sending it again would
 * give the app two SIGINTs for one ^C, which many apps take as "force quit". A `kill` of
 * one of those four signals to runsecrets alone, in that situation, is therefore not
 * passed on; with --signal-group the child has its own group and gets every signal once.
 */
export function forwardSignals(onSignal: (signal: NodeJS.Signals, delivered: boolean) => void, childInOwnGroup: boolean): () => void {
  const listener = (signal: NodeJS.Signals): void => onSignal(signal, !childInOwnGroup && TERMINAL_SIGNALS.has(signal) && inForegroundGroup());
  for (const signal of FORWARDED_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, listener);
  };
}

/**
 * Whether this process is in the foreground process group of a controlling terminal:
 * fields 5 (pgrp) and 8 (tpgid, -1 without a terminal) of /proc/self/stat, read after
 * the command name, which may contain spaces and parentheses.
 */
export function inForegroundGroup(stat = readStat()): boolean {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [pgrp, tpgid] = [Number(fields[2]), Number(fields[5])];
  return tpgid > 0 && tpgid === pgrp;
}

function readStat(): string {
  try {
    return readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return '';
  }
}

/** Warns once, as PID 1, that orphans are not reaped, and how to fix it. */
export function warnIfPid1(pid: number, warn: (message: string) => void): void {
  if (pid !== 1) return;
  warn(
    'runsecrets is PID 1: it forwards signals, but it does not reap orphaned processes, which stay zombies; ' +
      'run the container with `docker run --init` (Compose: `init: true`), or put tini in front: ENTRYPOINT ["tini", "--", "runsecrets"]',
  );
}

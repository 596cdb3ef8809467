// Signal forwarding for a supervised child. Installing a listener is also what makes
// runsecrets stoppable as PID 1: the kernel drops signals that PID 1 has no handler
// for, so without listeners `docker stop` would wait out its timeout and SIGKILL.

/**
 * Signals forwarded to the child: every one Node can catch except SIGCHLD (ours to
 * handle) and the synchronous faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, ...), which
 * concern this process. SIGUSR1 is included although Node reserves it for its
 * inspector: a listener takes it over, so it reaches the app instead of opening a
 * debugger port in runsecrets (https://nodejs.org/api/process.html#signal-events).
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGTERM', 'SIGCONT', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/**
 * Routes every forwarded signal to `onSignal` until the returned function is called.
 *
 * Each one reaches the app exactly once, through runsecrets: the Supervisor starts every
 * child in a session of its own (setsid), so a terminal's ^C, ^\\, ^Z and resize signal
 * the foreground group runsecrets is in, and never the app directly. Were the app in
 * runsecrets' group, one ^C would reach it twice (many apps take a second SIGINT as
 * "quit now"), and with no siginfo in Node.js runsecrets could not tell that ^C from a
 * `docker stop` whose STOPSIGNAL is SIGINT or SIGQUIT, which must reach the app.
 */
export function forwardSignals(onSignal: (signal: NodeJS.Signals) => void): () => void {
  const listener = (signal: NodeJS.Signals): void => onSignal(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, listener);
  };
}

/** Warns once, as PID 1, that orphans are not reaped, and how to fix it. */
export function warnIfPid1(pid: number, warn: (message: string) => void): void {
  if (pid !== 1) return;
  warn(
    'runsecrets is PID 1: it forwards signals, but it does not reap orphaned processes, which stay zombies; ' +
      'run the container with `docker run --init` (Compose: `init: true`), or put tini in front: ENTRYPOINT ["tini", "--", "runsecrets"]',
  );
}

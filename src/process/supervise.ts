// Runs the command as a supervised child and stands in for it: every catchable signal
// is forwarded, and runsecrets exits with the child's code, or 128+N if signal N killed
// it (the shell's convention, where Go wrappers report 255). Exec mode uses it when the
// runtime has no process.execve; watch mode adds rotation on top (watch/). Loaded only
// when needed.

import type { Logger } from '../log.js';
import type { Launch } from './exec.js';
import { forwardSignals, warnIfPid1 } from './forward-signals.js';
import { spawnInheriting } from './spawn-child.js';
import { Supervisor } from './supervisor.js';

/** Spawns the command with inherited stdio, ids and groups; resolves with its exit status. */
export async function superviseCommand(launch: Launch, log: Logger): Promise<number> {
  warnIfPid1(process.pid, (message) => log.warn(message));
  const supervisor = new Supervisor({
    spawn: spawnInheriting,
    launch,
    signalGroup: false,
    stopSignal: 'SIGTERM',
    stopTimeout: 10_000,
    terminating: new Set(['SIGTERM', 'SIGINT']),
    log,
  });
  // Listen before spawning: a signal that arrives while the child starts must be
  // forwarded, not kill runsecrets and orphan the child.
  const stopForwarding = forwardSignals((signal) => supervisor.signal(signal));
  try {
    supervisor.start();
    return await supervisor.done;
  } finally {
    stopForwarding();
  }
}

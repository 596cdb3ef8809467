// Exec mode: replace runsecrets with the command, keeping the PID, so exactly one
// process remains. Runtimes without process.execve get the spawn fallback.

import type { Logger } from '../log.js';
import { resetIgnoredSignals } from './reset-signals.js';

/** A command ready to run: resolved path, argv (argv[0] as the user typed it) and env. */
export interface Launch {
  readonly path: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** Why exec mode supervises the command instead of becoming it on this runtime; undefined when it can exec. */
export function execFallback(): string | undefined {
  return typeof process.execve === 'function' ? undefined : `Node.js ${process.version} has no process.execve; use Node.js 22.15 or later`;
}

/**
 * Replaces this process with the command. Only returns (with the child's exit status)
 * on runtimes without process.execve, where it spawns and supervises instead.
 * `lastCheck` runs right before the exec, after everything else; it may throw to stop it.
 */
export async function execCommand(launch: Launch, log: Logger, lastCheck: () => void = () => {}): Promise<number> {
  if (typeof process.execve === 'function') {
    resetIgnoredSignals();
    lastCheck();
    // launch.env as it is: process.execve only reads it, and a copy of a large one is not free.
    process.execve(launch.path, [...launch.argv], launch.env);
  }
  const { superviseCommand } = await import('./supervise.js');
  return superviseCommand(launch, log);
}

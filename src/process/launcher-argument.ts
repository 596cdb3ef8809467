// The hidden first argument that makes runsecrets a launcher (see launcher.ts). Kept
// apart so that exec mode can recognise it without loading the launcher.

/** How a root supervisor starts runsecrets again as a launcher: the command line, and the code that runs as root in it. */
export interface Relaunch {
  readonly argv: readonly string[];
  /** Files (and, with `tree`, directories with everything below) the launcher executes or loads. */
  readonly code: readonly { readonly path: string; readonly tree: boolean }[];
}

/** argv[0] of a runsecrets process started by a root supervisor to start one child. */
export const LAUNCHER_ARGUMENT = '--runsecrets-internal-launch';

/** The file descriptor on which the launcher reads its request. */
export const LAUNCHER_FD = 3;

/**
 * The file descriptor the launcher closes right before it execs the command: the
 * supervisor holds signals for the child until then, since the launcher itself (a
 * Node.js start) would die of a SIGHUP or SIGUSR2 meant for the app.
 */
export const LAUNCHER_EXEC_FD = 4;

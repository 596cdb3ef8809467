// The hidden first argument that makes runsecrets a launcher (see launcher.ts). Kept
// apart so that exec mode can recognise it without loading the launcher.

/** argv[0] of a runsecrets process started by a root supervisor to start one child. */
export const LAUNCHER_ARGUMENT = '--runsecrets-internal-launch';

/** The file descriptor on which the launcher reads its request. */
export const LAUNCHER_FD = 3;

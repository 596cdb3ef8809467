// Node.js sets SIGPIPE and SIGXFSZ to "ignore" for itself, and an ignored signal stays
// ignored across execve(2): without a reset, an exec'd app would not die of a broken
// pipe as it does under gosu or a shell. (A spawned child needs nothing: libuv resets
// every signal to its default in the child before exec.)

const IGNORED_BY_NODE: readonly NodeJS.Signals[] = ['SIGPIPE', 'SIGXFSZ'];

/**
 * Puts the signals Node ignores back to their default action. Stopping a libuv signal
 * watcher restores SIG_DFL, so adding and removing a listener is enough.
 */
export function resetIgnoredSignals(): void {
  const none = (): void => {};
  for (const signal of IGNORED_BY_NODE) {
    process.on(signal, none);
    process.off(signal, none);
  }
}

// Imported first by bin/: evaluated before any other module, it takes SIGUSR1 from
// Node.js, which would otherwise open its inspector on 127.0.0.1:9229 when the signal
// arrives - in a root process, a way for any local user to run code as root. Only the
// time Node.js needs to start and compile runsecrets is left; `node --disable-sigusr1`
// closes that too (SECURITY.md). A listener here and there later (watch mode) only adds
// a no-op; an exec resets the handler.
process.on('SIGUSR1', () => {});

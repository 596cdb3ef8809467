// Init duties of watch mode (SPEC §6). As PID 1 of a container runsecrets reaps the
// orphans the kernel hands it, as tini does; as any other process it becomes a child
// subreaper (prctl PR_SET_CHILD_SUBREAPER), so the app's orphans come to it rather than
// to PID 1, and are reaped the same way. Where the runtime has no FFI (Node.js 22 and 24,
// libc.ts) nothing changes: PID 1 warns that orphans stay zombies.
//
// Never waitpid(-1): the runtime waits for the children it spawned by pid (Bun through a
// pidfd, Node.js's libuv with waitpid(pid)); a status taken from under it crashes Bun
// (ECHILD) or loses the app's exit status. So each pass lists this process's zombie
// children in /proc (zombies.ts), leaves those runsecrets spawned, and waits for each
// other one by pid with WNOHANG: on SIGCHLD, and on a slow timer, as a children list read
// while it changes may miss one.
//
// A child spawned but not yet recorded as runsecrets' own is never seen by a pass:
// spawn() and the recording (track) are one synchronous step on the JS thread, and passes
// run only as callbacks on that thread. A pid leaves the record at its exit event, which
// the runtime emits once it has the status. Through the launcher (spawn-child.ts) the
// launcher's pid is the app's, as it execs the app.

import type { Logger } from '../log.js';
import { warnIfPid1 } from './forward-signals.js';
import { loadLibc, type Libc } from './libc.js';
import type { SpawnChild } from './spawn-child.js';
import { zombieChildren } from './zombies.js';

/**
 * The backstop pass. SIGCHLD does the work: a pass takes every zombie there is, so signals
 * merged into one lose nothing. The timer catches what a pass read from a children list
 * changing under it missed; a pass costs about 0.3 ms (a few /proc reads per thread).
 */
const REAP_INTERVAL_MS = 5000;

/** What watch mode does with the init duties. */
export interface Init {
  /** Wraps a SpawnChild so that every child it starts is runsecrets' own, never reaped here. */
  readonly track: (spawn: SpawnChild) => SpawnChild;
  /** Stops reaping (supervision is over). */
  readonly stop: () => void;
}

/** What startInit needs from the system; the defaults are the real ones. */
export interface InitDeps {
  readonly load?: typeof loadLibc;
  readonly zombies?: (pid: number) => number[];
}

const NONE: Init = { track: (spawn) => spawn, stop: () => {} };

/** Takes up the init duties for process `pid` (this process), or warns as PID 1 when the runtime cannot. */
export function startInit(pid: number, log: Logger, deps: InitDeps = {}): Init {
  const libc = (deps.load ?? loadLibc)((message) => log.debug(`node:ffi: ${message}`));
  if (typeof libc === 'string') {
    warnIfPid1(pid, (message) => log.warn(message));
    log.debug(`orphaned processes are not reaped: ${libc}`);
    return NONE;
  }
  if (pid === 1) {
    log.debug(`runsecrets is PID 1: it reaps orphaned processes, as tini does (${libc.via})`);
  } else if (libc.setChildSubreaper()) {
    log.debug(`runsecrets is a child subreaper (prctl PR_SET_CHILD_SUBREAPER): orphans of the command are reparented to it and reaped (${libc.via})`);
  } else {
    log.debug('prctl(PR_SET_CHILD_SUBREAPER) failed: orphans of the command go to PID 1, as without runsecrets');
    return NONE;
  }
  return reapOrphans(pid, libc, deps.zombies ?? ((self) => zombieChildren(self)), log);
}

function reapOrphans(pid: number, libc: Libc, zombies: (pid: number) => number[], log: Logger): Init {
  const own = new Set<number>();
  const reap = (): void => {
    try {
      for (const child of zombies(pid)) {
        if (own.has(child)) continue;
        const { pid: reaped, status } = libc.waitpidNoHang(child);
        if (reaped === child) log.debug(`reaped orphaned process ${child} (${describeStatus(status)})`);
      }
    } catch (error) {
      // An FFI that stops working must not take supervision down with it.
      stop();
      log.warn(`stopped reaping orphaned processes: ${(error as Error).message}`);
    }
  };
  const stop = (): void => {
    process.off('SIGCHLD', reap);
    clearInterval(timer);
  };
  process.on('SIGCHLD', reap);
  const timer = setInterval(reap, REAP_INTERVAL_MS);
  timer.unref();
  return {
    track: (spawn) => (launch, detached) => {
      const started = spawn(launch, detached);
      const { child } = started;
      const childPid = child.pid;
      if (childPid !== undefined) {
        own.add(childPid);
        child.once('exit', () => own.delete(childPid));
      }
      return started;
    },
    stop,
  };
}

/** A raw wait status as the shell would say it: `exit N` or `signal N`. */
export function describeStatus(status: number): string {
  const signal = status & 0x7f;
  return signal === 0 ? `exit ${(status >> 8) & 0xff}` : `signal ${signal}`;
}

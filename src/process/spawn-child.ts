// How the supervisor starts each child, with the user semantics of exec mode: the
// child's uid, gid, supplementary groups and HOME are what gosu gives.
//
// A plain spawn inherits all of them, which is right when the supervisor itself has
// switched (or never needed to). A supervisor that stays root cannot use spawn's
// uid/gid options: libuv then calls setgroups(0, NULL) in the child, dropping the
// supplementary groups (https://github.com/libuv/libuv/pull/4704). So it starts
// runsecrets again as a launcher, which switches in gosu's order and execs the
// command, keeping the PID; the request travels on a pipe, never on the command line.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { Credentials } from '../privileges/resolve-user.js';
import { envObject } from '../types.js';
import type { Launch } from './exec.js';
import { LAUNCHER_ARGUMENT, LAUNCHER_EXEC_FD, LAUNCHER_FD } from './launcher-argument.js';

/** Starts one child; `detached` gives it its own session and process group (setsid): the Supervisor always asks for it. */
export type SpawnChild = (launch: Launch, detached: boolean) => Started;

/** A child just spawned. */
export interface Started {
  readonly child: ChildProcess;
  /**
   * For a child started through the launcher: resolves once the process runs the
   * command itself (the launcher's exec) or has exited. Undefined for a plain spawn,
   * which runs the command from the start.
   */
  readonly running?: Promise<void>;
  /**
   * With `running`: whether the launcher has exec'd the command by now, asked of the
   * kernel. The close of fd 4 that resolves `running` and a signal that arrived after it
   * can be read by the event loop in either order; a signal seen first must not be
   * dropped as if the command were not running yet.
   */
  readonly execedNow?: () => boolean;
}

/** What the launcher reads on LAUNCHER_FD, as JSON. */
export interface LaunchRequest {
  readonly credentials: Pick<Credentials, 'uid' | 'gid' | 'groups'>;
  readonly launch: Launch;
}

/** A plain spawn: the child inherits this process's uid, gid and supplementary groups. */
export const spawnInheriting: SpawnChild = (launch, detached) => {
  const [argv0, ...args] = launch.argv;
  return { child: spawn(launch.path, args, { argv0: argv0 ?? launch.path, env: envObject(launch.env), stdio: 'inherit', detached }) };
};

/**
 * Spawns as `credentials` from a root process through the launcher, started with
 * `relaunch` (the command line that runs runsecrets). Runtimes without process.execve
 * fall back to spawn's uid/gid, which loses supplementary groups: `warn` says so once.
 */
export function spawnAs(credentials: Credentials, relaunch: readonly string[], warn: (message: string) => void): SpawnChild {
  if (typeof process.execve === 'function') return spawnThroughLauncher(credentials, relaunch);
  if (credentials.groups.length > 0) {
    warn(
      `Node.js ${process.version} has no process.execve, so the child runs without its supplementary groups ` +
        `(${credentials.groups.join(',')}); use Node.js 22.15 or later, or make every watched path readable by the user so that the supervisor can drop to it`,
    );
  }
  return (launch, detached) => {
    const [argv0, ...args] = launch.argv;
    const ids = { uid: credentials.uid, gid: credentials.gid };
    return { child: spawn(launch.path, args, { argv0: argv0 ?? launch.path, env: envObject(launch.env), stdio: 'inherit', detached, ...ids }) };
  };
}

function spawnThroughLauncher(credentials: Credentials, relaunch: readonly string[]): SpawnChild {
  const [file, ...prefix] = relaunch;
  if (file === undefined) throw new Error('spawnAs: empty relaunch command');
  return (launch, detached) => {
    // An empty environment: nothing like NODE_OPTIONS from the app's reaches the launcher.
    // stdin, stdout and stderr are the app's; fd 3 (LAUNCHER_FD) carries the request, and
    // fd 4 (LAUNCHER_EXEC_FD) is closed by the launcher as it execs.
    const child = spawn(file, [...prefix, LAUNCHER_ARGUMENT], { env: {}, stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe'], detached });
    const request: LaunchRequest = { credentials: { uid: credentials.uid, gid: credentials.gid, groups: credentials.groups }, launch };
    const pipe = child.stdio[LAUNCHER_FD] as Writable | null;
    // EPIPE if the launcher died first: its exit status tells the supervisor what happened.
    pipe?.on('error', () => {});
    pipe?.end(JSON.stringify(request));
    const running = new Promise<void>((resolve) => {
      const execing = child.stdio[LAUNCHER_EXEC_FD] as Readable | null;
      execing?.on('close', resolve).on('error', resolve).resume();
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    return { child, running, execedNow: () => child.pid !== undefined && !isLauncher(child.pid) };
  };
}

/**
 * Whether process `pid` (a child not yet reaped, so its pid is not reused) still runs the
 * launcher: its command line, which the exec replaces, holds LAUNCHER_ARGUMENT. Without
 * /proc it is taken to be, as before the exec is seen. The app can rewrite its own
 * command line to look like the launcher; that only drops signals meant for itself
 * (stop signals still go through), and steers nothing root does.
 */
function isLauncher(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').includes(LAUNCHER_ARGUMENT);
  } catch {
    return true;
  }
}

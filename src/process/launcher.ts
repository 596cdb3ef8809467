// The launcher: runsecrets started by a watch-mode supervisor that stays root, to start
// one child as the target user (see spawn-child.ts). It reads its request from fd 3,
// switches user exactly as exec mode does (groups, gid, uid), checks the command as
// that user, and replaces itself with it, so the app keeps the launcher's PID.

import { closeSync, readFileSync } from 'node:fs';
import { RunsecretsError, describeOsError } from '../errors.js';
import type { Logger } from '../log.js';
import { switchUser } from '../privileges/switch-user.js';
import { execCommand } from './exec.js';
import { LAUNCHER_ARGUMENT, LAUNCHER_EXEC_FD, LAUNCHER_FD } from './launcher-argument.js';
import { accessExecutable, checkedLaunch } from './resolve-command.js';
import type { LaunchRequest } from './spawn-child.js';

/** Runs the launcher; only returns (with an exit status) if the command could not start. */
export async function runLauncher(cwd: string, log: Logger): Promise<number> {
  // (A SIGUSR1 that lands before the exec is already taken from Node's inspector: take-sigusr1.ts.)
  const { credentials, launch } = readRequest();
  switchUser({ ...credentials, home: launch.env.HOME ?? '/' });
  const checked = checkedLaunch(launch.argv, launch.env, cwd, accessExecutable, launch.path);
  // Tells the supervisor that the command runs from now on: signals it held go to the app.
  try {
    closeSync(LAUNCHER_EXEC_FD);
  } catch {
    // Not started by a supervisor (EBADF): nobody waits.
  }
  return execCommand(checked, log);
}

function readRequest(): LaunchRequest {
  let text: string;
  try {
    text = readFileSync(LAUNCHER_FD, 'utf8');
    closeSync(LAUNCHER_FD);
  } catch (error) {
    throw new RunsecretsError('LAUNCHER', `${LAUNCHER_ARGUMENT} is internal to watch mode and reads fd ${LAUNCHER_FD}: ${describeOsError(error)}`, 1, error);
  }
  return JSON.parse(text) as LaunchRequest;
}

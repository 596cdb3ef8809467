// Finds the command on the child's PATH and proves it can run before anything is
// exec'd: a failed process.execve aborts Node (exit 134), so 127 and 126 are decided
// here, including a missing #! interpreter or ELF loader.

import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs';
import { delimiter, dirname, resolve } from 'node:path';
import { RunsecretsError } from '../errors.js';
import { allows, unsearchable, X } from '../privileges/permission-bits.js';
import { findInterpreter } from './interpreter.js';

/** Decides whether a file may be executed by whoever will run it. */
export type CanExecute = (path: string, stats: Stats) => boolean;

/** access(2) as the current (possibly already switched) user. */
export const accessExecutable: CanExecute = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Resolves `command` to an absolute path that can be executed, or throws 127 / 126. */
export function resolveCommand(command: string, pathVariable: string | undefined, cwd: string, canExecute: CanExecute): string {
  if (command === '') throw notFound(command, 'an empty command');
  const dirs = pathVariable === undefined || pathVariable === '' ? [] : pathVariable.split(delimiter);
  const candidates = command.includes('/') ? [resolve(cwd, command)] : dirs.map((dir) => resolve(cwd, dir || '.', command));
  let denied: string | undefined;
  for (const candidate of candidates) {
    const stats = statOrUndefined(candidate);
    if (stats === undefined || (stats.isDirectory() && !command.includes('/'))) continue;
    if (stats.isFile() && canExecute(candidate, stats)) return checkRunnable(command, candidate, canExecute);
    denied ??= candidate;
  }
  if (denied !== undefined) throw notExecutable(command, denied);
  throw notFound(command, command.includes('/') ? 'the path' : `PATH=${pathVariable ?? ''}`);
}

function notExecutable(command: string, path: string): RunsecretsError {
  const what = statOrUndefined(path)?.isDirectory() === true ? 'is a directory; name the program inside it' : 'is not executable by the target user; chmod +x it or fix the user';
  return new RunsecretsError('NOT_EXECUTABLE', `command "${command}" at ${path} ${what}`, 126);
}

function checkRunnable(command: string, path: string, canExecute: CanExecute): string {
  const interpreter = findInterpreter(path);
  if (interpreter.kind === 'unknown') {
    throw new RunsecretsError('EXEC_FORMAT', `command "${command}" at ${path} is neither a binary nor a script with a #! line; add one`, 126);
  }
  if (interpreter.kind === 'needs') {
    const stats = statOrUndefined(interpreter.path);
    if (stats === undefined || !stats.isFile() || !canExecute(interpreter.path, stats)) {
      const what = interpreter.via === 'script' ? 'interpreter (#! line)' : 'ELF loader';
      throw new RunsecretsError('BAD_INTERPRETER', `command "${command}" at ${path} needs ${what} ${interpreter.path}, which is missing or not executable`, 126);
    }
  }
  return path;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function notFound(command: string, where: string): RunsecretsError {
  return new RunsecretsError('NOT_FOUND', `command ${JSON.stringify(command)} not found (searched ${where}); install it or fix PATH`, 127);
}

/**
 * Builds a CanExecute from permission bits, for a user this process has not switched to
 * (--check, and a root watch-mode supervisor): execute on the file, and search on every
 * directory on the way to it, as given and as resolved through symlinks, each judged by
 * its owner, group or other class as the kernel does. So the lookup finds the same
 * command as exec mode's access(2) after the switch: a PATH entry under a directory the
 * user cannot enter is passed over, not chosen and then found missing by the user.
 */
export function modeBitsExecutable(uid: number, gids: readonly number[]): CanExecute {
  const searchable = (dir: string): boolean => unsearchable(dir, uid, gids, statOrUndefined) === undefined;
  return (path, stats) => {
    // Root needs an execute bit somewhere on the file, and may enter any directory.
    if (uid === 0) return (stats.mode & 0o111) !== 0;
    return allows(stats, X, uid, gids) && searchable(dirname(path)) && searchable(dirname(realpathOrSelf(path)));
  };
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

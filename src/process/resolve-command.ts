// Finds the command on the child's PATH and proves it can run before anything is
// exec'd: a failed process.execve aborts Node (exit 134), so 127 and 126 are decided
// here (a missing #! interpreter or ELF loader, a format the kernel refuses, a file
// open for writing), and 1 for an environment over the exec size limit.

import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs';
import { delimiter, dirname, resolve } from 'node:path';
import { RunsecretsError } from '../errors.js';
import { allows, unsearchable, X } from '../privileges/permission-bits.js';
import type { Actor } from '../safe-fs/actor.js';
import type { Launch } from './exec.js';
import { readExecFormat } from './exec-format.js';
import { checkExecSize } from './exec-size.js';
import { findWriters } from './text-busy.js';

/**
 * Decides whether a file may be executed by whoever will run it; `actor`, when set, is
 * that user, whom a root process acts as to read the file's first bytes (safe-fs): the
 * command file may be the app's, and root must not read through it what the app cannot.
 */
export type CanExecute = ((path: string, stats: Stats) => boolean) & { readonly actor?: Actor };

/** access(2) as the current (possibly already switched) user. */
export const accessExecutable: CanExecute = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A command found on PATH and proven runnable. */
export interface Command {
  readonly path: string;
  /** Strings the kernel adds to the exec for a `#!` script (interpreter, argument, script path), level by level. */
  readonly added: readonly string[];
}

/** Resolves `command` to an absolute path that can be executed, or throws 127 / 126. */
export function resolveCommand(command: string, pathVariable: string | undefined, cwd: string, canExecute: CanExecute): string {
  return findCommand(command, pathVariable, cwd, canExecute).path;
}

/**
 * The launch of `argv` with `env`: `command` (default argv[0]) found on the env's PATH,
 * runnable, within the exec size limit; throws 127, 126 or 1 (E2BIG).
 */
export function checkedLaunch(argv: readonly string[], env: Readonly<Record<string, string>>, cwd: string, canExecute: CanExecute, command = argv[0] ?? ''): Launch {
  const { path, added } = findCommand(command, env.PATH, cwd, canExecute);
  checkExecSize({ path, argv, env, added });
  return { path, argv, env };
}

/** resolveCommand, with what a script adds to the exec. */
export function findCommand(command: string, pathVariable: string | undefined, cwd: string, canExecute: CanExecute): Command {
  if (command === '') throw notFound(command, 'an empty command');
  const dirs = pathVariable === undefined || pathVariable === '' ? [] : pathVariable.split(delimiter);
  const candidates = command.includes('/') ? [resolve(cwd, command)] : dirs.map((dir) => resolve(cwd, dir || '.', command));
  let denied: string | undefined;
  for (const candidate of candidates) {
    const stats = statOrUndefined(candidate);
    if (stats === undefined || (stats.isDirectory() && !command.includes('/'))) continue;
    if (stats.isFile() && canExecute(candidate, stats)) return { path: candidate, added: checkRunnable(command, candidate, stats, canExecute) };
    denied ??= candidate;
  }
  if (denied !== undefined) throw notExecutable(command, denied);
  throw notFound(command, command.includes('/') ? 'the path' : `PATH=${pathVariable ?? ''}`);
}

function notExecutable(command: string, path: string): RunsecretsError {
  const what = statOrUndefined(path)?.isDirectory() === true ? 'is a directory; name the program inside it' : 'is not executable by the target user; chmod +x it or fix the user';
  return new RunsecretsError('NOT_EXECUTABLE', `command "${command}" at ${path} ${what}`, 126);
}

/** The kernel runs at most six format handlers per exec (fs/exec.c, exec_binprm: depth > 5 is ELOOP): five #! levels, then a binary. */
const MAX_SCRIPTS = 5;

/**
 * Proves that execve will accept `path`: a format the kernel runs, its #! interpreter
 * (itself proven, level by level) or ELF loader present, nobody writing to it. Returns
 * the strings a script adds to the exec.
 */
function checkRunnable(command: string, path: string, stats: Stats, canExecute: CanExecute, depth = 0): string[] {
  const fail = (code: string, why: string): RunsecretsError => new RunsecretsError(code, `command "${command}" at ${path} ${why}`, 126);
  const format = readExecFormat(path, stats.size, canExecute.actor);
  if (format.kind === 'refused') throw fail('EXEC_FORMAT', format.reason);
  const writers = findWriters(stats);
  if (writers.length > 0) {
    const who = writers.map((writer) => (writer.pid === process.pid ? `runsecrets itself (pid ${writer.pid}: a descriptor it was started with; close it first)` : `${writer.name} (pid ${writer.pid})`)).join(', ');
    throw fail('TEXT_BUSY', `is open for writing by ${who}, so the kernel refuses to run it (ETXTBSY); start it once the writing is done`);
  }
  if (format.kind === 'elf' && format.loader !== undefined) {
    const loader = statOrUndefined(format.loader);
    if (loader === undefined || !loader.isFile() || !canExecute(format.loader, loader)) throw fail('BAD_INTERPRETER', `needs ELF loader ${format.loader}, which is missing or not executable`);
  }
  if (format.kind !== 'script') return [];
  const interpreter = statOrUndefined(format.interpreter);
  if (interpreter === undefined || !interpreter.isFile() || !canExecute(format.interpreter, interpreter)) {
    throw fail('BAD_INTERPRETER', `needs interpreter (#! line) ${format.interpreter}, which is missing or not executable`);
  }
  if (depth >= MAX_SCRIPTS) throw fail('EXEC_FORMAT', `has #! interpreters nested more than ${MAX_SCRIPTS} deep, which the kernel refuses (ELOOP)`);
  // A nested level drops its argv[0] (this interpreter) for its script path (the same
  // string) and its own interpreter: only what follows the path is new.
  const below = checkRunnable(command, format.interpreter, interpreter, canExecute, depth + 1).slice(1);
  return [path, ...(format.argument === undefined ? [] : [format.argument]), format.interpreter, ...below];
}

/** The file's stats; undefined when it is missing or cannot be reached (throwIfNoEntry spares the exception on every PATH dir without it). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
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
  const check = (path: string, stats: Stats): boolean => {
    // Root needs an execute bit somewhere on the file, and may enter any directory.
    if (uid === 0) return (stats.mode & 0o111) !== 0;
    return allows(stats, X, uid, gids) && searchable(dirname(path)) && searchable(dirname(realpathOrSelf(path)));
  };
  const [gid = -1, ...groups] = gids;
  return uid === 0 ? check : Object.assign(check, { actor: { uid, gid, groups } });
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

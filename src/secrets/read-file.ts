// Reads one source file (a NAME_FILE target, a --dotenv file) through safe-fs, turning
// its failures into messages that name the source, the path and what to change; never
// the content.

import { RunsecretsError } from '../errors.js';
import type { Actor } from '../safe-fs/actor.js';
import { accessFix, FsError } from '../safe-fs/fs-error.js';
import { NotRegularError, readPath, TooLargeError } from '../safe-fs/read.js';

/** Reads `path` (named `what` in messages, e.g. `DB_PASSWORD_FILE`), at most `maxSize` bytes, as the walk allows for `actor`. */
export function readSourceFile(path: string, what: string, maxSize: number, actor: Actor | undefined): Buffer {
  try {
    return readPath(path, actor, maxSize);
  } catch (error) {
    throw sourceError(error, path, what, maxSize, actor);
  }
}

/** The one-line problem for a failed read of `what` at `path`. */
export function sourceError(error: unknown, path: string, what: string, maxSize: number, actor: Actor | undefined): RunsecretsError {
  if (error instanceof TooLargeError) {
    return new RunsecretsError('TOO_LARGE', `${what} at ${path} is ${error.sizeText}, over --max-size (RUNSECRETS_MAX_SIZE) of ${maxSize}; raise --max-size if this is intended`);
  }
  if (error instanceof NotRegularError) {
    return new RunsecretsError('NOT_REGULAR', `cannot read ${what} at ${path}: ${error.describe(path)}; point it at a regular file`);
  }
  if (error instanceof FsError) {
    return new RunsecretsError('UNREADABLE', `cannot read ${what} at ${path}: ${error.describe(path)}${accessFix(error, actor)}`, 1, error);
  }
  throw error;
}

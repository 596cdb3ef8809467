// Reads one secret file with the --max-size limit, turning OS errors into messages
// that name the secret and the path, never the content.

import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { RunsecretsError, describeOsError } from '../errors.js';

/** Reads `path` (named `what` in messages, e.g. `secret "db_password"`). */
export function readLimited(path: string, what: string, maxSize: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new RunsecretsError('UNREADABLE', `cannot read ${what} at ${path}: ${describeOsError(error)}; check the file and its permissions`, 1, error);
  }
  try {
    const { size } = fstatSync(fd);
    if (size > maxSize) throw tooLarge(path, what, size, maxSize);
    const bytes = readFileSync(fd);
    if (bytes.length > maxSize) throw tooLarge(path, what, bytes.length, maxSize);
    return bytes;
  } catch (error) {
    if (error instanceof RunsecretsError) throw error;
    throw new RunsecretsError('UNREADABLE', `cannot read ${what} at ${path}: ${describeOsError(error)}`, 1, error);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, what: string, size: number, maxSize: number): RunsecretsError {
  return new RunsecretsError(
    'TOO_LARGE',
    `${what} at ${path} is ${size} bytes, over --max-size (RUNSECRETS_MAX_SIZE) of ${maxSize}; raise --max-size if this is intended`,
  );
}

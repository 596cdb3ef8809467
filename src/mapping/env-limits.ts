// What an environment variable can hold: no NUL byte, valid UTF-8 (Node's execve and
// spawn take strings), and at most the kernel's per-string limit.

import { isUtf8 } from 'node:buffer';
import { RunsecretsError } from '../errors.js';
import type { MadeVariable } from '../types.js';

/** MAX_ARG_STRLEN: one `NAME=value` string, NUL included, may not exceed 32 pages. */
export const MAX_ENV_STRING = 128 * 1024;

/** Throws if `variable` cannot be put into an environment; the message names its source. */
export function checkEnvValue(variable: MadeVariable): void {
  const { value, name } = variable;
  if (name.startsWith('RUNSECRETS_')) {
    throw new RunsecretsError('RESERVED_NAME', `${describeSource(variable)} would become variable ${name}, but RUNSECRETS_* variables are runsecrets' own and never reach the command; rename it, or name it with --map`);
  }
  const why =
    value.includes(0) ? 'contains a NUL byte'
    : !isUtf8(value) ? 'is not valid UTF-8'
    : Buffer.byteLength(name) + value.length + 2 > MAX_ENV_STRING ? `is ${value.length} bytes, over the 128 KiB an environment variable can hold`
    : undefined;
  if (why === undefined) return;
  throw new RunsecretsError(
    'ENV_VALUE',
    `${describeSource(variable)} ${why}, so it cannot become variable ${name}; use it in a template instead, or exclude it with --explicit`,
  );
}

/** `secret "db_password" (/run/secrets/db_password)`, `DB_PASSWORD_FILE (/path)`, ... */
export function describeSource(variable: MadeVariable): string {
  switch (variable.source) {
    case 'file': return `secret "${variable.secret ?? variable.name}" (${variable.path})`;
    case 'dotenv': return `key ${variable.name} of dotenv secret "${variable.secret ?? ''}" (${variable.path})`;
    case 'NAME_FILE': return `${variable.name}_FILE (${variable.path})`;
    case 'dotenv-file': return `key ${variable.name} of --dotenv ${variable.path}`;
  }
}

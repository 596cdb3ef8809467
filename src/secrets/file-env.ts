// The Docker official images' NAME_FILE convention: NAME_FILE=/path in the inherited
// environment gives the child NAME with the file's trimmed content, and no NAME_FILE.

import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import type { Config } from '../cli/config.js';
import { Problems, RunsecretsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Env } from '../types.js';
import { readLimited } from './read-file.js';
import { trimValue } from './trim.js';

/** A NAME_FILE variable that was read. */
export interface FileEnvValue {
  /** NAME, the variable the child gets. */
  readonly variable: string;
  /** NAME_FILE, removed from the child's environment. */
  readonly fileVariable: string;
  readonly path: string;
  readonly value: Buffer;
}

/** Reads every NAME_FILE that `config.fileEnv` allows. */
export function readFileEnv(config: Config, inherited: Env, realDirs: readonly string[], problems: Problems, log: Logger): FileEnvValue[] {
  if (config.fileEnv === 'off') return [];
  const found: FileEnvValue[] = [];
  const outside: string[] = [];
  for (const [fileVariable, path] of Object.entries(inherited).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const variable = fileVariable.slice(0, -'_FILE'.length);
    if (!fileVariable.endsWith('_FILE') || variable === '' || path === '') continue;
    if (config.fileEnv === 'secrets' && !insideAny(path, realDirs)) {
      outside.push(fileVariable);
      continue;
    }
    const value = problems.attempt(() => readOne(config, inherited, variable, fileVariable, path));
    if (value !== undefined) found.push({ variable, fileVariable, path, value });
  }
  // Hosts set SSL_CERT_FILE and the like everywhere: a line at every start would be noise, so only --check and debug say it.
  if (outside.length > 0) {
    (config.check ? log.info : log.debug)(`left as they are, pointing outside the secrets dirs: ${outside.join(', ')} (--file-env any would read them)`);
  }
  return found;
}

function readOne(config: Config, inherited: Env, variable: string, fileVariable: string, path: string): Buffer {
  if ((inherited[variable] ?? '') !== '') {
    throw new RunsecretsError('FILE_ENV_BOTH', `both ${variable} and ${fileVariable} are set (but are exclusive); unset one of them`);
  }
  return trimValue(readLimited(path, `${fileVariable}`, config.maxSize), config.trim);
}

function insideAny(path: string, realDirs: readonly string[]): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    // A missing file under a secrets dir is still ours to report; judge by the path as written.
    real = path;
  }
  return realDirs.some((dir) => real.startsWith(dir + sep));
}

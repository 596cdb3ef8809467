// The Docker official images' NAME_FILE convention: NAME_FILE=/path in the inherited
// environment gives the child NAME with the file's trimmed content, and no NAME_FILE.

import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../cli/config.js';
import { Problems, RunsecretsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Actor } from '../safe-fs/actor.js';
import { EscapeError } from '../safe-fs/inside.js';
import type { Env } from '../types.js';
import type { SecretDir } from './read-dirs.js';
import { readSourceFile, sourceError } from './read-file.js';
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

/**
 * Reads every NAME_FILE that `config.fileEnv` allows. A target inside a secrets dir is
 * read through that dir (symlinks only inside it); with `any`, others through safe-fs.
 */
export function readFileEnv(config: Config, inherited: Env, dirs: readonly SecretDir[], actor: Actor | undefined, problems: Problems, log: Logger): FileEnvValue[] {
  if (config.fileEnv === 'off') return [];
  const found: FileEnvValue[] = [];
  const outside: string[] = [];
  for (const [fileVariable, path] of Object.entries(inherited).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const variable = fileVariable.slice(0, -'_FILE'.length);
    if (!fileVariable.endsWith('_FILE') || variable === '' || path === '') continue;
    const inside = locate(path, dirs);
    if (config.fileEnv === 'secrets' && inside === undefined) {
      outside.push(fileVariable);
      continue;
    }
    const value = problems.attempt(() => readOne(config, inherited, variable, fileVariable, path, inside, actor));
    if (value !== undefined) found.push({ variable, fileVariable, path, value });
  }
  // Hosts set SSL_CERT_FILE and the like everywhere: a line at every start would be noise, so only --check and debug say it.
  if (outside.length > 0) {
    (config.check ? log.info : log.debug)(`left as they are, pointing outside the secrets dirs: ${outside.join(', ')} (--file-env any would read them)`);
  }
  return found;
}

function readOne(config: Config, inherited: Env, variable: string, fileVariable: string, path: string, inside: Inside | undefined, actor: Actor | undefined): Buffer {
  if ((inherited[variable] ?? '') !== '') {
    throw new RunsecretsError('FILE_ENV_BOTH', `both ${variable} and ${fileVariable} are set (but are exclusive); unset one of them`);
  }
  if (inside === undefined) return trimValue(readSourceFile(resolve(path), fileVariable, config.maxSize, actor), config.trim);
  try {
    return trimValue(inside.dir.read(inside.relative, config.maxSize), config.trim);
  } catch (error) {
    if (error instanceof EscapeError) {
      throw new RunsecretsError('SYMLINK_ESCAPE', `${fileVariable} at ${path} is a symlink to ${error.link}, outside ${inside.dir.realPath}; with --file-env secrets it may only link inside the secrets dir`);
    }
    throw sourceError(error, path, fileVariable, config.maxSize, actor);
  }
}

/** A NAME_FILE target below a secrets dir. */
interface Inside {
  readonly dir: SecretDir;
  readonly relative: string;
}

/** The secrets dir `path` lies in, as written or with symlinks resolved; undefined when in none. */
function locate(path: string, dirs: readonly SecretDir[]): Inside | undefined {
  const candidates = [resolve(path)];
  try {
    candidates.push(realpathSync(path));
  } catch {
    // Missing: judge by the path as written; reading it says what is wrong.
  }
  for (const candidate of candidates) {
    for (const dir of dirs) {
      for (const base of [dir.path, dir.realPath]) {
        const prefix = base.endsWith('/') ? base : `${base}/`;
        if (candidate.startsWith(prefix)) return { dir, relative: candidate.slice(prefix.length) };
      }
    }
  }
  return undefined;
}

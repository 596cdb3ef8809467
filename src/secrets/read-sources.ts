// The sources stage: secret dirs, *.env secrets, NAME_FILE variables and --dotenv files,
// read once into memory. Nothing here decides variable names; mapping/ does.

import type { Config } from '../cli/config.js';
import type { Problems } from '../errors.js';
import type { Logger } from '../log.js';
import type { Actor } from '../safe-fs/actor.js';
import type { Env, Secret } from '../types.js';
import { parseDotenvSecrets, readEnvFiles, type DotenvEntry } from './dotenv.js';
import { readFileEnv, type FileEnvValue } from './file-env.js';
import { readSecretDirs } from './read-dirs.js';

/** Everything runsecrets read, before mapping. */
export interface Sources {
  readonly secrets: ReadonlyMap<string, Secret>;
  readonly dotenvSecrets: readonly DotenvEntry[];
  readonly fileEnv: readonly FileEnvValue[];
  readonly envFiles: readonly DotenvEntry[];
}

/**
 * Reads every source `config` names, recording problems rather than stopping. As root,
 * paths that `actor` (the command's user) can change are read as that user (safe-fs).
 */
export async function readSources(config: Config, inherited: Env, actor: Actor | undefined, problems: Problems, log: Logger): Promise<Sources> {
  const dirs = readSecretDirs(config, actor, problems, log);
  try {
    return {
      secrets: dirs.secrets,
      dotenvSecrets: await parseDotenvSecrets(dirs.secrets.values(), problems),
      fileEnv: readFileEnv(config, inherited, dirs.dirs, actor, problems, log),
      envFiles: await readEnvFiles(config.envFiles, config.maxSize, actor, problems),
    };
  } finally {
    dirs.close();
  }
}

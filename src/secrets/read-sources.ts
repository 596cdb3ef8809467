// The sources stage: secret dirs, *.env secrets, NAME_FILE variables and --env-files,
// read once into memory. Nothing here decides variable names; mapping/ does.

import type { Config } from '../cli/config.js';
import type { Problems } from '../errors.js';
import type { Logger } from '../log.js';
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

/** Reads every source `config` names, recording problems rather than stopping. */
export async function readSources(config: Config, inherited: Env, problems: Problems, log: Logger): Promise<Sources> {
  const { secrets, realDirs } = readSecretDirs(config, problems, log);
  return {
    secrets,
    dotenvSecrets: await parseDotenvSecrets(secrets.values()),
    fileEnv: readFileEnv(config, inherited, realDirs, problems, log),
    envFiles: await readEnvFiles(config.envFiles, config.maxSize, problems),
  };
}

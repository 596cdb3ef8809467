// The mapping stage: the child's complete environment from the inherited one,
// --dotenv values and the secret-made variables, in that order of precedence
// (inherited variables win over --dotenv files; secrets win over both).

import type { Config } from '../cli/config.js';
import type { Problems } from '../errors.js';
import type { Logger } from '../log.js';
import type { Sources } from '../secrets/read-sources.js';
import { envObject, type Env, type MadeVariable } from '../types.js';
import { checkEnvValue } from './env-limits.js';
import { selectVariables } from './select-variables.js';

/** What the child will receive. */
export interface EnvPlan {
  /** The child's environment (HOME is set later by the user switch, if any). */
  readonly env: Record<string, string>;
  /** The variables runsecrets made, secrets first then --dotenv files, each sorted by name. */
  readonly variables: readonly MadeVariable[];
}

/** Builds the child's environment. `inherited` must already be free of RUNSECRETS_*. */
export function buildEnv(config: Config, sources: Sources, inherited: Env, problems: Problems, log: Logger): EnvPlan {
  const secretVariables = selectVariables(config, sources, problems);
  const env = config.pristine ? pick(inherited, ['PATH', 'HOME']) : envObject(inherited);
  for (const entry of sources.fileEnv) delete env[entry.fileVariable];

  const fromEnvFiles = new Map<string, MadeVariable>();
  for (const entry of sources.envFiles) {
    const variable: MadeVariable = { name: entry.variable, source: 'dotenv-file', path: entry.path, value: entry.value };
    if (entry.variable in env || problems.attempt(() => (checkEnvValue(variable), true)) === undefined) continue;
    fromEnvFiles.set(entry.variable, variable);
  }
  for (const variable of fromEnvFiles.values()) env[variable.name] = variable.value.toString('utf8');

  for (let i = 0; i < secretVariables.length; i += 1) {
    const variable = secretVariables[i] as MadeVariable;
    const before = inherited[variable.name];
    if (before !== undefined && before !== '' && !fromEnvFiles.has(variable.name)) {
      log.info(`${variable.name} from ${variable.source === 'file' ? `secret "${variable.secret ?? ''}"` : variable.path} overrides the inherited variable`);
    }
    fromEnvFiles.delete(variable.name);
    env[variable.name] = variable.value.toString('utf8');
  }
  const envFileVariables = [...fromEnvFiles.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return { env, variables: [...secretVariables, ...envFileVariables] };
}

function pick(env: Env, names: readonly string[]): Record<string, string> {
  const out = envObject();
  for (const name of names) if (env[name] !== undefined) out[name] = env[name];
  return out;
}

/** The start line's count: `3 variable(s) from secrets`, and `and 2 from --dotenv` when there are any. */
export function countVariables(variables: readonly Pick<MadeVariable, 'source'>[]): string {
  const fromEnvFiles = variables.filter((variable) => variable.source === 'dotenv-file').length;
  const fromSecrets = `${variables.length - fromEnvFiles} variable(s) from secrets`;
  return fromEnvFiles === 0 ? fromSecrets : `${fromSecrets} and ${fromEnvFiles} from --dotenv`;
}

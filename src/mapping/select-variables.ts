// Decides which variables the secrets become: --map, automatic names (unless
// --explicit), *.env keys and NAME_FILE; checks --require and collisions.

import { resolve } from 'node:path';
import type { Config } from '../cli/config.js';
import { Problems, RunsecretsError } from '../errors.js';
import type { Sources } from '../secrets/read-sources.js';
import { sortedByName, type MadeVariable, type Secret } from '../types.js';
import { checkEnvValue, describeSource } from './env-limits.js';
import { automaticName } from './names.js';

/** The secret-made variables, each valid and with a unique name, sorted by name. */
export function selectVariables(config: Config, sources: Sources, problems: Problems): MadeVariable[] {
  checkRequired(config, sources.secrets, problems);
  const candidates = [
    ...mappedVariables(config, sources.secrets, problems),
    ...automaticVariables(config, sources.secrets),
    ...sources.dotenvSecrets.map((entry): MadeVariable => ({ name: entry.variable, source: 'dotenv', path: entry.path, secret: entry.secret ?? '', value: entry.value })),
    ...sources.fileEnv.map((entry): MadeVariable => ({ name: entry.variable, source: 'NAME_FILE', path: entry.path, value: entry.value })),
  ];
  const unique = withoutCollisions(candidates, problems);
  const valid = new Map<string, MadeVariable>();
  for (let i = 0; i < unique.length; i += 1) {
    const variable = unique[i] as MadeVariable;
    if (problems.attempt(() => (checkEnvValue(variable), true)) === true) valid.set(variable.name, variable);
  }
  return sortedByName(valid);
}

function checkRequired(config: Config, secrets: ReadonlyMap<string, Secret>, problems: Problems): void {
  for (const name of config.require) {
    problems.attempt(() => requireSecret(config, secrets, name, 'is required (--require)'));
  }
}

function mappedVariables(config: Config, secrets: ReadonlyMap<string, Secret>, problems: Problems): MadeVariable[] {
  const out: MadeVariable[] = [];
  for (const { variable, secret: name } of config.maps) {
    const secret = problems.attempt(() => requireSecret(config, secrets, name, `is mapped (--map ${variable}=${name})`));
    if (secret === undefined) continue;
    if (name.endsWith('.env')) {
      problems.add(new RunsecretsError('MAP_DOTENV', `secret "${name}" is a dotenv file: its keys become variables as written, so it cannot be mapped (--map ${variable}=${name}); drop the --map`));
      continue;
    }
    out.push({ name: variable, source: 'file', path: secret.path, secret: name, value: secret.value });
  }
  return out;
}

function automaticVariables(config: Config, secrets: ReadonlyMap<string, Secret>): MadeVariable[] {
  if (config.explicit) return [];
  const mapped = new Set(config.maps.map((map) => map.secret));
  return [...secrets.values()]
    .filter((secret) => !secret.name.endsWith('.env') && !mapped.has(secret.name))
    .map((secret) => ({ name: automaticName(secret.name, config.prefix), source: 'file', path: secret.path, secret: secret.name, value: secret.value }));
}

/** The secret `name`, which must exist and not be empty. */
function requireSecret(config: Config, secrets: ReadonlyMap<string, Secret>, name: string, why: string): Secret {
  const secret = secrets.get(name);
  if (secret === undefined) {
    const dirs = config.dirs.map((dir) => dir.path).join(', ');
    throw new RunsecretsError('REQUIRED', `secret "${name}" ${why} but no file named ${name} is in ${dirs}; mount it or fix the name`);
  }
  if (secret.value.length === 0) {
    throw new RunsecretsError('REQUIRED', `secret "${name}" ${why} but ${secret.path} is empty; put the value in it`);
  }
  return secret;
}

/** Drops every name made by more than one source, with a problem naming both files. */
function withoutCollisions(candidates: readonly MadeVariable[], problems: Problems): MadeVariable[] {
  // A plain loop, not Map.groupBy (Node 21+): the bundle must run far enough on an
  // older Node to reach the process.execve fallback rather than die here.
  const firsts = new Map<string, MadeVariable>();
  const clashes = new Map<string, MadeVariable>();
  for (let i = 0; i < candidates.length; i += 1) {
    const variable = candidates[i] as MadeVariable;
    const first = firsts.get(variable.name);
    // One file reached twice is one variable, not a collision: the official images'
    // DB_PASSWORD_FILE=/run/secrets/db_password next to the automatic DB_PASSWORD.
    if (first === undefined) firsts.set(variable.name, variable);
    else if (!clashes.has(variable.name) && (resolve(variable.path) !== resolve(first.path) || !variable.value.equals(first.value))) clashes.set(variable.name, variable);
  }
  // Each name's first candidate, in the order the candidates came.
  const unique: MadeVariable[] = [];
  for (let i = 0; i < candidates.length; i += 1) {
    const first = candidates[i] as MadeVariable;
    if (firsts.get(first.name) !== first) continue;
    const second = clashes.get(first.name);
    if (second === undefined) {
      unique.push(first);
    } else {
      problems.add(new RunsecretsError('COLLISION', `${describeSource(first)} and ${describeSource(second)} both map to variable ${first.name}; rename one or give it another name with --map`));
    }
  }
  return unique;
}

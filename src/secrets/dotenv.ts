// dotenv parsing for `*.env` secrets and --dotenv files, loaded only when one is present.

import { resolve } from 'node:path';
import { RunsecretsError, type Problems } from '../errors.js';
import type { Actor } from '../safe-fs/actor.js';
import type { Secret } from '../types.js';
import { dotenvProblem } from './dotenv-lines.js';
import { readSourceFile } from './read-file.js';

/** One key of a parsed dotenv file. */
export interface DotenvEntry {
  readonly variable: string;
  readonly value: Buffer;
  /** The file it came from. */
  readonly path: string;
  /** Name of the `*.env` secret, when it came from one. */
  readonly secret?: string;
}

type Parse = (src: Buffer) => Record<string, string>;

async function loadParse(): Promise<Parse> {
  const dotenv = await import('dotenv');
  return (src) => dotenv.parse(src);
}

/** Parses the `*.env` secrets into variables named as written; a file dotenv would misread gives none (dotenv-lines.ts). */
export async function parseDotenvSecrets(secrets: Iterable<Secret>, problems: Problems): Promise<DotenvEntry[]> {
  const files = [...secrets].filter((secret) => secret.name.endsWith('.env'));
  if (files.length === 0) return [];
  const parse = await loadParse();
  return files.flatMap((secret) => {
    if (!wellFormed(secret.value, `dotenv secret "${secret.name}" (${secret.path})`, problems)) return [];
    return Object.entries(parse(secret.value)).map(([variable, value]) => ({ variable, value: Buffer.from(value), path: secret.path, secret: secret.name }));
  });
}

function wellFormed(bytes: Buffer, what: string, problems: Problems): boolean {
  const problem = dotenvProblem(bytes.toString('utf8'));
  if (problem !== undefined) problems.add(new RunsecretsError('DOTENV', `${what}: ${problem}; no variable is taken from it`));
  return problem === undefined;
}

/** Reads and parses --dotenv files, in order (a later file wins over an earlier one). */
export async function readEnvFiles(paths: readonly string[], maxSize: number, actor: Actor | undefined, problems: Problems): Promise<DotenvEntry[]> {
  if (paths.length === 0) return [];
  const parse = await loadParse();
  const entries: DotenvEntry[] = [];
  for (const path of paths) {
    const bytes = problems.attempt(() => readSourceFile(resolve(path), '--dotenv (RUNSECRETS_DOTENV)', maxSize, actor));
    if (bytes === undefined || !wellFormed(bytes, `--dotenv ${path}`, problems)) continue;
    for (const [variable, value] of Object.entries(parse(bytes))) entries.push({ variable, value: Buffer.from(value), path });
  }
  return entries;
}

// dotenv parsing for `*.env` secrets and --env-file, loaded only when one is present.

import type { Problems } from '../errors.js';
import type { Secret } from '../types.js';
import { readLimited } from './read-file.js';

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

/** Parses the `*.env` secrets into variables named as written. */
export async function parseDotenvSecrets(secrets: Iterable<Secret>): Promise<DotenvEntry[]> {
  const files = [...secrets].filter((secret) => secret.name.endsWith('.env'));
  if (files.length === 0) return [];
  const parse = await loadParse();
  return files.flatMap((secret) =>
    Object.entries(parse(secret.value)).map(([variable, value]) => ({ variable, value: Buffer.from(value), path: secret.path, secret: secret.name })),
  );
}

/** Reads and parses --env-file files, in order (a later file wins over an earlier one). */
export async function readEnvFiles(paths: readonly string[], maxSize: number, problems: Problems): Promise<DotenvEntry[]> {
  if (paths.length === 0) return [];
  const parse = await loadParse();
  const entries: DotenvEntry[] = [];
  for (const path of paths) {
    const bytes = problems.attempt(() => readLimited(path, '--env-file (RUNSECRETS_ENV_FILE)', maxSize));
    if (bytes === undefined) continue;
    for (const [variable, value] of Object.entries(parse(bytes))) entries.push({ variable, value: Buffer.from(value), path });
  }
  return entries;
}

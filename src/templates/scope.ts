// What a template can see: `secrets` by file name and `env`, the child's final
// environment. Plain objects without a prototype, so that only own keys resolve.

import { isUtf8 } from 'node:buffer';
import type { Env } from '../types.js';
import { BinarySecret } from './filters.js';

/** The Liquid scope for every template of a run. */
export interface TemplateScope {
  readonly secrets: Record<string, string | BinarySecret>;
  readonly env: Record<string, string>;
}

/** Builds the scope: secret values as UTF-8 text, or BinarySecret when they are not text. */
export function buildScope(secrets: ReadonlyMap<string, { readonly value: Buffer }>, env: Env): TemplateScope {
  const secretValues: Record<string, string | BinarySecret> = Object.create(null) as Record<string, string | BinarySecret>;
  for (const [name, secret] of secrets) secretValues[name] = isUtf8(secret.value) ? secret.value.toString('utf8') : new BinarySecret(name, secret.value);
  const envValues: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(env)) envValues[name] = value;
  return { secrets: secretValues, env: envValues };
}


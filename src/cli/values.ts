// Converters from option text to typed values. Each throws a usage error that quotes
// the option (and its twin) and what was received.

import { usageError } from '../errors.js';

/** Names an option for messages: `--trim (RUNSECRETS_TRIM)`. */
export type Label = string;

/** One of a fixed set of words. */
export function parseChoice<T extends string>(label: Label, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw usageError(`${label} must be one of ${choices.join(', ')}, got ${JSON.stringify(text)}`);
}

/** A switch: 1/true/yes or 0/false/no. */
export function parseSwitch(label: Label, text: string): boolean {
  const word = text.toLowerCase();
  if (['1', 'true', 'yes'].includes(word)) return true;
  if (['0', 'false', 'no'].includes(word)) return false;
  throw usageError(`${label} takes 1/true/yes or 0/false/no, got ${JSON.stringify(text)}`);
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kib: 1024, kb: 1000, m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2,
  g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3,
};

/** A byte count: `4096`, `512KiB`, `1MiB`, `2MB`. */
export function parseSize(label: Label, text: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()];
  if (match === null || unit === undefined) {
    throw usageError(`${label} must be a size like 4096, 512KiB or 1MiB, got ${JSON.stringify(text)}`);
  }
  return Number(match[1]) * unit;
}

/** `VAR=SECRET` for --map, with VAR a valid environment variable name. */
export function parseMapping(label: Label, text: string): { variable: string; secret: string } {
  const eq = text.indexOf('=');
  const variable = text.slice(0, eq);
  const secret = text.slice(eq + 1);
  if (eq <= 0 || secret === '' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw usageError(`${label} takes VAR=SECRET with VAR a variable name (letters, digits, _), got ${JSON.stringify(text)}`);
  }
  return { variable, secret };
}

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

/** A --prefix for automatic names: the start of a variable name (letters, digits, _), never runsecrets' own RUNSECRETS_. */
export function parsePrefix(label: Label, text: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) throw usageError(`${label} must start a variable name (letters, digits and _, not first a digit), got ${JSON.stringify(text)}`);
  if (text.startsWith('RUNSECRETS_')) throw usageError(`${label} may not be RUNSECRETS_…: those variables are runsecrets' own and never reach the command`);
  return text;
}

/** `VAR=SECRET` for --map, with VAR a valid environment variable name. */
export function parseMapping(label: Label, text: string): { variable: string; secret: string } {
  const eq = text.indexOf('=');
  const variable = text.slice(0, eq);
  const secret = text.slice(eq + 1);
  if (eq <= 0 || secret === '' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw usageError(`${label} takes VAR=SECRET with VAR a variable name (letters, digits, _), got ${JSON.stringify(text)}`);
  }
  if (variable.startsWith('RUNSECRETS_')) throw usageError(`${label} cannot make ${variable}: RUNSECRETS_* variables are runsecrets' own and never reach the command`);
  return { variable, secret };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration runsecrets accepts, in ms: 2^31-1 (about 24.8 days), the
 * longest delay Node.js's timers hold. Past it, setTimeout fires after 1 ms instead
 * (with a TimeoutOverflowWarning), so `--stop-timeout 1000h` would SIGKILL at once.
 */
export const MAX_DURATION = 2 ** 31 - 1;

/** A duration in milliseconds, `min` to MAX_DURATION: `200ms`, `2s`, `1.5s`, `1m`, `0`. */
export function parseDuration(label: Label, text: string, min = 0): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = match?.[2] === undefined ? (Number(match?.[1]) === 0 ? 1 : undefined) : DURATION_UNITS[match[2]];
  if (match === null || unit === undefined) {
    throw usageError(`${label} must be a duration like 0, 200ms, 2s or 1m, got ${JSON.stringify(text)}`);
  }
  const ms = Math.round(Number(match[1]) * unit);
  if (ms > MAX_DURATION) throw usageError(`${label} must be at most 596h (${MAX_DURATION} ms, the longest timer Node.js runs), got ${JSON.stringify(text)}`);
  if (ms < min) throw usageError(`${label} must be at least ${min}ms, got ${JSON.stringify(text)}`);
  return ms;
}

/** `MIN[:MAX]` as consul-template's wait: MAX defaults to 4xMIN (at most MAX_DURATION) and may not be below MIN. */
export function parseWait(label: Label, text: string): { min: number; max: number } {
  const [minText = '', maxText, extra] = text.split(':');
  if (extra !== undefined) throw usageError(`${label} takes MIN[:MAX] like 200ms:2s, got ${JSON.stringify(text)}`);
  const min = parseDuration(label, minText);
  const max = maxText === undefined ? Math.min(min * 4, MAX_DURATION) : parseDuration(label, maxText);
  if (max < min) throw usageError(`${label} has MAX below MIN in ${JSON.stringify(text)}; give MIN:MAX with MIN <= MAX`);
  return { min, max };
}

/**
 * An interval that can be turned off: `off`, or a duration of at least `min` ms (a
 * poll every few ms would only burn CPU).
 */
export function parseInterval(label: Label, text: string, min: number): number | undefined {
  return text.trim() === 'off' ? undefined : parseDuration(label, text, min);
}

/** A signal by name (`SIGHUP`, `HUP`, `hup`) or number; returned as its SIG name. */
export function parseSignal(label: Label, text: string): NodeJS.Signals {
  // node:os loaded here, not at start: only a signal option needs it (BENCHMARKS.md).
  const signals = process.getBuiltinModule('node:os').constants.signals as Record<string, number>;
  const upper = text.trim().toUpperCase();
  const name = /^\d+$/.test(upper)
    ? Object.keys(signals).find((key) => signals[key] === Number(upper))
    : [upper, `SIG${upper}`].find((key) => signals[key] !== undefined);
  if (name === undefined) throw usageError(`${label} must be a signal like SIGHUP, HUP or 1, got ${JSON.stringify(text)}`);
  return name as NodeJS.Signals;
}

/** An octal file mode like `0600` or `640`. */
export function parseMode(label: Label, text: string): number {
  if (!/^0?[0-7]{3}$/.test(text.trim())) throw usageError(`${label} must be an octal mode like 0600 or 0640, got ${JSON.stringify(text)}`);
  return Number.parseInt(text.trim(), 8);
}

/** `SRC:DEST` for --template, split at the first colon. */
export function parseTemplate(label: Label, text: string): { source: string; destination: string } {
  const colon = text.indexOf(':');
  const source = text.slice(0, colon);
  const destination = text.slice(colon + 1);
  if (colon <= 0 || destination === '') throw usageError(`${label} takes SRC:DEST, got ${JSON.stringify(text)}`);
  return { source, destination };
}

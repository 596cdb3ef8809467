// argv -> option values and the command. Options end at `--` or at the first argument
// that does not start with `-`; everything after is the command, untouched.

import { usageError } from '../errors.js';
import { findOption, RENAMED, type OptionSpec } from './options.js';

/** Values given on the command line: a string per value option, a list per list option. */
export type RawValues = Map<string, string | string[]>;

export interface ParsedArgs {
  readonly values: RawValues;
  readonly command: string[];
}

/** Splits argv into option values and the command. Throws a usage error (exit 2). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values: RawValues = new Map();
  let index = 0;
  while (index < argv.length) {
    const arg = argv[index] as string;
    if (arg === '--') return { values, command: argv.slice(index + 1) };
    if (!arg.startsWith('-') || arg === '-') break;
    const { spec, inline } = lookUp(arg);
    let value = inline;
    if (spec.kind !== 'switch' && value === undefined) {
      value = argv[index + 1];
      if (value === undefined) throw usageError(`option --${spec.name} needs a value (${spec.metavar})`);
      index += 1;
    }
    store(values, spec, value ?? 'true');
    index += 1;
  }
  return { values, command: argv.slice(index) };
}

function lookUp(arg: string): { spec: OptionSpec; inline: string | undefined } {
  const long = arg.startsWith('--');
  const body = arg.slice(long ? 2 : 1);
  const eq = long ? body.indexOf('=') : -1;
  const name = eq === -1 ? body : body.slice(0, eq);
  const spec = long || name.length === 1 ? findOption(name) : undefined;
  const renamed = long ? RENAMED[name] : undefined;
  if (renamed !== undefined) throw usageError(`option --${name} is now --${renamed.to} (${renamed.why})`);
  if (spec === undefined || (!long && spec.short !== name && spec.alsoShort !== name)) throw usageError(`unknown option ${JSON.stringify(arg.split('=')[0])}`);
  return { spec, inline: eq === -1 ? undefined : body.slice(eq + 1) };
}

function store(values: RawValues, spec: OptionSpec, value: string): void {
  if (spec.kind !== 'list') {
    values.set(spec.name, value);
    return;
  }
  const list = values.get(spec.name);
  if (Array.isArray(list)) list.push(value);
  else values.set(spec.name, [value]);
}

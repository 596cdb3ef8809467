// Flags and RUNSECRETS_* twins -> one validated Config. Flags win over twins; a list
// twin is comma-separated; an empty twin counts as unset.

import { usageError } from '../errors.js';
import { LOG_LEVELS, type LogFormat, type LogLevel } from '../log.js';
import { envObject } from '../types.js';
import { OPTIONS, twinName, type OptionSpec } from './options.js';
import { parseArgs } from './parse-args.js';
import { rejectUnknownTwins } from './twins.js';
import { parseChoice, parseDuration, parseInterval, parseMapping, parseMode, parsePrefix, parseSignal, parseSize, parseSwitch, parseTemplate, parseWait } from './values.js';

export type TrimMode = 'all' | 'one' | 'none';
export type FileEnvPolicy = 'secrets' | 'any' | 'off';

/** Everything a run needs to know, resolved from argv and the environment. */
export interface Config {
  /** Secret dirs in order; `explicit` ones must exist. */
  readonly dirs: readonly { readonly path: string; readonly explicit: boolean }[];
  readonly trim: TrimMode;
  readonly maxSize: number;
  readonly fileEnv: FileEnvPolicy;
  readonly envFiles: readonly string[];
  /** Prefix for automatic names; '' for none. */
  readonly prefix: string;
  readonly maps: readonly { readonly variable: string; readonly secret: string }[];
  readonly explicit: boolean;
  readonly require: readonly string[];
  readonly pristine: boolean;
  readonly templates: readonly { readonly source: string; readonly destination: string }[];
  /** Mode of rendered files. */
  readonly templateMode: number;
  /** Docker --user SPEC; undefined means no switch. */
  readonly user: string | undefined;
  readonly watch: boolean;
  readonly signalGroup: boolean;
  /** Quiescence before a rotation is applied, in ms. */
  readonly wait: { readonly min: number; readonly max: number };
  readonly reloadSignal: NodeJS.Signals | undefined;
  readonly stopSignal: NodeJS.Signals;
  /** ms between the stop signal and SIGKILL. */
  readonly stopTimeout: number;
  /** Polling interval in ms; undefined watches with inotify. */
  readonly poll: number | undefined;
  /** Interval in ms of the full re-read that backs the watcher up; undefined: off. */
  readonly resync: number | undefined;
  readonly check: boolean;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly help: boolean;
  readonly version: boolean;
  /** The command and its arguments, untouched. */
  readonly command: readonly string[];
  /** Watch-only options given (as flag or twin), by the name they were given as: without --watch they do nothing. */
  readonly watchOnly: readonly string[];
}

/** Shortest --poll and --resync intervals, in ms: shorter ones only burn CPU. */
const MIN_POLL = 50;
const MIN_RESYNC = 1000;

/** --resync's default: a missed change is applied within a minute, about kubelet's own delay. */
const DEFAULT_RESYNC = 60_000;

/** Default secret dir when neither --dir nor RUNSECRETS_DIR is given. */
export const DEFAULT_DIR = '/run/secrets';

/** Builds the Config from argv (without node and script) and the inherited environment. */
export function resolveConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config {
  const { values, command } = parseArgs(argv);
  rejectUnknownTwins(env);
  const pick = (spec: OptionSpec): { text: string | string[]; label: string } | undefined => {
    const flag = values.get(spec.name);
    if (flag !== undefined) return { text: flag, label: `--${spec.name}` };
    const twin = spec.twin ? env[twinName(spec.name)] : undefined;
    if (twin === undefined || twin === '') return undefined;
    const text = spec.kind === 'list' ? twin.split(',').map((s) => s.trim()).filter(Boolean) : twin;
    return { text, label: twinName(spec.name) };
  };
  const get = (name: string) => pick(OPTIONS.find((spec) => spec.name === name) as OptionSpec);
  const one = (name: string): { text: string; label: string } | undefined => {
    const found = get(name);
    return found === undefined ? undefined : { text: String(found.text), label: found.label };
  };
  const list = (name: string): { items: string[]; label: string } => {
    const found = get(name);
    return { items: found === undefined ? [] : [found.text].flat(), label: found?.label ?? `--${name}` };
  };
  const flag = (name: string): boolean => {
    const found = one(name);
    return found === undefined ? false : parseSwitch(found.label, found.text);
  };
  const choice = <T extends string>(name: string, choices: readonly T[], fallback: T): T => {
    const found = one(name);
    return found === undefined ? fallback : parseChoice(found.label, found.text, choices);
  };

  const dirs = list('dir');
  const maps = list('map');
  const maxSize = one('max-size');
  const user = one('user');
  const typed = <T>(name: string, parse: (label: string, text: string) => T, fallback: T): T => {
    const found = one(name);
    return found === undefined ? fallback : parse(found.label, found.text);
  };
  const templates = list('template');
  const mapped = maps.items.map((text) => parseMapping(maps.label, text));
  rejectDuplicateTargets(mapped, maps.label);
  return {
    dirs: dirs.items.length === 0 ? [{ path: DEFAULT_DIR, explicit: false }] : dirs.items.map((path) => ({ path, explicit: true })),
    trim: choice<TrimMode>('trim', ['all', 'one', 'none'], 'all'),
    maxSize: maxSize === undefined ? 1024 * 1024 : parseSize(maxSize.label, maxSize.text),
    fileEnv: choice<FileEnvPolicy>('file-env', ['secrets', 'any', 'off'], 'secrets'),
    envFiles: list('dotenv').items,
    prefix: typed('prefix', parsePrefix, ''),
    maps: mapped,
    explicit: flag('explicit'),
    require: list('require').items,
    pristine: flag('pristine'),
    templates: templates.items.map((text) => parseTemplate(templates.label, text)),
    templateMode: typed('template-mode', parseMode, 0o600),
    user: user === undefined ? undefined : nonEmptyUser(user),
    watch: flag('watch'),
    signalGroup: flag('signal-group'),
    wait: typed('wait', parseWait, { min: 200, max: 2000 }),
    reloadSignal: typed<NodeJS.Signals | undefined>('reload-signal', parseSignal, undefined),
    stopSignal: typed('stop-signal', parseSignal, 'SIGTERM'),
    stopTimeout: typed('stop-timeout', parseDuration, 10_000),
    poll: typed<number | undefined>('poll', (label, text) => parseInterval(label, text, MIN_POLL), undefined),
    resync: typed<number | undefined>('resync', (label, text) => parseInterval(label, text, MIN_RESYNC), DEFAULT_RESYNC),
    check: flag('check'),
    logLevel: choice<LogLevel>('log-level', LOG_LEVELS, 'info'),
    logFormat: choice<LogFormat>('log-format', ['text', 'json'], 'text'),
    help: values.has('help'),
    version: values.has('version'),
    command,
    watchOnly: OPTIONS.filter((spec) => spec.watchOnly).flatMap((spec) => pick(spec)?.label ?? []),
  };
}

function nonEmptyUser(found: { text: string; label: string }): string {
  if (found.text.trim() === '' || found.text === ':') throw usageError(`${found.label} needs a user spec like app, 1000 or app:app`);
  return found.text;
}

function rejectDuplicateTargets(maps: readonly { variable: string }[], label: string): void {
  const seen = new Set<string>();
  for (const { variable } of maps) {
    if (seen.has(variable)) throw usageError(`${label} names variable ${variable} twice; give each variable one secret`);
    seen.add(variable);
  }
}

/** The inherited environment without any RUNSECRETS_* variable (they never reach the child). */
export function withoutTwins(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out = envObject();
  for (const key of Object.keys(env)) {
    const value = env[key];
    if (value !== undefined && !key.startsWith('RUNSECRETS_')) out[key] = value;
  }
  return out;
}

/** The warning for watch-only options given without --watch, or undefined. */
export function watchOnlyWarning(config: Config): string | undefined {
  if (config.watch || config.watchOnly.length === 0) return undefined;
  return `${config.watchOnly.join(', ')} ${config.watchOnly.length === 1 ? 'applies' : 'apply'} only with --watch (RUNSECRETS_WATCH), which is off: ignored`;
}

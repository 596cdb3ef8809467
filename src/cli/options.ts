// The table of every option: its kind, environment twin, default and help text.
// Parsing, twins and --help are all driven from this one list.

export type OptionKind = 'switch' | 'value' | 'list';

/** One command-line option as the table describes it. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `max-size`. */
  readonly name: string;
  readonly kind: OptionKind;
  /** Placeholder shown in --help for the value (`DIR`), empty for switches. */
  readonly metavar: string;
  /** Default shown in --help; `undefined` means "none". */
  readonly default?: string;
  readonly help: string;
  /** Single-letter alias, if any. */
  readonly short?: string;
  /** Another single-letter alias, accepted but not listed in --help (-V for --version). */
  readonly alsoShort?: string;
  /** Whether the option has a RUNSECRETS_* twin (all but --help and --version). */
  readonly twin: boolean;
  /** Whether only watch mode uses it: given without --watch, runsecrets warns that it does nothing. */
  readonly watchOnly: boolean;
}

const option = (
  name: string,
  kind: OptionKind,
  metavar: string,
  help: string,
  extra: { default?: string; short?: string; alsoShort?: string; twin?: boolean; watchOnly?: boolean } = {},
): OptionSpec => ({ name, kind, metavar, help, twin: extra.twin ?? true, watchOnly: extra.watchOnly ?? false, ...extra });

/** Every option runsecrets accepts, in --help order. */
export const OPTIONS: readonly OptionSpec[] = [
  option('dir', 'list', 'DIR', 'directory of secret files; later dirs win', { default: '/run/secrets' }),
  option('trim', 'value', 'all|one|none', 'trailing newlines stripped from each value', { default: 'all' }),
  option('max-size', 'value', 'BYTES', 'largest secret file accepted (B, KiB, MiB, GiB)', { default: '1MiB' }),
  option('file-env', 'value', 'secrets|any|off', 'which NAME_FILE variables are read into NAME', { default: 'secrets' }),
  option('dotenv', 'list', 'FILE', 'dotenv file of plain settings; inherited variables win over it'),
  option('prefix', 'value', 'P', 'prefix for automatic variable names'),
  option('map', 'list', 'VAR=SECRET', 'a variable name for a secret (makes it required)'),
  option('explicit', 'switch', '', 'variables only from --map, NAME_FILE and *.env', { default: 'off' }),
  option('require', 'list', 'NAME', 'fail unless secret NAME exists and is not empty'),
  option('pristine', 'switch', '', "only runsecrets' variables, PATH and HOME", { default: 'off' }),
  option('template', 'list', 'SRC:DEST', 'render SRC to DEST; a dir: every *.tmpl below it'),
  option('template-mode', 'value', 'MODE', 'octal mode of rendered files', { default: '0600' }),
  option('user', 'value', 'SPEC', "switch to user[:group] (Docker's --user, as gosu)"),
  option('watch', 'switch', '', 'supervise: forward signals, apply rotations', { default: 'off' }),
  option('signal-group', 'switch', '', "forward signals to the child's process group", { watchOnly: true, default: 'off' }),
  option('wait', 'value', 'MIN[:MAX]', 'quiet time before a rotation (MAX: 4×MIN)', { watchOnly: true, default: '200ms:2s' }),
  option('reload-signal', 'value', 'SIG', 'send SIG, not a restart, when only files changed', { watchOnly: true }),
  option('stop-signal', 'value', 'SIG', 'signal that stops the child for a restart', { watchOnly: true, default: 'SIGTERM' }),
  option('stop-timeout', 'value', 'DURATION', 'how long the child may take to stop before SIGKILL', { watchOnly: true, default: '10s' }),
  option('poll', 'value', 'INTERVAL', 'poll, not inotify (network, FUSE); at least 50ms', { watchOnly: true, default: 'off' }),
  option('resync', 'value', 'INTERVAL', 're-read everything this often; off, or at least 1s', { watchOnly: true, default: '1m' }),
  option('check', 'switch', '', 'print the plan and every problem, then exit 0 or 1', { default: 'off' }),
  option('log-level', 'value', 'LEVEL', 'silent|error|warn|info|debug', { default: 'info' }),
  option('log-format', 'value', 'text|json', 'format of log lines and of --check output', { default: 'text' }),
  option('help', 'switch', '', 'show this help and exit', { short: 'h', twin: false }),
  option('version', 'switch', '', 'show the version and exit (-V too)', { short: 'v', alsoShort: 'V', twin: false }),
];

/** --help's groups: each heading goes before the option that starts the group (OPTIONS is in that order). */
export const GROUPS: Readonly<Record<string, string>> = {
  dir: 'Where secrets come from',
  prefix: 'Which variables the command gets',
  template: 'Config files rendered from templates',
  user: 'User',
  watch: 'Watch mode: supervise, watch the secrets, apply rotations',
  check: 'Output',
};

/**
 * Options that were renamed, old name -> new: `--env-file` became `--dotenv` because
 * Node.js takes every argument starting with `--env-file` on its own command line
 * (runsecrets' and the app's included) and loads that file before runsecrets runs.
 */
export const RENAMED: Readonly<Record<string, { readonly to: string; readonly why: string }>> = {
  'env-file': { to: 'dotenv', why: 'Node.js acts on any --env-file argument on its command line' },
};

/** `max-size` -> `RUNSECRETS_MAX_SIZE`. */
export function twinName(name: string): string {
  return `RUNSECRETS_${name.toUpperCase().replaceAll('-', '_')}`;
}

/** Finds an option by long name or short letter. */
export function findOption(name: string): OptionSpec | undefined {
  return OPTIONS.find((spec) => spec.name === name || spec.short === name || spec.alsoShort === name);
}

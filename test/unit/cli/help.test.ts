import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/cli/config.js';
import { helpText, usageText } from '../../../src/cli/help.js';
import { GROUPS, OPTIONS } from '../../../src/cli/options.js';

// SPEC §1: --help lists every option with its twin and default. The names and defaults
// are written out here, not read from the option table, so dropping or renaming an
// option, or changing a default, fails this test.
const DOCUMENTED: readonly (readonly [option: string, twin: string, fallback: string])[] = [
  ['--dir DIR', 'RUNSECRETS_DIR', '/run/secrets'],
  ['--trim all|one|none', 'RUNSECRETS_TRIM', 'all'],
  ['--max-size BYTES', 'RUNSECRETS_MAX_SIZE', '1MiB'],
  ['--file-env secrets|any|off', 'RUNSECRETS_FILE_ENV', 'secrets'],
  ['--dotenv FILE', 'RUNSECRETS_DOTENV', ''],
  ['--prefix P', 'RUNSECRETS_PREFIX', ''],
  ['--map', 'RUNSECRETS_MAP', ''],
  ['--explicit', 'RUNSECRETS_EXPLICIT', 'off'],
  ['--require', 'RUNSECRETS_REQUIRE', ''],
  ['--pristine', 'RUNSECRETS_PRISTINE', 'off'],
  ['--template SRC:DEST', 'RUNSECRETS_TEMPLATE', ''],
  ['--template-mode MODE', 'RUNSECRETS_TEMPLATE_MODE', '0600'],
  ['--user', 'RUNSECRETS_USER', ''],
  ['--watch', 'RUNSECRETS_WATCH', 'off'],
  ['--signal-group', 'RUNSECRETS_SIGNAL_GROUP', 'off'],
  ['--wait MIN[:MAX]', 'RUNSECRETS_WAIT', '200ms:2s'],
  ['--reload-signal', 'RUNSECRETS_RELOAD_SIGNAL', ''],
  ['--stop-signal SIG', 'RUNSECRETS_STOP_SIGNAL', 'SIGTERM'],
  ['--stop-timeout DURATION', 'RUNSECRETS_STOP_TIMEOUT', '10s'],
  ['--poll INTERVAL', 'RUNSECRETS_POLL', 'off'],
  ['--resync INTERVAL', 'RUNSECRETS_RESYNC', '1m'],
  ['--check', 'RUNSECRETS_CHECK', 'off'],
  ['--log-level LEVEL', 'RUNSECRETS_LOG_LEVEL', 'info'],
  ['--log-format text|json', 'RUNSECRETS_LOG_FORMAT', 'text'],
];

/** The long flag an option line starts with (`  -h, --help` → `--help`), or undefined. */
const flagOf = (line: string): string | undefined => /^ {2}(?:-\w, | {4})(--[\w-]+)/.exec(line)?.[1];

/** One option's entry: its flag line and the indented lines below it, up to the next flag, heading or blank line. */
function entry(help: string, option: string): string[] {
  const lines = help.split('\n');
  const at = lines.findIndex((line) => flagOf(line) === option.split(' ')[0]);
  expect(at, `${option} is listed`).toBeGreaterThan(-1);
  const end = lines.findIndex((line, i) => i > at && !line.startsWith(' '.repeat(8)));
  return lines.slice(at, end);
}

describe('--help', () => {
  const help = helpText('1.2.3');

  it.each(DOCUMENTED)('lists %s with its twin and default', (option, twin, fallback) => {
    const [flag = '', ...rest] = entry(help, option);
    expect(flag.trim().startsWith(option), flag).toBe(true);
    const text = [flag.trim().slice(option.length), ...rest.map((line) => line.trim())].join(' ');
    expect(text.length).toBeGreaterThan(option.length + twin.length + 5);
    expect(rest.at(-1)?.trim()).toMatch(new RegExp(`^${twin}\\b`));
    if (fallback !== '') expect(rest.at(-1)).toContain(`default: ${fallback}`);
  });

  it('gives --help and --version no twin, and names the exit codes of SPEC §9', () => {
    expect(entry(help, '--help').at(-1)?.trim()).toBe('no environment twin');
    expect(entry(help, '--version').at(-1)?.trim()).toBe('no environment twin');
    expect(help).toContain('runsecrets 1.2.3');
    const flat = help.replace(/\s+/g, ' ');
    for (const code of ['128+N', '1 could not start', '2 usage error', '126 command not executable', '127 command not found']) {
      expect(flat).toContain(code);
    }
  });

  it('lists no option twice', () => {
    const flags = help.split('\n').map(flagOf).filter((flag) => flag !== undefined);
    expect(new Set(flags).size).toBe(flags.length);
    expect(flags.length).toBe(DOCUMENTED.length + 2);
  });

  it('keeps every line within 80 columns', () => {
    expect(help.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(usageText().split('\n').filter((line) => line.length > 80)).toEqual([]);
  });

  it('groups the options under the headings of the option table, in its order', () => {
    const headings = Object.values(GROUPS).map((heading) => `${heading}:`);
    const lines = help.split('\n');
    expect(lines.filter((line) => headings.includes(line))).toEqual(headings);
    // Each option sits under the heading of the group that starts at or before it.
    let group = '';
    for (const spec of OPTIONS) {
      group = GROUPS[spec.name] ?? group;
      const at = lines.findIndex((line) => flagOf(line) === `--${spec.name}`);
      expect(lines.slice(0, at).filter((line) => headings.includes(line)).at(-1), spec.name).toBe(`${group}:`);
    }
    expect(headings.map((h) => h.split(/[ :]/)[0])).toEqual(['Where', 'Which', 'Config', 'User', 'Watch', 'Output']);
  });

  it('shows the syntax of durations, signals and sizes', () => {
    expect(help).toMatch(/^ {2}DURATION {2}200ms, 1\.5s, 2m, 1h; 0 for none/m);
    expect(help).toMatch(/^ {2}SIG {7}a signal name or number: SIGHUP, HUP, 1$/m);
    expect(help).toMatch(/^ {2}BYTES {5}4096, 512KiB, 1MiB, 2MB$/m);
  });

  it('has examples that the option parser takes as they are', () => {
    const examples = help.slice(help.indexOf('Examples:\n')).split('\n\n')[0]?.split('\n').slice(1).join('\n').replaceAll('\\\n', ' ') ?? '';
    const commands = examples.split('\n').map((line) => line.trim().split(/\s+/));
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const [name, ...args] of commands) {
      expect(name).toBe('runsecrets');
      expect(resolveConfig(args, {}).command.length, args.join(' ')).toBeGreaterThan(0);
    }
  });
});

describe('runsecrets with no arguments', () => {
  it('is the usage, pointing at --help', () => {
    expect(usageText()).toMatch(/^Usage:\n {2}runsecrets \[OPTIONS\] \[--\] COMMAND \[ARG\.\.\.\]\n/);
    expect(usageText()).toContain('runsecrets --help lists every option.');
  });
});

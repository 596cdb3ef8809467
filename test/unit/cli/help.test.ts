import { describe, expect, it } from 'vitest';
import { helpText } from '../../../src/cli/help.js';

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

/** The three lines of one option's entry: flag, description, twin and default. */
function entry(help: string, option: string): string[] {
  const lines = help.split('\n');
  const at = lines.findIndex((line) => flagOf(line) === option.split(' ')[0]);
  expect(at, `${option} is listed`).toBeGreaterThan(-1);
  return lines.slice(at, at + 3);
}

describe('--help', () => {
  const help = helpText('1.2.3');

  it.each(DOCUMENTED)('lists %s with its twin and default', (option, twin, fallback) => {
    const [flag, description, details] = entry(help, option);
    expect(flag?.trim().startsWith(option), flag).toBe(true);
    expect(description?.trim().length).toBeGreaterThan(5);
    expect(details?.trim()).toMatch(new RegExp(`^${twin}\\b`));
    if (fallback !== '') expect(details).toContain(`default: ${fallback}`);
  });

  it('gives --help and --version no twin, and names the exit codes of SPEC §9', () => {
    expect(entry(help, '--help')[2]?.trim()).toBe('no environment twin');
    expect(entry(help, '--version')[2]?.trim()).toBe('no environment twin');
    expect(help).toContain('runsecrets 1.2.3');
    for (const code of ['128+N', '1 could not start', '2 usage error', '126 command not executable', '127 command not found']) {
      expect(help).toContain(code);
    }
  });

  it('lists no option twice', () => {
    const flags = help.split('\n').map(flagOf).filter((flag) => flag !== undefined);
    expect(new Set(flags).size).toBe(flags.length);
    expect(flags.length).toBe(DOCUMENTED.length + 2);
  });
});

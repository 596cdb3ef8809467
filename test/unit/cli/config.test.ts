import { describe, expect, it } from 'vitest';
import { resolveConfig, watchOnlyWarning, withoutTwins } from '../../../src/cli/config.js';
import { OPTIONS, twinName } from '../../../src/cli/options.js';
import { RunsecretsError } from '../../../src/errors.js';

const usage = (fn: () => unknown): RunsecretsError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RunsecretsError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
};

describe('resolveConfig', () => {
  it('reads options up to the first non-option and leaves the command untouched', () => {
    const config = resolveConfig(['--dir', '/a', '--trim=one', 'node', '--dir', 'x', '--'], {});
    expect(config.dirs).toEqual([{ path: '/a', explicit: true }]);
    expect(config.trim).toBe('one');
    expect(config.command).toEqual(['node', '--dir', 'x', '--']);
  });

  it('stops at -- so a command may start with a dash', () => {
    expect(resolveConfig(['--explicit', '--', '-weird', 'arg'], {}).command).toEqual(['-weird', 'arg']);
  });

  it('defaults to /run/secrets, which may be missing', () => {
    const config = resolveConfig(['true'], {});
    expect(config.dirs).toEqual([{ path: '/run/secrets', explicit: false }]);
    expect(config.maxSize).toBe(1024 * 1024);
    expect(config.fileEnv).toBe('secrets');
    expect(config.logLevel).toBe('info');
  });

  it('takes every option from its RUNSECRETS_* twin, lists comma-separated', () => {
    const config = resolveConfig(['true'], {
      RUNSECRETS_DIR: '/a, /b',
      RUNSECRETS_MAP: 'DB=db_pw,API=api',
      RUNSECRETS_EXPLICIT: 'yes',
      RUNSECRETS_MAX_SIZE: '64KiB',
      RUNSECRETS_USER: 'app:app',
      RUNSECRETS_LOG_LEVEL: 'debug',
    });
    expect(config.dirs.map((d) => d.path)).toEqual(['/a', '/b']);
    expect(config.maps).toEqual([{ variable: 'DB', secret: 'db_pw' }, { variable: 'API', secret: 'api' }]);
    expect(config.explicit).toBe(true);
    expect(config.maxSize).toBe(65536);
    expect(config.user).toBe('app:app');
    expect(config.logLevel).toBe('debug');
  });

  it('lets a flag win over its twin, whole lists included', () => {
    const config = resolveConfig(['--dir', '/flag', '--explicit=false', 'true'], { RUNSECRETS_DIR: '/twin1,/twin2', RUNSECRETS_EXPLICIT: '1' });
    expect(config.dirs.map((d) => d.path)).toEqual(['/flag']);
    expect(config.explicit).toBe(false);
  });

  it('treats an empty twin as unset', () => {
    expect(resolveConfig(['true'], { RUNSECRETS_USER: '' }).user).toBeUndefined();
  });

  it('refuses a RUNSECRETS_* name that is no option, as a typo in a flag is refused (the app would run as root)', () => {
    expect(() => resolveConfig(['true'], { RUNSECRETS_USR: 'app' })).toThrow(/^RUNSECRETS_USR is not a runsecrets option; did you mean RUNSECRETS_USER\? Unset it or fix its name \(see runsecrets --help\)$/);
    expect(() => resolveConfig(['true'], { RUNSECRETS_COLOUR: '1' })).toThrow(/^RUNSECRETS_COLOUR is not a runsecrets option\. Unset it/);
    // Negative control: the right name is taken.
    expect(resolveConfig(['true'], { RUNSECRETS_USER: 'app' }).user).toBe('app');
  });

  it('names the new option for --env-file and its twin, which Node.js would intercept', () => {
    expect(() => resolveConfig(['--env-file', 'dev.env', 'true'], {})).toThrow(/option --env-file is now --dotenv \(Node\.js acts on any --env-file argument/);
    expect(() => resolveConfig(['true'], { RUNSECRETS_ENV_FILE: 'dev.env' })).toThrow(/RUNSECRETS_ENV_FILE is now RUNSECRETS_DOTENV/);
    expect(resolveConfig(['--dotenv', 'dev.env', 'true'], {}).envFiles).toEqual(['dev.env']);
  });

  it.each([
    [['--nope', 'true'], /unknown option "--nope"/],
    [['-x', 'true'], /unknown option "-x"/],
    [['--dir'], /--dir needs a value/],
    [['--trim', 'some', 'true'], /--trim must be one of all, one, none, got "some"/],
    [['--max-size', 'lots', 'true'], /--max-size must be a size/],
    [['--map', 'NOEQUALS', 'true'], /--map takes VAR=SECRET/],
    [['--map', '1BAD=x', 'true'], /--map takes VAR=SECRET/],
    [['--map', 'A=x', '--map', 'A=y', 'true'], /names variable A twice/],
    [['--explicit=maybe', 'true'], /--explicit takes 1\/true\/yes/],
    [['--user', '', 'true'], /--user needs a user spec/],
    [['--log-level', 'loud', 'true'], /--log-level must be one of/],
  ])('rejects %j with exit 2', (argv, message) => {
    const error = usage(() => resolveConfig(argv, {}));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
  });

  it('names the twin when a twin value is malformed', () => {
    expect(usage(() => resolveConfig(['true'], { RUNSECRETS_TRIM: 'x' })).message).toMatch(/^RUNSECRETS_TRIM must be/);
  });

  it('accepts the size units', () => {
    const size = (text: string) => resolveConfig(['--max-size', text, 'true'], {}).maxSize;
    expect([size('10'), size('2K'), size('2KiB'), size('1MB'), size('1MiB'), size('1GiB')]).toEqual([10, 2048, 2048, 1e6, 1048576, 1024 ** 3]);
  });

  it('defaults the template and watch options as --help says', () => {
    const config = resolveConfig(['true'], {});
    expect(config.templates).toEqual([]);
    expect(config.templateMode).toBe(0o600);
    expect([config.watch, config.signalGroup]).toEqual([false, false]);
    expect(config.wait).toEqual({ min: 200, max: 2000 });
    expect([config.reloadSignal, config.stopSignal, config.stopTimeout, config.poll]).toEqual([undefined, 'SIGTERM', 10_000, undefined]);
    expect(config.resync).toBe(60_000);
    expect(resolveConfig(['--resync', 'off', 'true'], {}).resync).toBeUndefined();
    expect(resolveConfig(['true'], { RUNSECRETS_RESYNC: '5m' }).resync).toBe(300_000);
  });

  it('parses template, mode, wait, signals, timeouts and polling from flags and twins', () => {
    const config = resolveConfig(['--template', 'a.tmpl:/etc/a.conf', '--template-mode', '640', '--wait', '0', '--reload-signal', 'hup', '--poll', '250ms', 'true'], {
      RUNSECRETS_TEMPLATE: 'x:/y, dir:/out',
      RUNSECRETS_WATCH: 'true',
      RUNSECRETS_STOP_SIGNAL: '3',
      RUNSECRETS_STOP_TIMEOUT: '1.5s',
    });
    expect(config.templates).toEqual([{ source: 'a.tmpl', destination: '/etc/a.conf' }]);
    expect(config.templateMode).toBe(0o640);
    expect(config.watch).toBe(true);
    expect(config.wait).toEqual({ min: 0, max: 0 });
    expect([config.reloadSignal, config.stopSignal, config.stopTimeout, config.poll]).toEqual(['SIGHUP', 'SIGQUIT', 1500, 250]);
    expect(resolveConfig(['--wait', '1s', 'true'], {}).wait).toEqual({ min: 1000, max: 4000 });
    expect(resolveConfig(['--wait', '50ms:1m', 'true'], {}).wait).toEqual({ min: 50, max: 60_000 });
  });

  it.each([
    ['--template', 'nodest'], ['--template', ':/dest'], ['--template', 'src:'],
    ['--template-mode', '0800'], ['--template-mode', 'rw'],
    ['--wait', '2s:1s'], ['--wait', '1s:2s:3s'], ['--wait', '5'],
    ['--reload-signal', 'SIGNOPE'], ['--stop-signal', '999'],
    ['--stop-timeout', '-1s'], ['--poll', 'sometimes'],
    // Past setTimeout's 2^31-1 ms a timer fires after 1 ms: the app would be SIGKILLed at once.
    ['--stop-timeout', '1000h'], ['--stop-timeout', '597h'], ['--wait', '1000h'], ['--wait', '1s:1000h'], ['--poll', '1000h'], ['--resync', '1000h'],
    // A poll every 0 ms burns a fifth of a core; a resync every few ms re-reads everything constantly.
    ['--poll', '0'], ['--poll', '10ms'], ['--resync', '0'], ['--resync', '500ms'], ['--resync', 'never'],
  ])('rejects %s %s with a usage error naming the option', (name, value) => {
    expect(usage(() => resolveConfig([name, value, 'true'], {})).message).toContain(name);
  });

  it('accepts durations up to the longest timer, and clamps the default MAX of --wait to it', () => {
    expect(resolveConfig(['--stop-timeout', '596h', 'true'], {}).stopTimeout).toBe(596 * 3_600_000);
    expect(resolveConfig(['--stop-timeout', '2147483647ms', 'true'], {}).stopTimeout).toBe(2 ** 31 - 1);
    expect(resolveConfig(['--wait', '500h', 'true'], {}).wait).toEqual({ min: 500 * 3_600_000, max: 2 ** 31 - 1 });
    expect([resolveConfig(['--poll', '50ms', 'true'], {}).poll, resolveConfig(['--resync', '1s', 'true'], {}).resync]).toEqual([50, 1000]);
  });
});

describe('watch-only options without --watch (read from the option table, so a new one is covered)', () => {
  // A valid value for each: its default, or one given here. A new watch-only option without a default needs one.
  const EXAMPLES: Record<string, string> = { 'reload-signal': 'SIGHUP' };
  const watchOnly = OPTIONS.filter((spec) => spec.watchOnly).map((spec) => {
    const value = spec.kind === 'switch' ? [] : [spec.default ?? EXAMPLES[spec.name] ?? `no example value for --${spec.name}: add one to EXAMPLES`];
    return [spec.name, value] as const;
  });

  it('are every option that only watch mode reads', () => {
    expect(watchOnly.map(([name]) => name)).toEqual(['signal-group', 'wait', 'reload-signal', 'stop-signal', 'stop-timeout', 'poll', 'resync']);
  });

  it.each(watchOnly)('--%s, as a flag or its twin, is named in one warning', (name, value) => {
    expect(watchOnlyWarning(resolveConfig([`--${name}`, ...value, 'true'], {}))).toBe(`--${name} applies only with --watch (RUNSECRETS_WATCH), which is off: ignored`);
    const twin = resolveConfig(['true'], { [twinName(name)]: value[0] ?? '1' });
    expect(watchOnlyWarning(twin)).toBe(`${twinName(name)} applies only with --watch (RUNSECRETS_WATCH), which is off: ignored`);
    // Negative control: with --watch it is used, and nothing is said.
    expect(watchOnlyWarning(resolveConfig(['--watch', `--${name}`, ...value, 'true'], {}))).toBeUndefined();
  });

  it('names them all in one line, and says nothing when none is given', () => {
    const config = resolveConfig(['--poll', '1s', 'true'], { RUNSECRETS_RELOAD_SIGNAL: 'HUP', RUNSECRETS_WAIT: '1s' });
    expect(watchOnlyWarning(config)).toBe('RUNSECRETS_WAIT, RUNSECRETS_RELOAD_SIGNAL, --poll apply only with --watch (RUNSECRETS_WATCH), which is off: ignored');
    expect(watchOnlyWarning(resolveConfig(['--user', 'app', 'true'], {}))).toBeUndefined();
  });
});

describe('withoutTwins', () => {
  it('removes every RUNSECRETS_* variable and nothing else', () => {
    expect({ ...withoutTwins({ RUNSECRETS_USER: 'x', RUNSECRETS_FOO: 'y', PATH: '/bin', RUNSECRETSX: 'z' }) }).toEqual({ PATH: '/bin', RUNSECRETSX: 'z' });
  });
});

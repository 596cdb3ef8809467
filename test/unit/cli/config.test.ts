import { describe, expect, it } from 'vitest';
import { resolveConfig, withoutTwins } from '../../../src/cli/config.js';
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

  it('treats an empty twin as unset and reports unknown RUNSECRETS_* names', () => {
    const config = resolveConfig(['true'], { RUNSECRETS_USER: '', RUNSECRETS_USR: 'app' });
    expect(config.user).toBeUndefined();
    expect(config.unknownTwins).toEqual(['RUNSECRETS_USR']);
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
});

describe('withoutTwins', () => {
  it('removes every RUNSECRETS_* variable and nothing else', () => {
    expect(withoutTwins({ RUNSECRETS_USER: 'x', RUNSECRETS_FOO: 'y', PATH: '/bin', RUNSECRETSX: 'z' })).toEqual({ PATH: '/bin', RUNSECRETSX: 'z' });
  });
});

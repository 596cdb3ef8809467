import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/cli/config.js';
import { Problems } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import { buildEnv, countVariables } from '../../../src/mapping/build-env.js';
import { automaticName } from '../../../src/mapping/names.js';
import type { Sources } from '../../../src/secrets/read-sources.js';
import type { Secret } from '../../../src/types.js';

const secret = (name: string, value: string | Buffer): Secret => ({ name, path: `/s/${name}`, value: Buffer.from(value) });

function sources(secrets: Secret[], extra: Partial<Sources> = {}): Sources {
  return { secrets: new Map(secrets.map((s) => [s.name, s])), dotenvSecrets: [], fileEnv: [], envFiles: [], ...extra };
}

function plan(argv: string[], input: Sources, inherited: Record<string, string> = {}) {
  const lines: string[] = [];
  const problems = new Problems();
  const result = buildEnv(resolveConfig([...argv, 'true'], {}), input, inherited, problems, createLogger('debug', 'text', (l) => lines.push(l)));
  return { ...result, problems: problems.list.map((p) => p.message), lines };
}

describe('automaticName', () => {
  it.each([
    ['db-password', '', 'DB_PASSWORD'],
    ['db.password', '', 'DB_PASSWORD'],
    ['Api_Key', '', 'API_KEY'],
    ['1password', '', '_1PASSWORD'],
    ['clé', '', 'CL_'],
    ['db-password', 'APP_', 'APP_DB_PASSWORD'],
    ['x', '9', '_9X'],
  ])('%s with prefix %j → %s', (name, prefix, expected) => {
    expect(automaticName(name, prefix)).toBe(expected);
  });
});

describe('buildEnv', () => {
  it('exports every secret under its automatic name, over the inherited environment', () => {
    const result = plan([], sources([secret('db-password', 'pw'), secret('api', 'k')]), { PATH: '/bin', DB_PASSWORD: 'old' });
    expect(result.env).toEqual({ PATH: '/bin', DB_PASSWORD: 'pw', API: 'k' });
    expect(result.lines.join('')).toContain('DB_PASSWORD from secret "db-password" overrides the inherited variable');
    expect(result.lines.join('')).not.toContain('old');
  });

  it('--map names a secret explicitly and drops its automatic name', () => {
    const result = plan(['--map', 'PGPASSWORD=db-password'], sources([secret('db-password', 'pw')]));
    expect(result.env).toEqual({ PGPASSWORD: 'pw' });
  });

  it('--map of a missing or empty secret is a problem', () => {
    expect(plan(['--map', 'A=nope'], sources([])).problems[0]).toMatch(/secret "nope" is mapped \(--map A=nope\) but no file named nope/);
    expect(plan(['--map', 'A=e'], sources([secret('e', '')])).problems[0]).toMatch(/\/s\/e is empty/);
  });

  it('--explicit exports only mapped, dotenv and NAME_FILE variables', () => {
    const input = sources([secret('a', '1'), secret('b', '2')], {
      dotenvSecrets: [{ variable: 'D', value: Buffer.from('3'), path: '/s/x.env', secret: 'x.env' }],
      fileEnv: [{ variable: 'F', fileVariable: 'F_FILE', path: '/s/f', value: Buffer.from('4') }],
    });
    const result = plan(['--explicit', '--map', 'A=a'], input, { F_FILE: '/s/f' });
    expect(result.env).toEqual({ A: '1', D: '3', F: '4' });
  });

  it('--require fails for missing and empty secrets, and passes otherwise', () => {
    const input = sources([secret('empty', ''), secret('ok', 'v')]);
    const result = plan(['--require', 'missing', '--require', 'empty', '--require', 'ok'], input);
    expect(result.problems).toHaveLength(2);
    expect(result.problems[0]).toMatch(/secret "missing" is required \(--require\)/);
    expect(result.problems[1]).toMatch(/secret "empty" is required .* is empty/);
  });

  it('two secrets mapping to one variable is a problem naming both files', () => {
    const result = plan([], sources([secret('db-password', 'a'), secret('db_password', 'b')]));
    expect(result.problems).toEqual([expect.stringMatching(/secret "db-password" \(\/s\/db-password\) and secret "db_password" \(\/s\/db_password\) both map to variable DB_PASSWORD/)]);
    expect(result.env).not.toHaveProperty('DB_PASSWORD');
  });

  it('a NAME_FILE variable colliding with a secret is a problem too', () => {
    const input = sources([secret('token', 'a')], { fileEnv: [{ variable: 'TOKEN', fileVariable: 'TOKEN_FILE', path: '/s/t', value: Buffer.from('b') }] });
    expect(plan([], input).problems[0]).toMatch(/TOKEN_FILE \(\/s\/t\).* both map to variable TOKEN/);
  });

  it.each([
    ['a NUL byte', Buffer.from('a\0b'), /contains a NUL byte/],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe]), /is not valid UTF-8/],
    ['over 128 KiB', Buffer.alloc(128 * 1024, 'a'), /over the 128 KiB/],
  ])('a value with %s cannot become a variable', (_what, value, message) => {
    const result = plan([], sources([secret('bin', value)]));
    expect(result.problems[0]).toMatch(message);
    expect(result.problems[0]).toMatch(/secret "bin"/);
    expect(result.env).not.toHaveProperty('BIN');
    // With --explicit the secret stays for templates and is no problem.
    expect(plan(['--explicit'], sources([secret('bin', value)])).problems).toEqual([]);
  });

  it('a value just under the limit is accepted (negative control for the size check)', () => {
    const value = Buffer.alloc(128 * 1024 - 'BIN'.length - 2, 'a');
    expect(plan([], sources([secret('bin', value)])).problems).toEqual([]);
  });

  it('inherited variables win over --dotenv files; secrets win over both', () => {
    const envFiles = [
      { variable: 'A', value: Buffer.from('file'), path: '/e' },
      { variable: 'B', value: Buffer.from('file'), path: '/e' },
      { variable: 'C', value: Buffer.from('file'), path: '/e' },
    ];
    const result = plan([], sources([secret('c', 'secret')], { envFiles }), { A: 'inherited' });
    expect(result.env).toEqual({ A: 'inherited', B: 'file', C: 'secret' });
    expect(result.variables.map((v) => `${v.name}:${v.source}`)).toEqual(['C:file', 'B:dotenv-file']);
  });

  it('a later --dotenv file wins over an earlier one', () => {
    const envFiles = [
      { variable: 'A', value: Buffer.from('first'), path: '/e1' },
      { variable: 'A', value: Buffer.from('second'), path: '/e2' },
    ];
    expect(plan([], sources([], { envFiles })).env).toEqual({ A: 'second' });
  });

  it('--pristine keeps only made variables plus PATH and HOME', () => {
    const result = plan(['--pristine'], sources([secret('a', '1')]), { PATH: '/bin', HOME: '/root', SHELL: '/bin/sh' });
    expect(result.env).toEqual({ PATH: '/bin', HOME: '/root', A: '1' });
  });

  it('NAME_FILE variables are removed from the child environment', () => {
    const input = sources([], { fileEnv: [{ variable: 'DB', fileVariable: 'DB_FILE', path: '/s/db', value: Buffer.from('v') }] });
    expect(plan([], input, { DB_FILE: '/s/db', OTHER: 'x' }).env).toEqual({ DB: 'v', OTHER: 'x' });
  });
});

describe('countVariables (the start line, exec and watch mode)', () => {
  it('counts --dotenv values apart from the variables made from secrets', () => {
    const input = sources([secret('db', 'pw')], { envFiles: [{ variable: 'PORT', path: '/dev.env', value: Buffer.from('8080') }, { variable: 'MODE', path: '/dev.env', value: Buffer.from('dev') }] });
    expect(countVariables(plan([], input).variables)).toBe('1 variable(s) from secrets and 2 from --dotenv');
  });

  it('says nothing of --dotenv when none gave a variable (an inherited one wins over it)', () => {
    const input = sources([secret('db', 'pw')], { envFiles: [{ variable: 'PORT', path: '/dev.env', value: Buffer.from('8080') }] });
    expect(countVariables(plan([], input, { PORT: '9000' }).variables)).toBe('1 variable(s) from secrets');
  });
});

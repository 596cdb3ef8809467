// Where secrets come from and what the child's environment becomes (SPEC §2, §3),
// through the built CLI: real secret dirs, Kubernetes symlink layouts, NAME_FILE,
// --dotenv, and a child that reports the exact environment it received.

import { chmodSync, existsSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, runCli, type CliResult } from '../helpers/cli.js';
import { kubernetesDir, secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { AS_ROOT, notApplicable, requires, SETPRIV } from '../helpers/requirements.js';

/** A child that prints exactly the environment it received, as JSON. */
const PRINT_ENV = [process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.env))'];

/** Runs runsecrets OPTIONS on PRINT_ENV; `env` is the child's environment when it ran. */
async function childEnv(options: readonly string[], env: Record<string, string> = baseEnv()): Promise<CliResult & { env: Record<string, string> }> {
  const result = await runCli([...options, ...PRINT_ENV], { env });
  expect(result.stderr).not.toMatch(/error:/);
  expect(result.exitCode).toBe(0);
  return { ...result, env: JSON.parse(result.stdout) as Record<string, string> };
}

/** Runs runsecrets OPTIONS on a command that would create a marker file; expects it never ran. */
async function refused(options: readonly string[], env: Record<string, string> = baseEnv()): Promise<CliResult> {
  const marker = join(tempDir(), 'started');
  const result = await runCli([...options, 'touch', marker], { env });
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toMatch(/^runsecrets: error: /m);
  expect(existsSync(marker)).toBe(false);
  return result;
}

/** A marker-creating run that must succeed (the negative control of `refused`). */
async function started(options: readonly string[]): Promise<void> {
  const marker = join(tempDir(), 'started');
  expect((await runCli([...options, 'touch', marker])).exitCode).toBe(0);
  expect(existsSync(marker)).toBe(true);
}

describe('variable names', () => {
  it('makes automatic names: upper case, [^A-Za-z0-9_] → _, a leading digit gets _', async () => {
    const dir = secretsDir({ 'db-password': 'pw', '1st.key': 'k', 'Mixed_case.v2': 'm' });
    const { env } = await childEnv(['--dir', dir]);
    expect(env).toMatchObject({ DB_PASSWORD: 'pw', _1ST_KEY: 'k', MIXED_CASE_V2: 'm' });
  });

  it('puts --prefix in front of automatic names', async () => {
    const { env } = await childEnv(['--dir', secretsDir({ 'db-password': 'pw' }), '--prefix', 'APP_']);
    expect(env.APP_DB_PASSWORD).toBe('pw');
    expect(env).not.toHaveProperty('DB_PASSWORD');
  });

  it('--map names a secret, which is then not exported under its automatic name', async () => {
    const dir = secretsDir({ 'db-password': 'pw', 'api-key': 'k' });
    const { env } = await childEnv(['--dir', dir, '--map', 'PGPASSWORD=db-password']);
    expect(env).toMatchObject({ PGPASSWORD: 'pw', API_KEY: 'k' });
    expect(env).not.toHaveProperty('DB_PASSWORD');
  });

  it('a mapped secret that is missing stops the run before the command', async () => {
    const result = await refused(['--dir', secretsDir({ other: 'x' }), '--map', 'PGPASSWORD=db-password']);
    expect(result.stderr).toMatch(/secret "db-password" is mapped/);
  });

  it('--explicit exports only --map, *.env and NAME_FILE secrets', async () => {
    const dir = secretsDir({ 'db-password': 'pw', 'api-key': 'k', 'app.env': 'FROM_DOTENV=d\n', token: 't' });
    const env = baseEnv({ SESSION_FILE: join(dir, 'token') });
    const { env: child } = await childEnv(['--dir', dir, '--explicit', '--map', 'PGPASSWORD=db-password'], env);
    expect(child).toMatchObject({ PGPASSWORD: 'pw', FROM_DOTENV: 'd', SESSION: 't' });
    expect(child).not.toHaveProperty('TOKEN');
    expect(child).not.toHaveProperty('API_KEY');
    // Negative control: without --explicit the other secret is exported.
    expect((await childEnv(['--dir', dir, '--map', 'PGPASSWORD=db-password'], env)).env.API_KEY).toBe('k');
  });
});

describe('--require', () => {
  it.for([
    ['missing', {}],
    ['empty', { 'db-password': '' }],
    ['only a newline (empty once trimmed)', { 'db-password': '\n' }],
  ] as const)('refuses to start when the secret is %s, naming it', async ([, files]) => {
    const result = await refused(['--dir', secretsDir({ other: 'x', ...files }), '--require', 'db-password']);
    expect(result.stderr).toMatch(/secret "db-password" is required \(--require\)/);
  });

  it('negative control: starts the command when the secret has a value', async () => {
    await started(['--dir', secretsDir({ 'db-password': 'pw' }), '--require', 'db-password']);
  });
});

describe('--pristine', () => {
  it('gives the child only the variables runsecrets made, plus PATH and HOME', async () => {
    const dir = secretsDir({ 'db-password': 'pw' });
    const env = baseEnv({ INHERITED: 'x', LANG: 'C.UTF-8' });
    const { env: child } = await childEnv(['--dir', dir, '--pristine'], env);
    expect(child).toEqual({ PATH: env.PATH, HOME: env.HOME, DB_PASSWORD: 'pw' });
    // Negative control: without --pristine the inherited variables are there.
    expect((await childEnv(['--dir', dir], env)).env).toMatchObject({ INHERITED: 'x', LANG: 'C.UTF-8' });
  });
});

describe('precedence: inherited < --dotenv < secrets, except that inherited beats --dotenv', () => {
  it('a secret overrides an inherited variable, with an info line naming it and no value', async () => {
    const dir = secretsDir({ 'db-password': 'secret-value-123' });
    const result = await childEnv(['--dir', dir], baseEnv({ DB_PASSWORD: 'inherited-value-456' }));
    expect(result.env.DB_PASSWORD).toBe('secret-value-123');
    expect(result.stderr).toMatch(/^runsecrets: DB_PASSWORD .*overrides the inherited variable$/m);
    expect(result.stderr).not.toContain('secret-value-123');
    expect(result.stderr).not.toContain('inherited-value-456');
    // Negative control: nothing inherited, nothing overridden, no such line.
    expect((await childEnv(['--dir', dir])).stderr).not.toMatch(/overrides/);
  });

  it('an inherited variable wins over --dotenv; a secret wins over --dotenv', async () => {
    const envFile = join(writeFiles(tempDir(), { 'dev.env': 'FROM_SHELL=file\nDB_PASSWORD=file\nONLY_FILE=file\n' }), 'dev.env');
    const dir = secretsDir({ 'db-password': 'secret' });
    const { env } = await childEnv(['--dir', dir, '--dotenv', envFile], baseEnv({ FROM_SHELL: 'shell' }));
    expect(env).toMatchObject({ FROM_SHELL: 'shell', DB_PASSWORD: 'secret', ONLY_FILE: 'file' });
  });

  it('two secrets making one variable is an error naming both files', async () => {
    const dir = secretsDir({ 'db-password': 'a', db_password: 'b' });
    const result = await refused(['--dir', dir]);
    expect(result.stderr).toContain(join(dir, 'db-password'));
    expect(result.stderr).toContain(join(dir, 'db_password'));
    expect(result.stderr).toMatch(/both map to variable DB_PASSWORD/);
  });

  it('when two dirs hold the same name, the later dir wins', async () => {
    const first = secretsDir({ 'db-password': 'first', 'only-first': '1' });
    const second = secretsDir({ 'db-password': 'second' });
    expect((await childEnv(['--dir', first, '--dir', second])).env).toMatchObject({ DB_PASSWORD: 'second', ONLY_FIRST: '1' });
    expect((await childEnv(['--dir', second, '--dir', first])).env.DB_PASSWORD).toBe('first');
  });
});

describe('secret dirs', () => {
  it('a missing default /run/secrets is fine', notApplicable(existsSync('/run/secrets') ? 'the default-dir test needs no /run/secrets on this machine' : undefined), async () => {
    const { env } = await childEnv([]);
    expect(env).toEqual(baseEnv());
  });

  it('a missing explicit --dir stops the run, naming the dir', async () => {
    const missing = join(tempDir(), 'nope');
    const result = await refused(['--dir', missing]);
    expect(result.stderr).toContain(`cannot read secrets dir ${missing}`);
  });

  it('skips dot-names and subdirectories', async () => {
    const dir = secretsDir({ visible: 'v', '.hidden': 'h', 'sub/inner': 'i' });
    const { env } = await childEnv(['--dir', dir]);
    expect(env.VISIBLE).toBe('v');
    expect(Object.keys(env).filter((name) => /HIDDEN|SUB|INNER/.test(name))).toEqual([]);
  });

  it('skips editor and tool leftovers, and --check lists each with what it is', async () => {
    const leftovers = { 'db_password~': 'a', 'db_password.swp': 'b', '#db_password#': 'c', 'db_password.bak': 'd', 'db_password.dpkg-old': 'e' };
    const dir = secretsDir({ db_password: 'pw', 'db_password.key': 'kept', ...leftovers });
    const { env } = await childEnv(['--dir', dir]);
    // Negative control: a name that merely looks alike (db_password.key) is a secret.
    expect(Object.keys(env).filter((name) => name.startsWith('DB_PASSWORD')).sort()).toEqual(['DB_PASSWORD', 'DB_PASSWORD_KEY']);
    const check = await runCli(['--check', '--dir', dir, 'true']);
    expect(check.exitCode).toBe(0);
    const listed = check.stdout.split('\n');
    expect(listed).toContain('skipped, not secrets (5):');
    expect(listed.find((line) => line.includes('db_password~'))).toMatch(new RegExp(`^  ${dir}/db_password~ +an editor backup \\(name~\\)$`));
    const plan = JSON.parse((await runCli(['--check', '--log-format', 'json', '--dir', dir, 'true'])).stdout) as { skipped: { path: string; reason: string }[] };
    expect(plan.skipped.map((s) => s.path).sort()).toEqual(Object.keys(leftovers).map((name) => join(dir, name)).sort());
    expect(plan.skipped.find((s) => s.path.endsWith('.swp'))?.reason).toBe('a Vim swap file (.swp), not a secret');
  });

  it('parses a *.env secret with dotenv, into its keys as written', async () => {
    const dir = secretsDir({ 'app.env': 'PLAIN=1\nQuoted="two words"\n# comment\nMULTI="a\\nb"\n' });
    const { env } = await childEnv(['--dir', dir]);
    expect(env).toMatchObject({ PLAIN: '1', Quoted: 'two words', MULTI: 'a\nb' });
    expect(env).not.toHaveProperty('APP_ENV');
  });

  it('an unreadable secret stops the run, naming it (run as nobody; needs root)', requires(AS_ROOT, SETPRIV), async () => {
    const dir = secretsDir({ locked: 'x', open: 'y' });
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    const marker = join(tempDir(), 'started');
    chmodSync(dirname(marker), 0o777);
    // Negative control first: readable by nobody, the command runs.
    chmodSync(join(dir, 'locked'), 0o644);
    expect((await runCli(['--dir', dir, 'touch', marker], { prefix: asNobody })).exitCode).toBe(0);
    expect(existsSync(marker)).toBe(true);
    chmodSync(join(dir, 'locked'), 0o000);
    const result = await runCli(['--dir', dir, 'sh', '-c', 'echo started'], { prefix: asNobody });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    // Who was refused, what the file is, and what to do.
    expect(result.stderr.trimEnd()).toMatch(/^runsecrets: error: cannot read secret "locked" at \S+: permission denied \(EACCES\) for uid 65534 \(gid 65534\): \S+\/locked is owner 0:0, mode 0000; make it readable by this user, or start runsecrets as root$/);
    chmodSync(dir, 0o700);
    const dirResult = await runCli(['--dir', dir, 'true'], { prefix: asNobody });
    expect(dirResult.stderr.trimEnd()).toMatch(/^runsecrets: error: cannot read secrets dir \S+: permission denied \(EACCES\) for uid 65534 \(gid 65534\): \S+ is owner 0:0, mode 0700; make it readable by this user, or start runsecrets as root$/);
  });
});

describe('--trim and --max-size', () => {
  it.for([
    ['all', 'a\n\n', 'a'],
    ['all', 'a\r\n', 'a'],
    ['all', 'a\r', 'a\r'],
    ['one', 'a\n\n', 'a\n'],
    ['one', 'a\r\n', 'a'],
    ['none', 'a\n\n', 'a\n\n'],
    ['none', 'a\r\n', 'a\r\n'],
  ] as const)('--trim %s turns %j into %j', async ([mode, content, value]) => {
    const { env } = await childEnv(['--dir', secretsDir({ v: content }), '--trim', mode]);
    expect(env.V).toBe(value);
  });

  it('a file over --max-size stops the run, naming the file and its size', async () => {
    const dir = secretsDir({ big: 'x'.repeat(11) });
    const result = await refused(['--dir', dir, '--max-size', '10']);
    expect(result.stderr).toContain(`${join(dir, 'big')} is 11 bytes`);
    // Negative control: at the limit it is fine.
    await started(['--dir', dir, '--max-size', '11']);
  });
});

describe('values that cannot live in an environment variable', () => {
  it.for([
    ['a NUL byte', Buffer.from('a\0b'), /contains a NUL byte/],
    ['invalid UTF-8', Buffer.from([0x61, 0xff, 0xfe]), /is not valid UTF-8/],
    ['over 128 KiB', Buffer.alloc(128 * 1024 + 1, 0x61), /over the 128 KiB/],
  ] as const)('%s stops the run, naming the secret; unless --explicit leaves it out', async ([, value, why]) => {
    const dir = secretsDir({ blob: value, 'db-password': 'pw' });
    const result = await refused(['--dir', dir]);
    expect(result.stderr).toMatch(/secret "blob"/);
    expect(result.stderr).toMatch(why);
    const { env } = await childEnv(['--dir', dir, '--explicit', '--map', 'DB_PASSWORD=db-password']);
    expect(env.DB_PASSWORD).toBe('pw');
    expect(env).not.toHaveProperty('BLOB');
  });
});

describe('the Kubernetes layout (key -> ..data/key, ..data -> ..<timestamp>)', () => {
  it('reads values through the symlinks and skips ..data and the timestamped dir', async () => {
    const dir = kubernetesDir({ 'db-password': 'pw\n', 'api-key': 'k' });
    const { env } = await childEnv(['--dir', dir]);
    expect(env).toMatchObject({ DB_PASSWORD: 'pw', API_KEY: 'k' });
    expect(Object.keys(env).filter((name) => name.startsWith('__'))).toEqual([]);
  });

  it('follows a symlink to another file inside the dir', async () => {
    const dir = kubernetesDir({ 'db-password': 'pw' });
    symlinkSync('db-password', join(dir, 'alias'));
    expect((await childEnv(['--dir', dir])).env).toMatchObject({ ALIAS: 'pw', DB_PASSWORD: 'pw' });
  });

  it('a symlink that leaves the dir stops the run, naming the secret', async () => {
    const dir = kubernetesDir({ 'db-password': 'pw' });
    symlinkSync('/etc/hostname', join(dir, 'evil'));
    const result = await refused(['--dir', dir]);
    expect(result.stderr).toMatch(/secret "evil" at .* is a symlink to \/etc\/hostname, outside /);
  });
});

describe('NAME_FILE', () => {
  const dir = secretsDir({ x: 'from-file\n' });
  const outside = join(writeFiles(tempDir(), { 'app.log': 'log-content' }), 'app.log');

  it('DB_PASSWORD_FILE=<secrets dir>/x gives DB_PASSWORD and removes DB_PASSWORD_FILE', async () => {
    const { env } = await childEnv(['--dir', dir], baseEnv({ DB_PASSWORD_FILE: join(dir, 'x') }));
    expect(env.DB_PASSWORD).toBe('from-file');
    expect(env).not.toHaveProperty('DB_PASSWORD_FILE');
  });

  it('NAME_FILE naming the secret that also makes NAME automatically is one variable, not a collision', async () => {
    const own = secretsDir({ db_password: 'pw\n', other: 'other' });
    const { env } = await childEnv(['--dir', own], baseEnv({ DB_PASSWORD_FILE: join(own, 'db_password') }));
    expect(env.DB_PASSWORD).toBe('pw');
    expect(env).not.toHaveProperty('DB_PASSWORD_FILE');
    // Negative control: NAME_FILE naming another file than the secret is a collision.
    const result = await refused(['--dir', own], baseEnv({ DB_PASSWORD_FILE: join(own, 'other') }));
    expect(result.stderr).toMatch(/both map to variable DB_PASSWORD/);
  });

  it('NAME and NAME_FILE both set is an error', async () => {
    const result = await refused(['--dir', dir], baseEnv({ DB_PASSWORD: 'set', DB_PASSWORD_FILE: join(dir, 'x') }));
    expect(result.stderr).toContain('both DB_PASSWORD and DB_PASSWORD_FILE are set (but are exclusive)');
    expect(result.stderr).not.toContain('from-file');
  });

  it('an empty NAME counts as unset', async () => {
    const { env } = await childEnv(['--dir', dir], baseEnv({ DB_PASSWORD: '', DB_PASSWORD_FILE: join(dir, 'x') }));
    expect(env.DB_PASSWORD).toBe('from-file');
  });

  it('a NAME_FILE outside the secrets dirs is left alone, said by --check and at debug only; --file-env any reads it', async () => {
    const env = baseEnv({ LOG_FILE: outside, SSL_CERT_FILE: outside });
    const kept = await childEnv(['--dir', dir], env);
    expect(kept.env.LOG_FILE).toBe(outside);
    expect(kept.env).not.toHaveProperty('LOG');
    const hint = (stderr: string) => stderr.split('\n').filter((line) => line.includes('--file-env any'));
    expect(hint(kept.stderr)).toEqual([]);
    expect(hint((await runCli(['--check', '--dir', dir, 'true'], { env })).stderr)).toEqual([expect.stringMatching(/^runsecrets: left as they are, .*LOG_FILE, SSL_CERT_FILE/)]);
    expect(hint((await childEnv(['--log-level', 'debug', '--dir', dir], env)).stderr)).toEqual([expect.stringMatching(/^runsecrets: debug: left as they are, .*LOG_FILE, SSL_CERT_FILE/)]);
    const read = await childEnv(['--dir', dir, '--file-env', 'any'], env);
    expect(read.env.LOG).toBe('log-content');
    expect(read.env).not.toHaveProperty('LOG_FILE');
  });

  it('--file-env off disables the convention', async () => {
    const { env } = await childEnv(['--dir', dir, '--file-env', 'off'], baseEnv({ DB_PASSWORD_FILE: join(dir, 'x') }));
    expect(env.DB_PASSWORD_FILE).toBe(join(dir, 'x'));
    expect(env).not.toHaveProperty('DB_PASSWORD');
  });
});

// What root reads, attacked by the app's user (SECURITY.md): a secrets dir the app can
// write raced with symlink swaps, names that would reach the child as RUNSECRETS_*, file
// names that would forge log lines, an unquoted PEM whose lines dotenv would make into
// variable names, and a user database someone else can change.

import { execa } from 'execa';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP, appDir, ATTACKER_NEEDS, asApp, RACER_NEEDS, rootOnlyFile, startRacer } from '../helpers/attacker.js';
import { baseEnv, cliCommand, runCli } from '../helpers/cli.js';
import { secretsDir, tempDir } from '../helpers/fixtures.js';
import { requires, UNSHARE } from '../helpers/requirements.js';

const LEAK = 'ROOT-ONLY-LEAK-4c1d';

describe("a secrets dir the app's user can write, raced by that user (as nobody; needs root)", requires(...RACER_NEEDS), () => {
  it('never gives the command the content of a root-only file swapped in as a symlink, over many runs', async () => {
    const dir = appDir('secrets');
    const target = rootOnlyFile(LEAK);
    await asApp(['sh', '-c', `printf app-value > ${dir}/db`]);
    const racer = await startRacer(
      `os.chdir(${JSON.stringify(dir)})`,
      `os.symlink(${JSON.stringify(target)}, '.l')\nos.rename('.l', 'db')\nwith open('.f', 'w') as f: f.write('app-value')\nos.rename('.f', 'db')`,
    );
    const seen = new Set<string>();
    try {
      const deadline = Date.now() + 6000;
      for (let run = 0; run < 40 && Date.now() < deadline; run += 1) {
        const result = await runCli(['--dir', dir, '--user', APP.name, '--', 'sh', '-c', 'printf "%s" "$DB"']);
        expect(`${result.stdout}${result.stderr}`).not.toContain(LEAK);
        seen.add(result.exitCode === 0 ? `value ${result.stdout}` : /is a symlink to .*, outside|kept changing between a symlink and a file/.test(result.stderr) ? 'refused' : result.stderr);
      }
    } finally {
      await racer.stop();
    }
    // Both states were met: the regular file's value, and the symlink refused by name.
    expect([...seen].sort()).toEqual(['refused', 'value app-value']);
  });

  it('reads such a dir as the command\'s user: a root-only file planted there is refused, not read by root', async () => {
    const dir = appDir('secrets');
    const target = rootOnlyFile(LEAK);
    copyFileSync(target, join(dir, 'stolen'));
    chmodSync(join(dir, 'stolen'), 0o400);
    const result = await runCli(['--dir', dir, '--user', APP.name, '--', 'env']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd()).toMatch(/^runsecrets: error: cannot read secret "stolen" at .*: permission denied \(EACCES\) for uid 65534 .*: .* is owner 0:0, mode 0400; runsecrets reads it as uid 65534, the command's user, because that user can change the way to it: /);
    expect(`${result.stdout}${result.stderr}`).not.toContain(LEAK);
    // Negative control: in a dir of root's, the same file is root's to read.
    const rootDir = secretsDir({});
    copyFileSync(target, join(rootDir, 'stolen'));
    expect((await runCli(['--dir', rootDir, '--user', APP.name, '--', 'sh', '-c', 'printf %s "$STOLEN"'])).stdout).toBe(LEAK);
  });
});

describe('what reaches the child and the log', () => {
  it('makes no RUNSECRETS_* variable for the child from a secret, a dotenv key or --map, and validates --prefix', async () => {
    const dir = secretsDir({ runsecrets_user: 'root', 'app.env': 'RUNSECRETS_LOG_LEVEL=silent\n' });
    const result = await runCli(['--dir', dir, '--', 'env']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/secret "runsecrets_user" .* would become variable RUNSECRETS_USER, but RUNSECRETS_\* variables are runsecrets' own/);
    expect(result.stderr).toMatch(/key RUNSECRETS_LOG_LEVEL of dotenv secret "app.env" .* would become variable RUNSECRETS_LOG_LEVEL/);
    for (const [args, message] of [
      [['--map', 'RUNSECRETS_USER=db'], /--map cannot make RUNSECRETS_USER/],
      [['--prefix', 'A=B'], /--prefix must start a variable name .*"A=B"/],
      [['--prefix', 'A\nB'], /--prefix must start a variable name/],
      [['--prefix', 'RUNSECRETS_'], /--prefix may not be RUNSECRETS_/],
    ] as const) {
      const usage = await runCli([...args, '--dir', dir, '--', 'true']);
      expect(usage.exitCode).toBe(2);
      expect(usage.stderr).toMatch(message);
    }
  });

  it('writes a file name holding a newline as an escape: no record is split, no runsecrets: line forged', async () => {
    const dir = secretsDir({ 'db\nrunsecrets: all secrets verified': 'pw' });
    for (const args of [['--log-level', 'debug'], ['--check']]) {
      const result = await runCli([...args, '--dir', dir, '--', 'true']);
      const lines = [...result.stderr.split('\n'), ...result.stdout.split('\n')].filter(Boolean);
      expect(lines.some((line) => line.startsWith('runsecrets: all secrets verified'))).toBe(false);
      expect(`${result.stderr}${result.stdout}`).toContain('db\\nrunsecrets: all secrets verified');
      for (const line of result.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^runsecrets: /);
    }
  });

  it('refuses an unquoted PEM in a dotenv secret by line number, never printing its lines as names', async () => {
    const body = 'MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7XYZ==';
    const dir = secretsDir({ 'tls.env': `TLS_KEY=-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n` });
    for (const args of [['--check'], ['--log-level', 'debug']]) {
      const result = await runCli([...args, '--dir', dir, '--', 'true']);
      expect(result.exitCode).toBe(1);
      expect(`${result.stdout}${result.stderr}`).toMatch(/dotenv secret "tls.env" \(.*\): the value on line 1 starts a PEM block without quotes/);
      expect(`${result.stdout}${result.stderr}`).not.toContain(body.slice(0, 24));
    }
    // Negative control: quoted, the same block is one variable.
    const quoted = secretsDir({ 'tls.env': `TLS_KEY="-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----"\n` });
    const result = await runCli(['--dir', quoted, '--', 'sh', '-c', 'printf "%s" "$TLS_KEY"']);
    expect(result.stdout).toBe(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`);
  });
});

describe('a user database someone else can change (needs root, unshare)', requires(...ATTACKER_NEEDS, UNSHARE), () => {
  it('refuses --user when /etc/passwd is writable by the app\'s group: it decides which uid root switches to', async () => {
    const copy = join(tempDir(), 'passwd');
    writeFileSync(copy, readFileSync('/etc/passwd'));
    chmodSync(copy, 0o664);
    await execa('chown', [`0:${APP.gid}`, copy]);
    const [node, ...cli] = cliCommand();
    const script = `mount --bind "$1" /etc/passwd && shift && exec "$@"`;
    const run = (file: string) => execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', file, node, ...cli, '--user', APP.name, '--dir', tempDir(), '--', 'id', '-u'], { env: baseEnv(), extendEnv: false, reject: false });
    const refused = await run(copy);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/\/etc\/passwd decides which uid root switches to, but someone besides root can change it \(\/etc\/passwd is owner 0:65534, mode 0664\)/);
    expect(refused.stdout).toBe('');
    // Negative control: the same copy, root's alone, is used.
    chmodSync(copy, 0o644);
    expect((await run(copy)).stdout).toBe(String(APP.uid));
  });
});

describe('a FIFO or a device as a source never blocks or fills memory', () => {
  it('refuses a FIFO and /dev/zero as NAME_FILE (with --file-env any) and as --dotenv, at once', async () => {
    const work = tempDir();
    const fifo = join(work, 'fifo');
    await execa('mkfifo', [fifo]);
    for (const [args, env] of [
      [['--file-env', 'any'], { DB_PASSWORD_FILE: fifo }],
      [['--file-env', 'any'], { DB_PASSWORD_FILE: '/dev/zero' }],
      [['--dotenv', fifo], {}],
      [['--dotenv', '/dev/zero'], {}],
    ] as const) {
      const result = await runCli([...args, '--dir', tempDir(), '--', 'true'], { env: baseEnv(env) });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/is (a FIFO|a character device), not a regular file; point it at a regular file/);
    }
  });
});

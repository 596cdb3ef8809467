// --check: the plan (sources, lengths, fingerprints, user, command), every problem at
// once, exit 0/1, nothing started, and never a value.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, runCli } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { SWITCHABLE_USER } from '../helpers/requirements.js';

const sha8 = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 8);
const VALUES = { db: 'Check-LEAK-db-0c1d', api: 'Check-LEAK-api-55e0', dotenv: 'Check-LEAK-dotenv-a9' };

function fixture() {
  const dir = secretsDir({ 'db-password': `${VALUES.db}\n`, api_key: VALUES.api, 'app.env': `MODE=${VALUES.dotenv}\n` });
  const envFile = join(writeFiles(tempDir(), { 'local.env': 'LOG_LEVEL=debug\n' }), 'local.env');
  return { dir, envFile };
}

describe('--check', () => {
  it('prints every variable with source, length and fingerprint, the user and the resolved command', async () => {
    const { dir, envFile } = fixture();
    const result = await runCli(['--check', '--dir', dir, '--dotenv', envFile, '--user', SWITCHABLE_USER.spec, '--', 'sh', '-c', 'exit 0']);
    expect(result.exitCode).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^runsecrets check: ok$/m);
    expect(out).toMatch(/^mode: exec$/m);
    expect(out).toMatch(/^command: sh -c exit 0 -> \/(usr\/)?bin\/sh$/m);
    const { name, uid, gid, home } = SWITCHABLE_USER;
    expect(out.split('\n')).toContain(`user: ${name} uid=${uid} gid=${gid} groups=(none)`);
    expect(out.split('\n')).toContain(`HOME: ${home}`);
    expect(out).toMatch(new RegExp(`DB_PASSWORD +file +${dir}/db-password +${VALUES.db.length} bytes +sha256:${sha8(VALUES.db)}`));
    expect(out).toMatch(new RegExp(`API_KEY +file .* sha256:${sha8(VALUES.api)}`));
    expect(out).toMatch(new RegExp(`MODE +dotenv +${dir}/app.env +${VALUES.dotenv.length} bytes`));
    expect(out).toMatch(/LOG_LEVEL +dotenv-file/);
    for (const value of Object.values(VALUES)) expect(out + result.stderr).not.toContain(value);
  });

  it('lists all problems, not just the first, and exits 1 without starting anything', async () => {
    const { dir } = fixture();
    const marker = join(tempDir(), 'started');
    const result = await runCli(['--check', '--dir', dir, '--require', 'missing_one', '--map', 'X=missing_two', '--user', 'no-such-user', '--', 'no-such-command'], { env: baseEnv() });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^runsecrets check: 4 problem\(s\)$/m);
    for (const text of ['"missing_one" is required', '"missing_two" is mapped', 'no user named "no-such-user"', 'command "no-such-command" not found']) {
      expect(result.stdout).toContain(text);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('does not start the command even when all is well', async () => {
    const { dir } = fixture();
    const marker = join(tempDir(), 'started');
    const result = await runCli(['--check', '--dir', dir, 'sh', '-c', `touch ${marker}`]);
    expect(result.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(false);
    // Negative control: without --check the command runs.
    expect((await runCli(['--dir', dir, 'sh', '-c', `touch ${marker}`])).exitCode).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('prints one JSON document with --log-format json', async () => {
    const { dir } = fixture();
    const result = await runCli(['--check', '--log-format', 'json', '--dir', dir, '--require', 'nope', 'true']);
    expect(result.exitCode).toBe(1);
    const plan = JSON.parse(result.stdout);
    expect(plan.ok).toBe(false);
    expect(plan.mode).toBe('exec');
    expect(plan.command.path).toMatch(/\/true$/);
    expect(plan.variables).toContainEqual({ name: 'DB_PASSWORD', source: 'file', path: `${dir}/db-password`, secret: 'db-password', length: VALUES.db.length, sha256: sha8(VALUES.db) });
    expect(plan.problems).toEqual([expect.objectContaining({ code: 'REQUIRED', exitCode: 1 })]);
    for (const value of Object.values(VALUES)) expect(result.stdout).not.toContain(value);
  });

  it('works from its twin, so `docker run IMAGE` with ENV RUNSECRETS_CHECK=1 reports', async () => {
    const { dir } = fixture();
    const result = await runCli([], { env: baseEnv({ RUNSECRETS_CHECK: '1', RUNSECRETS_DIR: dir }) });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^command: \(none given\)$/m);
  });

  it('lists secrets kept for templates only under --explicit', async () => {
    const { dir } = fixture();
    const result = await runCli(['--check', '--explicit', '--dir', dir, 'true']);
    expect(result.stdout).toMatch(/^variables \(1\):$/m);
    expect(result.stdout).toMatch(/^secrets for templates only \(2\):$/m);
    expect(result.stdout).toMatch(/^ {2}api_key /m);
  });
});

describe('--check and carriage returns', () => {
  const crDir = () => secretsDir({ 'crlf-file': 'Check-LEAK-crlf\r\n', 'lone-cr': 'Check-LEAK-cr\r', 'plain': 'Check-LEAK-plain\n' });
  const warned = (stdout: string) => stdout.split('\n').filter((line) => line.includes('carriage return')).map((line) => /(?:variable|secret) (\S+)/.exec(line)?.[1]);

  it('--trim all strips a CRLF ending; a value that still ends in \\r is flagged, the plan still ok', async () => {
    const dir = crDir();
    const result = await runCli(['--check', '--dir', dir, 'true']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^warnings \(1\):$/m);
    expect(warned(result.stdout)).toEqual(['LONE_CR']);
    expect(result.stdout).toContain(`variable LONE_CR from ${dir}/lone-cr ends in a carriage return (\\r), which the app will get`);
    expect(result.stdout).toMatch(new RegExp(`CRLF_FILE +file +${dir}/crlf-file +${'Check-LEAK-crlf'.length} bytes`));
    expect(result.stdout).not.toContain('Check-LEAK');
  });

  it('in JSON too, and under --trim one: a lone \\r stays and is flagged, a CRLF ending is stripped', async () => {
    const result = await runCli(['--check', '--trim', 'one', '--log-format', 'json', '--dir', crDir(), 'true']);
    const plan = JSON.parse(result.stdout) as { ok: boolean; warnings: string[]; variables: { name: string; length: number }[] };
    expect(plan.ok).toBe(true);
    expect(plan.variables.find((v) => v.name === 'CRLF_FILE')?.length).toBe('Check-LEAK-crlf'.length);
    expect(plan.warnings.map((w) => /^variable (\S+)/.exec(w)?.[1])).toEqual(['LONE_CR']);
    expect(result.stdout).not.toContain('Check-LEAK');
  });
});

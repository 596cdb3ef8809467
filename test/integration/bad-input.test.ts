// Every kind of bad input: one `runsecrets: error:` line naming the thing, the SPEC's
// exit code, no stack trace, no child started, and no secret value anywhere in
// runsecrets' output, at the most verbose log level too.

import { chmodSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, runCli } from '../helpers/cli.js';
import { secretsDir, tempDir } from '../helpers/fixtures.js';

/** Distinctive values: if any of them shows up in runsecrets' output, a secret leaked. */
const VALUES = {
  'db-password': 'Pa55-LEAK-db-7f3a',
  api_key: 'LEAK-api-key-91c2',
  'app.env': 'DOTENV_KEY=LEAK-dotenv-5d1e\n',
  binary: Buffer.concat([Buffer.from('LEAK-binary-'), Buffer.from([0xff, 0x00, 0xfe])]),
  big: `LEAK-big-${'x'.repeat(140 * 1024)}`,
};
const NEEDLES = ['Pa55-LEAK-db-7f3a', 'LEAK-api-key-91c2', 'LEAK-dotenv-5d1e', 'LEAK-binary-', 'LEAK-big-', 'LEAK-file-env-3b8f'];

function setup() {
  const dir = secretsDir({ 'db-password': VALUES['db-password'], api_key: VALUES.api_key, 'app.env': VALUES['app.env'] });
  const work = tempDir();
  const marker = join(work, 'started');
  const noexec = join(work, 'noexec');
  writeFileSync(noexec, '#!/bin/sh\ntouch "$MARK"\n');
  chmodSync(noexec, 0o644);
  return { dir, work, marker, noexec, child: ['sh', '-c', 'touch "$0"', marker] };
}

type Case = { name: string; exit: number; message: RegExp; args: (s: ReturnType<typeof setup>) => string[]; env?: (s: ReturnType<typeof setup>) => Record<string, string> };

const CASES: Case[] = [
  { name: 'unknown option', exit: 2, message: /unknown option "--bogus"/, args: (s) => ['--dir', s.dir, '--bogus', ...s.child] },
  { name: 'option missing its value', exit: 2, message: /--require needs a value/, args: () => ['--require'] },
  { name: 'malformed value', exit: 2, message: /--max-size must be a size.*"lots"/, args: (s) => ['--max-size', 'lots', ...s.child] },
  { name: 'malformed --map', exit: 2, message: /--map takes VAR=SECRET.*"DB_PASSWORD"/, args: (s) => ['--dir', s.dir, '--map', 'DB_PASSWORD', ...s.child] },
  { name: 'malformed twin', exit: 2, message: /RUNSECRETS_TRIM must be one of/, args: (s) => ['--dir', s.dir, ...s.child], env: () => ({ RUNSECRETS_TRIM: 'some' }) },
  { name: 'no command', exit: 2, message: /no command given/, args: (s) => ['--dir', s.dir] },
  { name: 'explicit --dir missing', exit: 1, message: /cannot read secrets dir \/nonexistent\/secrets: no such file/, args: (s) => ['--dir', s.dir, '--dir', '/nonexistent/secrets', ...s.child] },
  {
    name: 'unreadable secret (dangling symlink)', exit: 1, message: /cannot read secret "gone"/,
    args: (s) => { symlinkSync('missing-target', join(s.dir, 'gone')); return ['--dir', s.dir, ...s.child]; },
  },
  {
    name: 'file over --max-size', exit: 1, message: /secret "big" at .* is \d+ bytes, over --max-size/,
    args: (s) => { writeFileSync(join(s.dir, 'big'), VALUES.big); return ['--dir', s.dir, '--max-size', '64KiB', ...s.child]; },
  },
  {
    name: 'symlink leaving the dir', exit: 1, message: /secret "escape" at .* is a symlink to .*, outside/,
    args: (s) => { writeFileSync(join(s.work, 'outside'), VALUES.api_key); symlinkSync(join(s.work, 'outside'), join(s.dir, 'escape')); return ['--dir', s.dir, ...s.child]; },
  },
  {
    name: 'NUL / non-UTF-8 value for a variable', exit: 1, message: /secret "binary" .* contains a NUL byte, so it cannot become variable BINARY/,
    args: (s) => { writeFileSync(join(s.dir, 'binary'), VALUES.binary); return ['--dir', s.dir, ...s.child]; },
  },
  {
    name: 'value over 128 KiB for a variable', exit: 1, message: /secret "big" .* over the 128 KiB/,
    args: (s) => { writeFileSync(join(s.dir, 'big'), VALUES.big); return ['--dir', s.dir, '--max-size', '1MiB', ...s.child]; },
  },
  {
    name: 'two secrets mapping to one name', exit: 1, message: /secret "db-password" .* and secret "db_password" .* both map to variable DB_PASSWORD/,
    args: (s) => { writeFileSync(join(s.dir, 'db_password'), VALUES.api_key); return ['--dir', s.dir, ...s.child]; },
  },
  {
    name: 'NAME and NAME_FILE both set', exit: 1, message: /both TOKEN and TOKEN_FILE are set \(but are exclusive\)/,
    args: (s) => { writeFileSync(join(s.dir, 'token'), 'LEAK-file-env-3b8f'); return ['--dir', s.dir, '--explicit', ...s.child]; },
    env: () => ({ TOKEN: 'LEAK-file-env-3b8f' }),
  },
  { name: 'required secret missing', exit: 1, message: /secret "tls_key" is required \(--require\) but no file named tls_key/, args: (s) => ['--dir', s.dir, '--require', 'tls_key', ...s.child] },
  {
    name: 'required secret empty', exit: 1, message: /secret "empty" is required \(--require\) but .*empty is empty/,
    args: (s) => { writeFileSync(join(s.dir, 'empty'), '\n'); return ['--dir', s.dir, '--require', 'empty', ...s.child]; },
  },
  { name: 'unknown user', exit: 1, message: /--user no-such-user .*no user named "no-such-user"/, args: (s) => ['--dir', s.dir, '--user', 'no-such-user', ...s.child] },
  { name: 'unknown group', exit: 1, message: /no group named "no-such-group"/, args: (s) => ['--dir', s.dir, '--user', 'nobody:no-such-group', ...s.child] },
  ...templateCases(),
  { name: 'command not found', exit: 127, message: /command "no-such-command" not found/, args: (s) => ['--dir', s.dir, 'no-such-command'] },
  { name: 'command not executable', exit: 126, message: /command ".*noexec" at .* is not executable/, args: (s) => ['--dir', s.dir, s.noexec] },
];

/** Template errors (SPEC §4): each names the template and line, never a value, even one the template computed. */
function templateCases(): Case[] {
  const template = (s: ReturnType<typeof setup>, text: string, extra: string[] = []) => {
    writeFileSync(join(s.work, 'app.conf.tmpl'), text);
    return ['--dir', s.dir, '--template', `${join(s.work, 'app.conf.tmpl')}:${join(s.work, 'out/app.conf')}`, ...extra, ...s.child];
  };
  return [
    { name: 'template: unknown variable, looked up by a secret\'s value', exit: 1, message: /template .*app.conf.tmpl, line 2: unknown variable secrets\[env.DB_PASSWORD\]/, args: (s) => template(s, 'x\n{{ secrets[env.DB_PASSWORD] }}') },
    { name: 'template: unknown filter', exit: 1, message: /template .*app.conf.tmpl, line 1: unknown filter "nope"/, args: (s) => template(s, '{{ secrets.api_key | nope }}') },
    { name: 'template: syntax error', exit: 1, message: /template .*app.conf.tmpl, line 1, column 1: syntax error: an output \{\{ … \}\} is not closed/, args: (s) => template(s, '{{ secrets.api_key ') },
    { name: 'template: include', exit: 1, message: /line 1: \{% include %\} is not available/, args: (s) => template(s, '{% include "/etc/passwd" %}') },
    { name: 'template: filter error on a secret', exit: 1, message: /line 1: base64_decode: the value is not base64/, args: (s) => template(s, '{{ secrets["db-password"] | base64_decode }}') },
    {
      name: 'template: binary secret as text', exit: 1, message: /line 1: secret "binary" is not UTF-8 text \(15 bytes\)/,
      args: (s) => { writeFileSync(join(s.dir, 'binary'), VALUES.binary); return template(s, '{{ secrets.binary }}', ['--explicit']); },
    },
    { name: 'template: missing template file', exit: 1, message: /--template \/nonexistent\/app.tmpl:.*cannot read \/nonexistent\/app.tmpl: no such file/, args: (s) => ['--dir', s.dir, '--template', `/nonexistent/app.tmpl:${s.work}/out`, ...s.child] },
    {
      name: 'template: destination cannot be written', exit: 1, message: /cannot write rendered file .*noexec\/sub\/app\.conf: not a directory \(ENOTDIR\) at .*noexec; no rendered file was changed/,
      args: (s) => { writeFileSync(join(s.work, 'ok.tmpl'), '{{ secrets.api_key }}'); return ['--dir', s.dir, '--template', `${join(s.work, 'ok.tmpl')}:${s.noexec}/sub/app.conf`, ...s.child]; },
    },
  ];
}

describe.each(['info', 'debug'])('bad input at --log-level %s', (level) => {
  it.each(CASES)('$name', async (testCase) => {
    const s = setup();
    const env = { ...baseEnv({ MARK: s.marker }), ...(testCase.env?.(s) ?? {}) };
    if (testCase.name.startsWith('NAME and')) env.TOKEN_FILE = join(s.dir, 'token');
    const result = await runCli(['--log-level', level, ...testCase.args(s)], { env });

    expect(result.exitCode).toBe(testCase.exit);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('runsecrets: error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(testCase.message);
    if (level === 'info') expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
    expect(existsSync(s.marker)).toBe(false);
    for (const needle of NEEDLES) expect(result.stderr).not.toContain(needle);
  });
});

describe('negative control', () => {
  it('the same setup with good input starts the child and exposes values only to it', async () => {
    const s = setup();
    const result = await runCli(['--dir', s.dir, '--log-level', 'debug', 'sh', '-c', 'touch "$MARK"; printf %s "$DB_PASSWORD" > "$MARK"'], { env: baseEnv({ MARK: s.marker }) });
    expect(result.exitCode).toBe(0);
    expect(existsSync(s.marker)).toBe(true);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(s.marker, 'utf8')).toBe(VALUES['db-password']);
    for (const needle of NEEDLES) expect(result.stderr + result.stdout).not.toContain(needle);
  });
});

// --template through the built CLI: rendered files the command can read, strict errors
// with file and line that write nothing and start nothing, --check, unchanged files
// left alone, no secret value in any output, and liquidjs loaded only when needed.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { baseEnv, NEEDS_SCRIPT, runCli, STANDALONE } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { notApplicable, SWITCHABLE_USER } from '../helpers/requirements.js';

/** Distinctive values: if one shows up in runsecrets' output, a secret leaked. */
const VALUES = { db: `Tmpl-LEAK-db-'"$\\-5e2a`, api: 'Tmpl-LEAK-api-93bd', other: 'Tmpl-LEAK-other-71c0' };
const NEEDLES = ['Tmpl-LEAK-db', 'Tmpl-LEAK-api', 'Tmpl-LEAK-other'];

function setup(templates: Record<string, string>) {
  const secrets = secretsDir({ db_password: VALUES.db, 'api-key': VALUES.api, other: VALUES.other });
  const tmpl = writeFiles(tempDir(), templates);
  const out = join(tempDir(), 'out');
  const marker = join(tempDir(), 'started');
  return { secrets, tmpl, out, marker, child: ['sh', '-c', 'touch "$0"', marker] };
}

const GOOD = 'db:\n  password: {{ secrets.db_password | yaml }}\n  key: {{ secrets["api-key"] | json }}\n  home: {{ env.HOME }}\n';

describe('--template', () => {
  it('renders a file and a dir of *.tmpl before the command starts, mode 0600 by default', async () => {
    const s = setup({ 'app.yml.tmpl': GOOD, 'conf.d/extra.conf.tmpl': 'k={{ secrets.other | shell }}\n', 'notes.txt': 'not a template' });
    const single = join(s.out, 'single.yml');
    const result = await runCli(['--dir', s.secrets, '--template', `${s.tmpl}:${s.out}/dir`, '--template', `${s.tmpl}/app.yml.tmpl:${single}`, '--', 'sh', '-c', 'cat "$0"', single]);
    expect(result.exitCode).toBe(0);
    expect(parseYaml(result.stdout)).toEqual({ db: { password: VALUES.db, key: VALUES.api, home: '/root' } });
    expect(readdirSync(join(s.out, 'dir'), { recursive: true }).sort()).toEqual(['app.yml', 'conf.d', 'conf.d/extra.conf']);
    expect(readFileSync(join(s.out, 'dir/conf.d/extra.conf'), 'utf8')).toBe(`k='${VALUES.other}'\n`);
    for (const file of [single, join(s.out, 'dir/app.yml')]) expect(statSync(file).mode & 0o7777).toBe(0o600);
    for (const dir of [s.out, join(s.out, 'dir/conf.d')]) expect(statSync(dir).mode & 0o7777).toBe(0o700);
  });

  it('takes --template-mode and the RUNSECRETS_TEMPLATE twin as a comma-separated list', async () => {
    const s = setup({ 'a.tmpl': 'a', 'b.tmpl': 'b' });
    const env = baseEnv({ RUNSECRETS_TEMPLATE: `${s.tmpl}/a.tmpl:${s.out}/a,${s.tmpl}/b.tmpl:${s.out}/b`, RUNSECRETS_TEMPLATE_MODE: '0640' });
    const result = await runCli(['--dir', s.secrets, 'true'], { env });
    expect(result.exitCode).toBe(0);
    expect(['a', 'b'].map((f) => [readFileSync(join(s.out, f), 'utf8'), statSync(join(s.out, f)).mode & 0o777])).toEqual([['a', 0o640], ['b', 0o640]]);
  });

  it('writes nothing when the command cannot be found or run (127 / 126)', async () => {
    const s = setup({ 'a.tmpl': '{{ secrets.other }}' });
    const noexec = join(s.tmpl, 'a.tmpl');
    for (const [command, exit] of [['no-such-command', 127], [noexec, 126]] as const) {
      const result = await runCli(['--dir', s.secrets, '--template', `${s.tmpl}/a.tmpl:${s.out}/a`, command]);
      expect(result.exitCode).toBe(exit);
      expect(existsSync(s.out)).toBe(false);
    }
    // Negative control: a command that exists gets its file.
    expect((await runCli(['--dir', s.secrets, '--template', `${s.tmpl}/a.tmpl:${s.out}/a`, 'true'])).exitCode).toBe(0);
    expect(existsSync(join(s.out, 'a'))).toBe(true);
  });

  it('leaves an unchanged file alone (same inode and mtime) and replaces a changed one', async () => {
    const s = setup({ 'a.tmpl': '{{ secrets.other }}' });
    const dest = join(s.out, 'a');
    const run = () => runCli(['--dir', s.secrets, '--template', `${s.tmpl}/a.tmpl:${dest}`, 'true']);
    expect((await run()).exitCode).toBe(0);
    const first = statSync(dest, { bigint: true });
    expect((await run()).exitCode).toBe(0);
    const second = statSync(dest, { bigint: true });
    expect([second.ino, second.mtimeNs]).toEqual([first.ino, first.mtimeNs]);
    // Negative control: new bytes, new file.
    writeFileSync(join(s.secrets, 'other'), 'changed');
    expect((await run()).exitCode).toBe(0);
    expect(statSync(dest, { bigint: true }).ino).not.toBe(first.ino);
    expect(readFileSync(dest, 'utf8')).toBe('changed');
    expect(readdirSync(s.out)).toEqual(['a']); // no temp file left behind
  });
});

describe('template errors', () => {
  const BAD = {
    'good.tmpl': GOOD,
    'variable.tmpl': 'ok\n{{ secrets.db_pasword }}\n',
    'filter.tmpl': 'a\nb\nc\n{{ secrets.db_password | sh_quote }}\n',
    'syntax.tmpl': '{% if secrets.db_password %}\nno endif\n',
    'computed.tmpl': '{{ secrets[env.DB_PASSWORD] }}\n{{ secrets.other | append: secrets["api-key"] | bogus_after }}\n',
  };

  it.each(['info', 'debug'])('reports every one with file and line, writes nothing, starts nothing, leaks nothing (--log-level %s)', async (level) => {
    const s = setup(BAD);
    const result = await runCli(['--log-level', level, '--dir', s.secrets, '--template', `${s.tmpl}:${s.out}`, '--template', `${s.tmpl}/good.tmpl:${s.out}-single`, ...s.child]);
    expect(result.exitCode).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('runsecrets: error:'));
    expect(errors).toEqual([
      // Line 1's unknown variable, which liquidjs' own parse error on line 2 used to hide.
      expect.stringMatching(new RegExp(`^runsecrets: error: template ${s.tmpl}/computed.tmpl, line 1: unknown variable secrets\\[env.DB_PASSWORD\\]; `)),
      expect.stringMatching(new RegExp(`^runsecrets: error: template ${s.tmpl}/computed.tmpl, line 2: unknown filter "bogus_after"`)),
      expect.stringMatching(new RegExp(`^runsecrets: error: template ${s.tmpl}/filter.tmpl, line 4: unknown filter "sh_quote"; runsecrets adds json, yaml, shell`)),
      expect.stringMatching(new RegExp(`^runsecrets: error: template ${s.tmpl}/syntax.tmpl, line 1, column 1: syntax error: \\{% if %\\} is not closed: no \\{% endif %\\}; `)),
      expect.stringMatching(new RegExp(`^runsecrets: error: template ${s.tmpl}/variable.tmpl, line 2: unknown variable secrets.db_pasword; no secret file of that name`)),
    ]);
    expect(existsSync(s.out)).toBe(false);
    expect(existsSync(`${s.out}-single`)).toBe(false);
    expect(existsSync(s.marker)).toBe(false);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    for (const needle of NEEDLES) expect(result.stderr + result.stdout).not.toContain(needle);
  });

  it('names a computed lookup by its source text, not by the value it evaluated to', async () => {
    const s = setup({ 'computed.tmpl': 'x\n{{ secrets[env.DB_PASSWORD] }}\n' });
    const result = await runCli(['--log-level', 'debug', '--dir', s.secrets, '--template', `${s.tmpl}:${s.out}`, ...s.child]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`runsecrets: error: template ${s.tmpl}/computed.tmpl, line 2: unknown variable secrets[env.DB_PASSWORD]; `);
    for (const needle of NEEDLES) expect(result.stderr).not.toContain(needle);
  });

  it('negative control: the good template alone renders and starts the command', async () => {
    const s = setup(BAD);
    const result = await runCli(['--log-level', 'debug', '--dir', s.secrets, '--template', `${s.tmpl}/good.tmpl:${s.out}/good`, ...s.child]);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(s.out, 'good'), 'utf8')).toContain(JSON.stringify(VALUES.api));
    expect(existsSync(s.marker)).toBe(true);
    for (const needle of NEEDLES) expect(result.stderr + result.stdout).not.toContain(needle);
  });
});

describe('--check with templates', () => {
  it('lists every template with destination, mode and owner, and every template error, writing nothing', async () => {
    const s = setup({ 'good.tmpl': GOOD, 'bad.tmpl': '\n\n{{ secrets.nope }}' });
    const result = await runCli(['--check', '--dir', s.secrets, '--template', `${s.tmpl}:${s.out}`, '--template-mode', '0640', '--user', SWITCHABLE_USER.spec, 'true']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^templates \(2\):$/m);
    expect(result.stdout).toMatch(new RegExp(`^  ${s.out}/bad +from ${s.tmpl}/bad.tmpl +mode 0640 +owner ${SWITCHABLE_USER.uid}:${SWITCHABLE_USER.gid} +not rendered \\(see problems\\)$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^  ${s.out}/good +from ${s.tmpl}/good.tmpl +mode 0640 +owner ${SWITCHABLE_USER.uid}:${SWITCHABLE_USER.gid} +\\d+ bytes, sha256:[0-9a-f]{8}$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^  - template ${s.tmpl}/bad.tmpl, line 3: unknown variable secrets.nope`, 'm'));
    expect(existsSync(s.out)).toBe(false);
    for (const needle of NEEDLES) expect(result.stdout + result.stderr).not.toContain(needle);
  });

  it('as one JSON document with --log-format json; exit 0 when every template renders', async () => {
    const s = setup({ 'good.tmpl': GOOD });
    const result = await runCli(['--check', '--log-format', 'json', '--dir', s.secrets, '--template', `${s.tmpl}/good.tmpl:${s.out}/g.yml`]);
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout) as { templates: unknown[] };
    expect(plan.templates).toEqual([{ source: `${s.tmpl}/good.tmpl`, destination: `${s.out}/g.yml`, mode: '0600', owner: { uid: process.getuid?.(), gid: process.getgid?.() }, rendered: true, length: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{8}$/) }]);
    expect(existsSync(s.out)).toBe(false);
  });
});

describe('liquidjs is loaded only for --template (V8 coverage of the script under test)', notApplicable(STANDALONE ? NEEDS_SCRIPT : undefined), () => {
  /** Runs the CLI with NODE_V8_COVERAGE (the command is not found, so the process exits and coverage is written) and reports whether liquidjs code ran. */
  async function liquidRan(extra: string[]): Promise<boolean> {
    const s = setup({ 'a.tmpl': 'x' });
    const coverage = tempDir();
    const result = await runCli(['--dir', s.secrets, ...extra.map((arg) => arg.replace('TMPL', s.tmpl).replace('OUT', s.out)), 'no-such-command-7f'], { env: baseEnv({ NODE_V8_COVERAGE: coverage }) });
    expect(result.exitCode).toBe(127);
    const scripts = readdirSync(coverage).flatMap((file) => (JSON.parse(readFileSync(join(coverage, file), 'utf8')) as { result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[] }).result);
    expect(scripts.some((script) => /runsecrets/.test(script.url))).toBe(true);
    // Unbundled: liquidjs is its own script. Bundled: its CommonJS wrapper is a function named after its path.
    return scripts.some((script) => /node_modules\/liquidjs\//.test(script.url) || script.functions.some((fn) => /liquidjs/.test(fn.functionName) && (fn.ranges[0]?.count ?? 0) > 0));
  }

  it('a run without --template never evaluates liquidjs', async () => {
    expect(await liquidRan([])).toBe(false);
  });

  it('negative control: a run with --template does', async () => {
    expect(await liquidRan(['--template', 'TMPL/a.tmpl:OUT/a'])).toBe(true);
  });
});

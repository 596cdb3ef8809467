// Rendering in memory: the scope (secrets by file name, env), Liquid's own filters and
// runsecrets', strict names with file and line, no access to other files, and error
// messages that never hold a rendered value.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Problems } from '../../../src/errors.js';
import { renderTemplates } from '../../../src/templates/index.js';
import { tempDir, writeFiles } from '../../helpers/fixtures.js';

const SECRETS: Record<string, string | Buffer> = {
  db_password: `p4ss'"$\\word\n# :`,
  'api-key': 'k-123',
  'tls.key': '-----BEGIN KEY-----\nabc\n-----END KEY-----',
  b64: Buffer.from('decoded text').toString('base64'),
  keystore: Buffer.from([0x00, 0xff, 0xfe, 0x41]),
  secret_name: 'db_password',
};
const ENV = { HOME: '/home/app', DB_HOST: 'db.internal', LEAKY: 'LEAK-env-value-7c1f' };

/** Renders `templates` (file name → text) from one dir; returns outputs by file name and problem messages. */
async function render(templates: Record<string, string>, secrets = SECRETS, env: Record<string, string> = ENV) {
  const dir = writeFiles(tempDir(), templates);
  const problems = new Problems();
  const map = new Map(Object.entries(secrets).map(([name, value]) => [name, { value: Buffer.from(value) }]));
  const files = await renderTemplates(Object.keys(templates).map((name) => ({ source: join(dir, name), destination: join(dir, 'out', name) })), { secrets: map, env }, undefined, problems);
  const out = Object.fromEntries(files.map((f) => [f.source.slice(dir.length + 1), f.content.toString('utf8')]));
  return { dir, out, problems: problems.list.map((p) => p.message) };
}

describe('renderTemplates', () => {
  it('sees secrets by file name (bracket access for dashes and dots) and the child env', async () => {
    const { out, problems } = await render({ 'a.tmpl': '{{ secrets["api-key"] }} {{ secrets["tls.key"] | size }} {{ env.HOME }} {{ env.DB_HOST | upcase }}' });
    expect(problems).toEqual([]);
    expect(out['a.tmpl']).toBe(`k-123 ${(SECRETS['tls.key'] as string).length} /home/app DB.INTERNAL`);
  });

  it('renders a YAML config that reads back exactly', async () => {
    const { out } = await render({ 'db.yml': 'db:\n  host: {{ env.DB_HOST | yaml }}\n  password: {{ secrets.db_password | yaml }}\n  key: {{ secrets["tls.key"] | yaml }}\n' });
    expect(parseYaml(out['db.yml'] as string)).toEqual({ db: { host: 'db.internal', password: SECRETS.db_password, key: SECRETS['tls.key'] } });
  });

  it('has Liquid control flow, default for optional names, and base64/base64_decode', async () => {
    const { out, problems } = await render({
      'a.tmpl': '{% if secrets.optional %}yes{% else %}no{% endif %} {{ secrets.optional | default: "fallback" }} {{ env.NOPE | default: "d" }} {{ secrets.b64 | base64_decode }} {{ secrets.keystore | base64 }}{% for i in (1..2) %}{{ i }}{% endfor %}',
    });
    expect(problems).toEqual([]);
    expect(out['a.tmpl']).toBe(`no fallback d decoded text ${Buffer.from([0x00, 0xff, 0xfe, 0x41]).toString('base64')}12`);
  });

  it('reports an unknown variable, filter and tag and a syntax error with file and line, every one of them', async () => {
    const { dir, out, problems } = await render({
      'vars.tmpl': 'ok\n{{ secrets.db_pasword }}\nfine\n{{ env.MISSING }}\n{{ nothing }}\n',
      'filter.tmpl': 'a\nb\n{{ secrets.db_password | bogus }}\n{% frobnicate %}\n',
      'syntax.tmpl': 'x\n{{ secrets.db_password \n',
      'good.tmpl': 'fine {{ secrets["api-key"] }}',
    });
    expect(Object.keys(out)).toEqual(['good.tmpl']);
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^template ${dir}/vars.tmpl, line 2: unknown variable secrets.db_pasword; no secret file of that name in the secret dirs \\(--dir\\)`)),
      expect.stringMatching(new RegExp(`^template ${dir}/vars.tmpl, line 4: unknown variable env.MISSING; the command's environment has no such variable`)),
      expect.stringMatching(new RegExp(`^template ${dir}/vars.tmpl, line 5: unknown variable nothing; a template sees secrets`)),
      `template ${dir}/filter.tmpl, line 3: unknown filter "bogus"; runsecrets adds json, yaml, shell, url, base64 and base64_decode to Liquid's own filters`,
      expect.stringMatching(new RegExp(`^template ${dir}/filter.tmpl, line 4: unknown tag "frobnicate"; see the Liquid syntax`)),
      `template ${dir}/syntax.tmpl, line 2, column 1: syntax error: an output {{ … }} is not closed with }}; see the Liquid syntax at https://liquidjs.com/tutorials/intro-to-liquid.html`,
    ]);
  });

  it('offers no include, render or layout, and no prototype properties', async () => {
    const { dir, problems } = await render({
      'inc.tmpl': '{% include "/etc/passwd" %}\n{% render "/etc/passwd" %}\n{% layout "/etc/passwd" %}',
      'proto.tmpl': '{{ secrets.constructor }}{{ env.__proto__ }}',
    });
    expect(problems).toEqual([
      `template ${dir}/inc.tmpl, line 1: {% include %} is not available: a template cannot read other files; use one --template per file`,
      `template ${dir}/inc.tmpl, line 2: {% render %} is not available: a template cannot read other files; use one --template per file`,
      `template ${dir}/inc.tmpl, line 3: {% layout %} is not available: a template cannot read other files; use one --template per file`,
      expect.stringMatching(/proto.tmpl, line 1: unknown variable secrets.constructor/),
      expect.stringMatching(/proto.tmpl, line 1: unknown variable env.__proto__/),
    ]);
  });

  it('names the source text, never a computed value, and never quotes a rendered value', async () => {
    const { problems } = await render({
      'a.tmpl': '{{ secrets[env.LEAKY] }}\n{{ secrets[secrets.secret_name].nested }}\n{{ secrets.keystore }}\n{{ secrets.db_password | base64_decode }}\n{{ secrets.db_password | append: secrets.missing }}',
    });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/line 1: unknown variable secrets\[env.LEAKY\]/);
    expect(problems[1]).toMatch(/line 2: unknown variable secrets\[secrets.secret_name\].nested/);
    expect(problems[2]).toMatch(/line 3: secret "keystore" is not UTF-8 text \(4 bytes\), so it can only be rendered with \| base64/);
    expect(problems[3]).toMatch(/line 4: base64_decode: the value is not base64 \(in \{\{ secrets.db_password \| base64_decode \}\}\)/);
    expect(problems[4]).toMatch(/line 5: unknown variable secrets.missing/);
    for (const value of ['LEAK-env-value-7c1f', 'p4ss', 'k-123', 'db_password.nested']) expect(problems.join('\n')).not.toContain(value);
  });

  it('negative control: liquidjs\' own message for the same lookup does hold the value', async () => {
    const { createEngine } = await import('../../../src/templates/engine.js');
    const { buildScope } = await import('../../../src/templates/scope.js');
    const engine = createEngine();
    const error = await Promise.resolve()
      .then(() => engine.renderSync(engine.parse('{{ secrets[env.LEAKY] }}'), buildScope(new Map(), ENV)))
      .then(() => undefined, (e: unknown) => e as { errors: { message: string }[] });
    expect(error?.errors[0]?.message).toContain('LEAK-env-value-7c1f');
  });

  it('negative control: with a literal name instead of a computed one, the same lookup renders', async () => {
    const { out, problems } = await render({ 'a.tmpl': '{{ secrets[secrets.secret_name] | size }}' });
    expect(problems).toEqual([]);
    expect(out['a.tmpl']).toBe(String((SECRETS.db_password as string).length));
  });

  it('reports a template that is not UTF-8 text', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bin.tmpl'), Buffer.from([0xff, 0xfe, 0x00]));
    const problems = new Problems();
    await renderTemplates([{ source: join(dir, 'bin.tmpl'), destination: join(dir, 'out') }], { secrets: new Map(), env: {} }, undefined, problems);
    expect(problems.list.map((p) => p.message)).toEqual([`template ${dir}/bin.tmpl is not UTF-8 text; save it as UTF-8`]);
  });
});

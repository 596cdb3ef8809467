// A temporary templates dir for the templates case: `count` config templates that
// together use every secret once, each through one of runsecrets' filters, the way
// real config files quote their values.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FORMS = [
  (name) => `password: {{ secrets["${name}"] | yaml }}`,
  (name) => `"token": {{ secrets["${name}"] | json }},`,
  (name) => `export SECRET={{ secrets["${name}"] | shell }}`,
  (name) => `url=postgres://app:{{ secrets["${name}"] | url }}@db/app`,
  (name) => `key={{ secrets["${name}"] | base64 }}`,
];

/** Creates `count` *.tmpl files over the secrets in `secretsDir`; returns the dir, an output dir and a remover. */
export function createTemplatesDir(secretsDir, count = 100, parent = tmpdir()) {
  const names = readdirSync(secretsDir).sort();
  const dir = mkdtempSync(join(parent, 'runsecrets-bench-templates-'));
  const out = join(mkdtempSync(join(parent, 'runsecrets-bench-rendered-')), 'conf');
  for (let t = 0; t < count; t += 1) {
    const mine = names.filter((_, i) => i % count === t);
    const lines = [`# config ${t}: ${mine.length} secrets`, 'home: {{ env.HOME }}', ...mine.map((name, i) => FORMS[i % FORMS.length](name))];
    writeFileSync(join(dir, `app-${String(t).padStart(3, '0')}.conf.tmpl`), `${lines.join('\n')}\n`);
  }
  return { dir, out, remove: () => [dir, join(out, '..')].forEach((path) => rmSync(path, { recursive: true, force: true })) };
}

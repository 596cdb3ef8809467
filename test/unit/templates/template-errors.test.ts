// Every error of a template file is reported, a parse error hiding none of the others,
// in the order of the file; and a syntax error says where and what, never quoting the
// template (which can itself be a mounted secret).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Problems } from '../../../src/errors.js';
import { createEngine } from '../../../src/templates/engine.js';
import { renderTemplates } from '../../../src/templates/index.js';
import { tempDir, writeFiles } from '../../helpers/fixtures.js';

/** The problems of rendering `text` as one template (no secrets, an empty env). */
async function problemsOf(text: string): Promise<string[]> {
  const dir = writeFiles(tempDir(), { 't.tmpl': text });
  const problems = new Problems();
  const rendered = await renderTemplates([{ source: join(dir, 't.tmpl'), destination: join(dir, 'out') }], { secrets: new Map(), env: {} }, undefined, problems);
  expect(rendered).toEqual([]);
  return problems.list.map((p) => p.message.replace(`template ${dir}/t.tmpl, `, ''));
}

const HELP = 'see the Liquid syntax at https://liquidjs.com/tutorials/intro-to-liquid.html';

describe('every error of a template file', () => {
  const MIXED = '{{ secrets.db_usr }}\n{% frobnicate %}\n{{ env.PORT | nofilter }}\n{{ env.MISSING }}\n';

  it('a parse error hides none of the others: unknown variables, tags and filters, in file order', async () => {
    expect(await problemsOf(MIXED)).toEqual([
      expect.stringMatching(/^line 1: unknown variable secrets.db_usr; /),
      `line 2: unknown tag "frobnicate"; ${HELP}`,
      expect.stringMatching(/^line 3: unknown filter "nofilter"; /),
      expect.stringMatching(/^line 4: unknown variable env.MISSING; /),
    ]);
  });

  it('negative control: liquidjs parsing the file on its own reports the parse errors only', () => {
    const engine = createEngine();
    const thrown = (() => {
      try {
        engine.parse(MIXED);
      } catch (error) {
        return error as { errors: { message: string }[] };
      }
      return undefined;
    })();
    expect(thrown?.errors.map((e) => e.message.split(',')[0])).toEqual(['tag "frobnicate" not found', 'undefined filter: nofilter']);
  });

  it('a block that failed to parse leaves no stray error for its end tag or else', async () => {
    expect(await problemsOf('{% if true %}{% frobnicate %}{% else %}x{% endif %}\n{% for i in (1..2) %}{{ i | nofilter }}{% endfor %}\n{{ secrets.nope }}')).toEqual([
      `line 1: unknown tag "frobnicate"; ${HELP}`,
      expect.stringMatching(/^line 2: unknown filter "nofilter"; /),
      expect.stringMatching(/^line 3: unknown variable secrets.nope; /),
    ]);
    expect(await problemsOf('x\n{% endif %}')).toEqual([`line 2, column 1: syntax error: {% endif %} closes no open {% if %}; ${HELP}`]);
  });

  it('an unclosed output swallows the rest of the file; what comes before it is still checked', async () => {
    expect(await problemsOf('{{ secrets.nope }}\n{{ "TEMPLATE-TEXT-1e9c\n{{ env.LATER }}')).toEqual([
      expect.stringMatching(/^line 1: unknown variable secrets.nope; /),
      `line 2, column 1: syntax error: an output {{ … }} is not closed with }}; ${HELP}`,
    ]);
  });
});

describe('a syntax error quotes nothing of the template', () => {
  const TEXT = 'TEMPLATE-TEXT-5b0d';
  it.each([
    ['an unclosed output', `a\n{{ secrets.x ${TEXT}`, 'line 2, column 1', 'an output {{ … }} is not closed with }}'],
    ['an unclosed tag', `{% if ${TEXT}`, 'line 1, column 1', 'a tag {% … %} is not closed with %}'],
    ['an unclosed string', `{{ "${TEXT} }}`, 'line 1, column 1', 'an output {{ … }} is not closed with }}'],
    ['an unclosed raw', `{% raw %} ${TEXT}`, 'line 1, column 10', '{% raw %} is not closed with {% endraw %}'],
    ['an unclosed block', `{% if secrets.x %}${TEXT}`, 'line 1, column 1', '{% if %} is not closed: no {% endif %}'],
    ['a malformed for', `{% for x ${TEXT} %}{% endfor %}`, 'line 1, column 1', 'malformed {% for %} tag'],
    ['an assign without a name', `{% assign = "${TEXT}" %}`, 'line 1, column 11', 'expected a variable name'],
    ['an empty output', `{{ }} ${TEXT}`, 'line 1, column 4', 'an expression is missing or malformed'],
    ['text after an end tag', `{% if true %}x{% endif ${TEXT} %}`, 'line 1, column 1', 'unexpected text after a tag name in the {% if %} block'],
  ])('%s', async (_, text, where, what) => {
    const problems = await problemsOf(text);
    expect(problems).toEqual([`${where}: syntax error: ${what}; ${HELP}`]);
    expect(problems.join('\n')).not.toContain('TEMPLATE-TEXT');
  });

  it('negative control: liquidjs\' own messages for the same templates quote it', () => {
    const engine = createEngine();
    for (const text of [`a\n{{ secrets.x ${TEXT}`, `{% for x ${TEXT} %}{% endfor %}`, `{% raw %} ${TEXT}`]) {
      const messages = (() => {
        try {
          engine.parse(text);
        } catch (error) {
          const { message, errors = [] } = error as { message: string; errors?: { message: string }[] };
          return [message, ...errors.map((e) => e.message)].join('\n');
        }
        return '';
      })();
      expect(messages).toContain(TEXT);
    }
  });
});

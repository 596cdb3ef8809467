// Every runsecrets command line the docs show is one runsecrets accepts: the README's and
// the examples' READMEs' shell blocks are read, and each `runsecrets …` (or
// `node dist/runsecrets.mjs …`) invocation is parsed with the real option parser. A
// renamed option, a dropped one or a malformed value in the docs fails here. (The demo
// and the example tests run the invocations that can run on this machine.)

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/cli/config.js';
import { ROOT } from '../helpers/cli.js';

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `examples/${e.name}/README.md`).filter((doc) => existsSync(join(ROOT, doc)))];

/** The commands of every ```sh block: continuation lines joined, comments dropped. */
function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n')).map((line) => line.replace(/\s+#\s.*$/, '').trim()).filter(Boolean);
}

/** sh's word splitting for the quoting the docs use: '…', "…" and bare words. */
function words(line: string): string[] {
  return [...line.matchAll(/(?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"])+/g)].map((match) => match[0].replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g, (_, single?: string, double?: string) => single ?? double?.replace(/\\(.)/g, '$1') ?? ''));
}

/** The runsecrets arguments of a command line, or undefined when it does not run runsecrets. */
function runsecretsArgs(line: string): string[] | undefined {
  const argv = words(line);
  const at = argv.findIndex((word) => word === 'runsecrets' || word.endsWith('/runsecrets.mjs'));
  // `docker exec … runsecrets --check` runs it too; `docker run IMAGE --check` passes arguments to the entrypoint.
  return at < 0 ? undefined : argv.slice(at + 1);
}

const invocations = DOCS.flatMap((doc) => shellCommands(readFileSync(join(ROOT, doc), 'utf8')).flatMap((line) => {
  const args = runsecretsArgs(line);
  return args === undefined ? [] : [[doc, line, args] as const];
}));

describe('runsecrets command lines in the docs', () => {
  it('finds the ones in the README (the test would pass vacuously otherwise)', () => {
    expect(invocations.filter(([doc]) => doc === 'README.md').length).toBeGreaterThanOrEqual(6);
  });

  it.each(invocations)('%s: %s', (_doc, _line, args) => {
    const config = resolveConfig(args, {});
    expect(config.command.length > 0 || config.check, 'a command, or --check').toBe(true);
  });

  it('starts the bundle with `node --` wherever a doc or an example runs it: Node.js then reads none of its arguments', () => {
    const files = ['README.md', 'examples/demo.sh', 'examples/legacy-app/run.sh', 'examples/compose/compose.yaml', 'Dockerfile.example', 'scripts/runsecrets-node.sh', ...DOCS];
    const runs = files.flatMap((file) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\bnode((?:[\s",]+-[-\w=]*)*)[\s",]+("?\$?[\w/.{}$-]*runsecrets\.mjs)/g)].map((match) => ({ file, flags: match[1] ?? '', script: match[2] ?? '' })));
    expect(runs.length).toBeGreaterThanOrEqual(8);
    for (const run of runs) expect(run.flags, `${run.file}: node${run.flags} ${run.script}`).toMatch(/(^|[\s",])--(?=[\s",]|$)/);
    // Negative control: the pattern sees a run without it.
    expect('node dist/runsecrets.mjs --check'.match(/\bnode((?:[\s",]+-[-\w=]*)*)[\s",]+("?\$?[\w/.{}$-]*runsecrets\.mjs)/)?.[1]).toBe('');
  });

  it('negative control: a misspelled option in a doc line is refused', () => {
    expect(() => resolveConfig(runsecretsArgs('runsecrets --templat a:b -- app') ?? [], {})).toThrow(/--templat/);
    expect(words(`sh -c 'echo "a b"' "c d"`)).toEqual(['sh', '-c', 'echo "a b"', 'c d']);
  });
});

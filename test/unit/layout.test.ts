// The data flows one way: argv/env → cli → secrets → mapping → templates → privileges → process,
// and watch/ drives the whole line again on every rotation.
// A module imports only from its own stage, stages to its left, and the shared files.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const STAGES = ['safe-fs', 'cli', 'secrets', 'mapping', 'templates', 'privileges', 'process', 'watch'];
const SHARED = new Set(['errors.ts', 'log.ts', 'types.ts', 'version.ts']);
const src = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => relative(src, join(file, '..', m[1] as string)));
}

const stageOf = (path: string) => STAGES.indexOf(path.split('/')[0] as string);

describe('layout', () => {
  const files = sourceFiles(src).map((file) => ({ file, path: relative(src, file) }));

  it.each(files.filter(({ path }) => stageOf(path) >= 0).map(({ file, path }) => [path, file]))('%s imports only leftwards', (path, file) => {
    for (const target of importsOf(file)) {
      const allowed = SHARED.has(target.replace(/\.js$/, '.ts')) || (stageOf(target) >= 0 && stageOf(target) <= stageOf(path));
      expect(allowed, `${path} imports ${target}`).toBe(true);
    }
  });

  it('process/ knows nothing about secrets', () => {
    for (const { file, path } of files.filter((f) => f.path.startsWith('process/'))) {
      expect(readFileSync(file, 'utf8'), path).not.toMatch(/(?<!run)secret/i);
    }
  });

  it('keeps every source file under 300 lines', () => {
    for (const { file, path } of files) expect(readFileSync(file, 'utf8').split('\n').length, path).toBeLessThan(300);
  });

  it('exec mode loads no watcher, supervisor, reaper, chokidar or execa: they are reached only through import()', () => {
    const reached = staticImportClosure(join(src, 'main.ts'));
    const paths = [...reached].map((file) => relative(src, file));
    expect(paths).toContain('process/exec.ts');
    expect(paths.filter((path) => path.startsWith('watch/') || /^process\/(supervis|spawn-child|launcher\.ts|forward-signals|reaper|libc|zombies)/.test(path))).toEqual([]);
    for (const file of reached) expect(packagesOf(file), relative(src, file)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(chokidar|execa)$/)]));
    // Negative control: the watch entry does reach them.
    const watch = [...staticImportClosure(join(src, 'watch/watch-command.ts'))].map((file) => relative(src, file));
    expect(watch).toEqual(expect.arrayContaining(['process/supervisor.ts', 'process/reaper.ts', 'process/libc.ts', 'watch/file-watcher.ts']));
  });

  it('touches process.argv, process.env and process.exit only in bin/', () => {
    for (const { file, path } of files) expect(readFileSync(file, 'utf8'), path).not.toMatch(/process\.(argv|env\b|exit\()/);
  });
});

/** Relative modules `file` imports statically (not `import type`, not `import()`), transitively. */
function staticImportClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)(?! type )[^;]*? from '(\.[^']+)';/gms)) {
    staticImportClosure(join(file, '..', (m[1] as string).replace(/\.js$/, '.ts')), seen);
  }
  return seen;
}

/** Packages (not relative paths, not node: built-ins) that `file` imports statically. */
function packagesOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import(?! type )[^;]*? from '([^.'][^']*)';/gms)].map((m) => m[1] as string).filter((name) => !name.startsWith('node:'));
}

// dist/runsecrets.mjs alone: copied into an empty dir, with no node_modules in any dir
// above it, it runs with a bare node (SPEC §10). One core case here; CI runs the whole
// integration suite against such a copy (`node scripts/test-packaged.mjs bundle`).

import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, baseEnv, runCli } from '../helpers/cli.js';
import { secretsDir, tempDir } from '../helpers/fixtures.js';

/** `file` copied alone into a fresh temp dir that has no node_modules above it. */
function alone(file: string): string {
  const dir = tempDir();
  for (let up = dir; up !== dirname(up); up = dirname(up)) expect(existsSync(join(up, 'node_modules')), `${up}/node_modules`).toBe(false);
  const copy = join(dir, file.split('/').at(-1) as string);
  copyFileSync(file, copy);
  expect(readdirSync(dir)).toHaveLength(1);
  return copy;
}

/** A bare node: no NODE_OPTIONS, no NODE_PATH, run from / */
const bare = { env: baseEnv(), cwd: '/' };

describe('the bundle alone in an empty dir', () => {
  it('maps a secret and execs the command', async () => {
    const cli = alone(join(ROOT, 'dist/runsecrets.mjs'));
    const result = await runCli(['--log-level', 'warn', '--dir', secretsDir({ 'db-password': 'pw' }), '--', 'sh', '-c', 'echo "$DB_PASSWORD"'], { ...bare, cli });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'pw', stderr: '' });
  });

  it('negative control: the unbundled bin alone cannot find its modules', async () => {
    const cli = alone(join(ROOT, 'lib/bin/runsecrets.js'));
    const result = await runCli(['--version'], { ...bare, cli });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/ERR_MODULE_NOT_FOUND/);
  });

  it('has no static import: every Node built-in loads only when the code that needs it first runs', () => {
    // esbuild hoists static imports to the top of the module, where they would load at
    // every start (node:v8 for watch mode, node:child_process for the supervisor, …);
    // build.mjs turns each into a process.getBuiltinModule() shim instead.
    const bundle = readFileSync(join(ROOT, 'dist/runsecrets.mjs'), 'utf8');
    expect(bundle.match(/^\s*import\s.*$/gm) ?? []).toEqual([]);
    expect(bundle).toContain('process.getBuiltinModule("node:v8")');
  });

  it('parses only exec mode\'s code at start: the lazily imported chunks sit in comments', () => {
    // scripts/bundle-chunks.mjs: each chunk reached only through import() is a `/*!…*/`
    // comment, compiled on first use; what is left is what V8 compiles at start.
    const bundle = readFileSync(join(ROOT, 'dist/runsecrets.mjs'), 'utf8');
    const parsed = bundle.replace(/\/\*![^]*?\*\//g, '');
    expect(parsed).toMatch(/\bfunction resolveConfig\(/);
    expect(parsed).toMatch(/\bfunction execCommand\(/);
    for (const lazy of ['runWatch', 'superviseCommand', 'runLauncher', 'checkText', 'createEngine', 'writeRendered', 'stayLean', 'fingerprint']) {
      expect(parsed, lazy).not.toMatch(new RegExp(`\\bfunction ${lazy}\\(`));
      expect(bundle, lazy).toMatch(new RegExp(`\\bfunction ${lazy}\\(`)); // negative control: it is in the file
    }
  });
});

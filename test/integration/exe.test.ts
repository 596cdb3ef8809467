// The standalone executable (npm run build:exe, Bun): what a compiled Bun program does on
// its own and runsecrets must not. By default it reads .env files, bunfig.toml,
// package.json and tsconfig.json from the working directory at start, and a .env file's
// variables would reach the command as if the container had set them. The whole
// integration suite runs against the executable too, with no node on PATH:
// `node scripts/test-packaged.mjs exe` (CI).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, NEEDS_SCRIPT, ROOT, runCli, STANDALONE } from '../helpers/cli.js';
import { secretsDir, tempDir, writeFiles } from '../helpers/fixtures.js';
import { EXE, EXE_NEED } from '../helpers/packaged.js';
import { notApplicable, requires } from '../helpers/requirements.js';

const versionOf = (pkg: string): string => (JSON.parse(readFileSync(join(ROOT, pkg), 'utf8')) as { version: string }).version;
const VERSION = versionOf('package.json');
const BUN = versionOf('node_modules/bun/package.json');

describe(`the standalone executable ${EXE}`, requires(EXE_NEED), () => {
  it('runs with an empty environment, and says which runtime and target it is', async () => {
    expect(await runCli(['--version'], { cli: EXE, env: {} })).toMatchObject({ exitCode: 0, stdout: `runsecrets ${VERSION} (bun ${BUN} on linux/${process.arch})` });
  });

  it('the same line from the bundle, run by Node.js, names node', notApplicable(STANDALONE ? NEEDS_SCRIPT : undefined), async () => {
    expect(await runCli(['--version'], { env: {} })).toMatchObject({ exitCode: 0, stdout: `runsecrets ${VERSION} (node ${process.version} on linux/${process.arch})` });
  });

  /** A working dir holding every file a Bun program would read at start; bunfig.toml's preload would create `marker`. */
  function bunFilesDir(): { cwd: string; marker: string } {
    const cwd = tempDir();
    const marker = join(cwd, 'preloaded');
    writeFiles(cwd, {
      '.env': 'FROM_DOTENV=1\n',
      '.env.local': 'FROM_DOTENV_LOCAL=1\n',
      '.env.production': 'FROM_DOTENV_PRODUCTION=1\n',
      'bunfig.toml': 'preload = ["./preload.js"]\n',
      'preload.js': `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`,
      'package.json': '{ "name": "not-runsecrets", "type": "commonjs" }\n',
      'tsconfig.json': '{ "compilerOptions": { "strict": false } }\n',
    });
    return { cwd, marker };
  }

  it('reads no .env, bunfig.toml, package.json or tsconfig.json from its working dir', async () => {
    const { cwd, marker } = bunFilesDir();
    const env = baseEnv({ NODE_ENV: 'production' });
    const result = await runCli(['--dir', secretsDir({ 'db-password': 'pw' }), '--', 'env'], { cli: EXE, cwd, env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').sort()).toEqual(Object.entries({ ...env, DB_PASSWORD: 'pw' }).map(([k, v]) => `${k}=${v}`).sort());
    expect(existsSync(marker)).toBe(false);
  });

  it('negative control: the same .env given with --dotenv does reach the command', async () => {
    const { cwd } = bunFilesDir();
    const result = await runCli(['--dir', tempDir(), '--dotenv', join(cwd, '.env'), '--', 'env'], { cli: EXE, cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toContain('FROM_DOTENV=1');
  });
});

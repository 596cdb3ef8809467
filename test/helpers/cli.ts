// Runs the built CLI as a user would: a real child process, real env, real files.
// RUNSECRETS_TEST_BIN picks what runs: unset, the bundle dist/runsecrets.mjs; `lib`, the
// unbundled bin; an absolute path, that file: a .mjs/.js through node (a copy of the
// bundle alone in an empty dir), anything else run directly (the standalone executable).

import { execa, type Options } from 'execa';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Absolute path of the entry under test. */
export const CLI = entryUnderTest(process.env.RUNSECRETS_TEST_BIN);

/** True when CLI is a standalone executable: it runs without node, so tests that pick the Node.js running it skip. */
export const STANDALONE = !isScript(CLI);

/** Why a test that runs CLI with a Node.js of its choosing skips under a standalone executable. */
export const NEEDS_SCRIPT = `runs the script under test with a chosen Node.js; ${CLI} is a standalone executable`;

function entryUnderTest(bin: string | undefined): string {
  if (bin === undefined || bin === '') return `${root}dist/runsecrets.mjs`;
  if (bin === 'lib') return `${root}lib/bin/runsecrets.js`;
  if (!isAbsolute(bin)) throw new Error(`RUNSECRETS_TEST_BIN must be "lib" or an absolute path, got ${JSON.stringify(bin)}`);
  return bin;
}

/** A .mjs or .js file runs through node; anything else is executed directly. */
function isScript(file: string): boolean {
  return /\.m?js$/.test(file);
}

/**
 * The command line that starts `cli` (default CLI): `node cli` for a script, `cli` alone
 * for a standalone executable. `node` (default: the one running the tests) only applies
 * to scripts.
 */
export function cliCommand(node: string = process.execPath, cli: string = CLI): [string, ...string[]] {
  return isScript(cli) ? [node, cli] : [cli];
}

/** The repository root, with a trailing slash. */
export const ROOT = root;

/** A small, predictable inherited environment (nothing of the test runner's own). */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', ...extra };
}

export interface CliResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

/**
 * Runs `PREFIX runsecrets ARGS` with `env` (default baseEnv()) and waits for it to end.
 * `node` runs a script with another Node.js binary (default: the one running the tests;
 * an error under a standalone executable: skip such tests with NEEDS_SCRIPT); `cli` runs
 * another copy of the entry under test, e.g. one that another user can read.
 */
export async function runCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; input?: string; prefix?: readonly string[]; node?: string; cli?: string } = {}): Promise<CliResult> {
  if (options.node !== undefined && STANDALONE) throw new Error(`runCli: the node option ${NEEDS_SCRIPT}`);
  const [command, ...argv] = [...(options.prefix ?? []), ...cliCommand(options.node, options.cli), ...args] as [string, ...string[]];
  const execaOptions: Options = {
    env: options.env ?? baseEnv(),
    extendEnv: false,
    reject: false,
    cwd: options.cwd ?? root,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  };
  const result = await execa(command, argv, execaOptions);
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}

// Runs the built CLI as a user would: a real child process, real env, real files.
// RUNSECRETS_TEST_BIN=lib runs the unbundled bin instead of the bundle.

import { execa, type Options } from 'execa';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Absolute path of the entry under test. */
export const CLI = `${root}${process.env.RUNSECRETS_TEST_BIN === 'lib' ? 'lib/bin/runsecrets.js' : 'dist/runsecrets.mjs'}`;

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
 * Runs `runsecrets ARGS` with `env` (default baseEnv()) and waits for it to end;
 * `node` runs it with another Node.js binary (default: the one running the tests).
 */
export async function runCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; input?: string; prefix?: readonly string[]; node?: string } = {}): Promise<CliResult> {
  const node = options.node ?? process.execPath;
  const [file, ...pre] = options.prefix ?? [];
  const command = file === undefined ? node : file;
  const argv = file === undefined ? [CLI, ...args] : [...pre, node, CLI, ...args];
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

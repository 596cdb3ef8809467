// E2BIG: execve(2) refuses arguments and environment that together exceed a limit the
// kernel computes per exec (fs/exec.c, bprm_stack_limits): a quarter of the stack's
// soft rlimit, at most three quarters of _STK_LIM (6 MiB), never below ARG_MAX (128
// KiB), less one pointer per string of argv and envp. Every string counts with its
// NUL: the program's path, the environment, the arguments, and what a `#!` line adds.
// A failed process.execve aborts Node.js, so this is decided before.

import { readFileSync } from 'node:fs';
import { RunsecretsError } from '../errors.js';

/** ARG_MAX (include/uapi/linux/limits.h): what the kernel allows whatever the stack limit. */
export const ARG_MAX = 128 * 1024;
/** _STK_LIM / 4 * 3 (include/uapi/linux/resource.h): the most it allows whatever the stack limit. */
const STACK_CAP = ((8 * 1024 * 1024) / 4) * 3;
const POINTER = 8;

/** What one exec passes: path, argv and envp, plus the strings the kernel adds for a script. */
export interface ExecStrings {
  readonly path: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** A `#!` line's interpreter and argument, and the script's path, which replaces argv[0]. */
  readonly added: readonly string[];
}

/** Bytes the strings take on the new stack, and the pointers counted against the limit. */
export function execSize({ path, argv, env, added }: ExecStrings): { bytes: number; pointers: number } {
  let bytes = Buffer.byteLength(path) + 1;
  for (const arg of argv) bytes += Buffer.byteLength(arg) + 1;
  const names = Object.keys(env);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i] as string;
    bytes += Buffer.byteLength(name) + Buffer.byteLength(env[name] as string) + 2;
  }
  // A script's argv[0] is dropped for the interpreter, the argument and the script path.
  if (added.length > 0) bytes -= Buffer.byteLength(argv[0] ?? '') + 1;
  for (const text of added) bytes += Buffer.byteLength(text) + 1;
  // Pointers are counted once, for the argv and envp given: the kernel does not count the script's.
  return { bytes, pointers: Math.max(argv.length, 1) + names.length };
}

/** The kernel's limit for a stack soft limit of `stack` bytes (Infinity: unlimited), before the pointers. */
export function argLimit(stack: number): number {
  return Math.max(Math.min(STACK_CAP, Math.floor(stack / 4)), ARG_MAX);
}

/**
 * Throws E2BIG as a named problem (exit 1) when the exec would fail. Below the 128 KiB
 * every kernel allows, nothing is read; above it, the stack limit from /proc/self/limits.
 */
export function checkExecSize(strings: ExecStrings, stackLimit: () => number = readStackLimit): void {
  const { bytes, pointers } = execSize(strings);
  if (bytes + pointers * POINTER <= ARG_MAX) return;
  const stack = stackLimit();
  const limit = argLimit(stack);
  if (bytes + pointers * POINTER <= limit) return;
  const largest = Object.entries(strings.env)
    .map(([name, value]) => ({ name, size: Buffer.byteLength(name) + Buffer.byteLength(value) + 2 }))
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map(({ name, size }) => `${name} (${size} bytes)`);
  const stackText = Number.isFinite(stack) ? `${Math.round(stack / 1024)} KiB` : 'unlimited';
  throw new RunsecretsError(
    'E2BIG',
    `the command's environment and arguments take ${bytes + pointers * POINTER} bytes, over the ${limit} that execve accepts with a stack limit of ${stackText} ` +
      `(a quarter of it, at most 6 MiB); the largest variables: ${largest.join(', ')}; render large values into a file with --template instead, leave them out with --explicit, or raise the stack limit (docker run --ulimit stack=...)`,
  );
}

/** RLIMIT_STACK's soft value from /proc/self/limits (Node.js has no getrlimit); 8 MiB if unreadable. */
function readStackLimit(): number {
  try {
    const line = /^Max stack size\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'latin1'))?.[1];
    return line === 'unlimited' ? Number.POSITIVE_INFINITY : Number(line ?? 8 * 1024 * 1024);
  } catch {
    return 8 * 1024 * 1024;
  }
}

#!/usr/bin/env node
// The only place that touches process.argv, process.env and the exit status.
import '../src/take-sigusr1.js';
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeOsError } from '../src/errors.js';
import { main } from '../src/main.js';
import type { RuntimeFacts } from '../src/privileges/runtime-check.js';
import type { Relaunch } from '../src/process/launcher-argument.js';

/**
 * A writer for fd 1 or 2 that uses write(2) rather than process.stdout or process.stderr:
 * those streams are created on first use, and for a pipe (what `docker logs` reads)
 * creating one loads Node's net and stream modules, about 3 ms added to an exec-mode start
 * just for the info line; in the standalone executable, Bun's process.stdout costs 40
 * million instructions (about 10 ms) before `--version` prints a line. On Linux those
 * streams write pipes, files and TTYs synchronously too, so the bytes and their order are
 * the same. A short write, or EAGAIN on a non-blocking fd, sends the rest of it and every
 * later write through the stream, which waits for the fd. A pipe nobody reads any more
 * (EPIPE: `runsecrets --check | head -1`) takes nothing more, as for a program that SIGPIPE
 * ends, and runsecrets goes on: the command still runs, the exit status is the same. Any
 * other failure (ENOSPC, EIO, a closed fd) also stops the writes, and goes to `onFailure`.
 */
function directWriter(fd: 1 | 2, stream: () => NodeJS.WriteStream, onFailure: (error: unknown) => void): (text: string) => void {
  let viaStream = false;
  let closed = false;
  const fail = (error: unknown): void => {
    closed = true;
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') onFailure(error);
  };
  return (text) => {
    if (closed) return;
    let bytes = Buffer.from(text);
    if (!viaStream) {
      let written = 0;
      try {
        written = writeSync(fd, bytes);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return fail(error);
      }
      if (written === bytes.length) return;
      viaStream = true;
      bytes = bytes.subarray(written);
      // Without a listener, an 'error' event would end runsecrets with a stack trace.
      stream().on('error', fail);
    }
    stream().write(bytes);
  };
}

const stderr = directWriter(2, () => process.stderr, () => {
  // Nowhere left to say it: the command still runs, and the exit status is its own.
});

let stdoutFailed = false;

/** --check, --help and --version print on stdout: output that could not be written is an error (exit 1), said on stderr. */
const stdout = directWriter(1, () => process.stdout, (error) => {
  stdoutFailed = true;
  stderr(`runsecrets: error: cannot write to stdout: ${describeOsError(error)}; the output is incomplete\n`);
  if (!process.exitCode) process.exitCode = 1;
});

/**
 * The command line that runs runsecrets again, and the code it runs: the executable
 * alone for a standalone one (Bun's embeds its script under /$bunfs/, Node's single
 * executable applications report the executable itself); else `node --disable-sigusr1
 * -- SCRIPT`, so that Node.js reads none of the launcher's arguments and no SIGUSR1
 * opens its inspector. The npm package's bin loads the whole lib/ tree next to it.
 */
function relaunch(): Relaunch {
  const script = process.argv[1];
  const exe = { path: process.execPath, tree: false };
  if (script === undefined || script.startsWith('/$bunfs/') || script === process.execPath) return { argv: [process.execPath], code: [exe] };
  if (process.versions.bun !== undefined) return { argv: [process.execPath, script], code: [exe, { path: script, tree: false }] };
  const flags = process.allowedNodeEnvironmentFlags.has('--disable-sigusr1') ? ['--disable-sigusr1'] : [];
  const lib = dirname(dirname(script));
  const code = existsSync(join(lib, 'src', 'main.js')) ? [{ path: lib, tree: true }, { path: join(lib, '..', 'package.json'), tree: false }] : [{ path: script, tree: false }];
  return { argv: [process.execPath, ...flags, '--', script], code: [exe, ...code] };
}

/** What the runtime was started with, for the checks a root runsecrets makes before anything else. */
function runtimeFacts(): RuntimeFacts {
  const bun = process.versions.bun !== undefined;
  let cmdline: string[] | undefined;
  try {
    cmdline = readFileSync('/proc/self/cmdline', 'utf8').split('\0').slice(0, -1);
  } catch {
    cmdline = undefined;
  }
  return {
    runtime: bun ? 'bun' : 'node',
    cmdline,
    args: process.argv.slice(2),
    options: bun ? process.env.BUN_OPTIONS : process.env.NODE_OPTIONS,
    inspectVariables: bun ? Object.keys(process.env).filter((name) => name.startsWith('BUN_INSPECT')) : [],
    inspectorListening: !bun && inspectorUrl() !== undefined,
  };
}

/** The inspector's URL when it listens. process.binding('inspector') answers in microseconds; node:inspector takes milliseconds to load. */
function inspectorUrl(): string | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): { url?: () => string | undefined } }).binding('inspector');
    return binding.url?.();
  } catch {
    return undefined;
  }
}

// A promise, not a top-level await: the same bundle then compiles as CommonJS for the
// executable (scripts/build-exe.mjs), which Bun starts faster than an ES module.
void main(process.argv.slice(2), process.env, {
  stdout,
  stderr,
  cwd: process.cwd(),
  caller: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
  relaunch,
  runtime: runtimeFacts,
}).then((status) => {
  process.exitCode = stdoutFailed && status === 0 ? 1 : status;
});

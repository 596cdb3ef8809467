#!/usr/bin/env node
// The only place that touches process.argv, process.env and the exit status.
import { writeSync } from 'node:fs';
import { main } from '../src/main.js';

let stderrIsStream = false;

/**
 * Writes log lines to fd 2 with write(2) rather than through process.stderr: that stream
 * is created on first use, and for a pipe (what `docker logs` reads) creating it loads
 * Node's net and stream modules, about 3 ms added to an exec-mode start just for the
 * info line. On Linux process.stderr writes pipes, files and TTYs synchronously too, so
 * the bytes and their order are the same. If a write fails or is short (EAGAIN on a
 * non-blocking fd, EPIPE, a closed fd), the rest of it and every later line go through
 * process.stderr, as they would have anyway.
 */
function writeStderr(text: string): void {
  let bytes = Buffer.from(text);
  if (!stderrIsStream) {
    let written = 0;
    try {
      written = writeSync(2, bytes);
    } catch {
      // process.stderr below meets the same error and handles it as it always did.
    }
    if (written === bytes.length) return;
    stderrIsStream = true;
    bytes = bytes.subarray(written);
  }
  process.stderr.write(bytes);
}

/**
 * The command line that runs runsecrets again: `node SCRIPT` for the bundle or the npm
 * bin, the executable alone for a standalone one (Bun's embeds its script under
 * /$bunfs/, Node's single executable applications report the executable itself).
 */
function relaunch(): string[] {
  const script = process.argv[1];
  const standalone = script === undefined || script.startsWith('/$bunfs/') || script === process.execPath;
  return standalone ? [process.execPath] : [process.execPath, script];
}

const status = await main(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: writeStderr,
  cwd: process.cwd(),
  caller: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
  relaunch,
});
process.exitCode = status;

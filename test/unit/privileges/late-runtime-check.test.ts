// A root runsecrets checks its runtime twice: first, and again just before the command
// starts. An inspector opened by a SIGUSR1 during Node's start comes up on another
// thread and may listen only after the first check (SECURITY.md); the second one must
// catch it before anything runs. main() is given a runtime whose inspector starts
// listening between the two checks.

import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../../src/main.js';
import type { RuntimeFacts } from '../../../src/privileges/runtime-check.js';
import { baseEnv } from '../../helpers/cli.js';
import { tempDir, writeFiles } from '../../helpers/fixtures.js';

const QUIET: RuntimeFacts = { runtime: 'node', cmdline: undefined, args: [], options: undefined, inspectVariables: [], inspectorListening: false };

/** An Io for a root caller whose inspector listens from the `listeningFrom`-th look on. */
function rootIo(listeningFrom: number): { io: Io; stderr: string[]; looks: () => number } {
  let looks = 0;
  const stderr: string[] = [];
  const io: Io = {
    stdout: () => {},
    stderr: (text) => stderr.push(text),
    cwd: process.cwd(),
    caller: { uid: 0, gid: 0 },
    relaunch: () => ({ argv: [process.execPath], code: [] }),
    runtime: () => ({ ...QUIET, inspectorListening: (looks += 1) >= listeningFrom }),
  };
  return { io, stderr, looks: () => looks };
}

describe('the runtime check just before the command starts', () => {
  it('refuses an inspector that began to listen after the first check: exit 1, one line, and the command never runs', async () => {
    const dir = writeFiles(tempDir(), { db_password: 's3cret\n' });
    const { io, stderr, looks } = rootIo(2);
    // Were the second check missing, this would exec true in place of the test worker, which fails the run.
    const status = await main(['--log-level', 'error', '--dir', dir, '--', 'true'], baseEnv(), io);
    expect(status).toBe(1);
    expect(looks()).toBe(2);
    expect(stderr.join('')).toMatch(/^runsecrets: error: a debugger inspector listens in runsecrets, which runs as root/);
    expect(stderr).toHaveLength(1);
    expect(stderr.join('')).not.toContain('s3cret');
  });

  it('refuses at the first check when the inspector listens from the start, before reading anything', async () => {
    const { io, stderr, looks } = rootIo(1);
    const status = await main(['--dir', '/nonexistent-secrets-dir', '--', 'true'], baseEnv(), io);
    expect(status).toBe(1);
    expect(looks()).toBe(1);
    // The secrets dir was never looked at: its absence would be another error.
    expect(stderr.join('')).toMatch(/a debugger inspector listens/);
    expect(stderr.join('')).not.toMatch(/nonexistent-secrets-dir/);
  });
});

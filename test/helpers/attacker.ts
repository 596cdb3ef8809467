// The app's user as an attacker: a real unprivileged user (nobody) that owns the
// directories an image gives the app, and races root from a real process of its own.

import { execa } from 'execa';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './fixtures.js';
import { AS_ROOT, SETPRIV, type Need } from './requirements.js';

/** The app's user in these tests. */
export const APP = { name: 'nobody', uid: 65534, gid: 65534 } as const;

/** The Python the attacker runs (the system's, which nobody can execute). */
export const PYTHON = '/usr/bin/python3';

/** What the attacker tests need (test/helpers/requirements.ts): root, to create files of root and of nobody, and setpriv to act as nobody. */
export const ATTACKER_NEEDS: readonly Need[] = [AS_ROOT, SETPRIV];

/** What the racing attacker needs too: the system's Python. */
export const RACER_NEEDS: readonly Need[] = [...ATTACKER_NEEDS, existsSync(PYTHON) ? undefined : `${PYTHON} (apt-get install python3)`];

/** A directory owned by the app's user (mode 0755), inside a root-owned temp dir. */
export function appDir(name = 'app'): string {
  const dir = join(tempDir(), name);
  mkdirSync(dir);
  chownSync(dir, APP.uid, APP.gid);
  return dir;
}

/** A file only root may read (0400 in a 0700 dir of root's), holding `content`. */
export function rootOnlyFile(content: string, name = 'shadow'): string {
  const dir = join(tempDir(), 'root-only');
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = join(dir, name);
  writeFileSync(file, content, { mode: 0o400 });
  return file;
}

/** Runs `argv` as the app's user and waits for it. */
export async function asApp(argv: readonly string[]): Promise<void> {
  await execa('/usr/bin/setpriv', [`--reuid=${APP.uid}`, `--regid=${APP.gid}`, '--clear-groups', '--', ...argv], { env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
}

/**
 * Starts a Python loop as the app's user, for at most `seconds`: it prints READY once
 * set up, then repeats `body` until killed. Resolve `stop()` before the test ends.
 */
export async function startRacer(setup: string, body: string, seconds = 20): Promise<{ stop: () => Promise<void> }> {
  const code = ['import os, time', setup, 'print("READY", flush=True)', `end = time.time() + ${seconds}`, 'while time.time() < end:', ...body.split('\n').map((line) => `    ${line}`)].join('\n');
  const sub = execa('/usr/bin/setpriv', [`--reuid=${APP.uid}`, `--regid=${APP.gid}`, '--clear-groups', '--', PYTHON, '-c', code], { env: { PATH: '/usr/bin:/bin' }, extendEnv: false, reject: false, stdin: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    sub.stdout?.on('data', (chunk: Buffer) => {
      seen += String(chunk);
      if (seen.includes('READY\n')) resolve();
    });
    void sub.then((result) => reject(new Error(`the racer ended before READY: ${String(result.stderr)}`)));
  });
  return {
    stop: async () => {
      sub.kill('SIGKILL');
      await sub;
    },
  };
}

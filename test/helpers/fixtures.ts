// Real temp dirs with secret files, removed after each test file.

import { chmodSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp dir (mode 0755 so that other users can reach files in it). */
export function tempDir(prefix = 'runsecrets-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // mkdtemp makes 0700
  made.push(dir);
  return dir;
}

/** Writes `files` (relative path → content) under `dir`, creating subdirs. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A temp secrets dir holding `files`. */
export function secretsDir(files: Record<string, string | Buffer>): string {
  return writeFiles(tempDir(), files);
}

/**
 * The layout kubelet writes for a Secret volume: the data in `..<timestamp>/`, a
 * `..data` symlink to it, and one `key -> ..data/key` symlink per key.
 */
export function kubernetesDir(files: Record<string, string>, dir = tempDir()): string {
  const stamp = '..2026_11_28_10_00_00.000000001';
  writeFiles(join(dir, stamp), files);
  symlinkSync(stamp, join(dir, '..data'));
  for (const key of Object.keys(files)) symlinkSync(join('..data', key), join(dir, key));
  return dir;
}

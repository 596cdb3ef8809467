// Real temp dirs with secret files, removed after each test file.

import { chmodSync, existsSync, mkdtempSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
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

let swaps = 0;

/**
 * Updates a kubernetesDir as kubelet's AtomicWriter does: the new data in a new
 * `..<timestamp>/`, a `..data_tmp` symlink to it renamed over `..data`, links for new
 * keys added and for dropped keys removed, then the old timestamp dir removed.
 */
export function kubernetesUpdate(dir: string, files: Record<string, string>): void {
  swaps += 1;
  const stamp = `..2026_11_28_10_00_${String(swaps).padStart(2, '0')}.${process.pid}`;
  writeFiles(join(dir, stamp), files);
  symlinkSync(stamp, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const key of Object.keys(files)) if (!existsSync(join(dir, key))) symlinkSync(join('..data', key), join(dir, key));
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('.') && !(name in files)) unlinkSync(join(dir, name));
    if (name.startsWith('..2026') && name !== stamp) rmSync(join(dir, name), { recursive: true });
  }
}

// The standalone executables that `npm run build:exe` writes, and whether tests can use
// them: this machine's, and the arm64 one, run here through qemu-user.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CLI, ROOT, STANDALONE } from './cli.js';

/** The standalone executable under test: CLI when the suite runs against one, else this machine's dist/runsecrets-linux-ARCH. */
export const EXE = STANDALONE ? CLI : `${ROOT}dist/runsecrets-linux-${process.arch}`;

/** Why `exe` cannot be tested: not built, or built from another bundle than dist/runsecrets.mjs. */
function unusable(exe: string): string | undefined {
  if (!existsSync(exe)) return `${exe} is not built (npm run build:exe)`;
  const stamp = `${exe}.bundle-sha256`;
  const current = createHash('sha256').update(readFileSync(`${ROOT}dist/runsecrets.mjs`)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== current) return `${exe} was built from another dist/runsecrets.mjs (npm run build:exe)`;
  return undefined;
}

const reason = unusable(EXE);

/**
 * Why tests of EXE skip, or undefined. Never set in CI (CI=true), which builds the
 * executable first: there such tests run, and fail on EXE_PROBLEM.
 */
export const EXE_SKIP = process.env.CI === 'true' ? undefined : reason;

/** What is wrong with EXE, for a test to fail on (expect(EXE_PROBLEM).toBeUndefined()). */
export const EXE_PROBLEM = reason;

/** The arm64 executable. */
export const ARM64_EXE = `${ROOT}dist/runsecrets-linux-arm64`;

/** Where libc6-arm64-cross installs the arm64 loader and C library. */
const ARM64_LIBS = '/usr/aarch64-linux-gnu/lib';

/**
 * Puts the arm64 loader where the executable asks for it (/lib/ld-linux-aarch64.so.1) and
 * the arm64 libraries on its default path, as an arm64 image has them: an overlay on
 * /usr/lib in a private mount namespace, so nothing changes outside. qemu then runs
 * without -L, which would remap every absolute path that exists under its prefix, `/`
 * itself included (a directory opened as "/" would be the prefix). The shell's PWD is not
 * passed on.
 */
const ARM64_ROOT = `set -e
mount -t tmpfs tmpfs /mnt
mkdir /mnt/upper /mnt/work
mount -t overlay overlay -o lowerdir=/usr/lib,upperdir=/mnt/upper,workdir=/mnt/work /usr/lib
ln -s ${ARM64_LIBS}/ld-linux-aarch64.so.1 /usr/lib/ld-linux-aarch64.so.1
ln -s ${ARM64_LIBS} /usr/lib/aarch64-linux-gnu
unset PWD
exec "$@"`;

/** What runs ARM64_EXE here, in front of its path: Debian's qemu-user-static, explicitly (no binfmt_misc needed), in that namespace; keeps the PID (no fork). */
export const QEMU_ARM64 = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', ARM64_ROOT, 'sh', 'qemu-aarch64-static'] as const;

/** What is wrong with ARM64_EXE or its emulator, for a test to fail on; undefined when it can run. */
export const ARM64_PROBLEM = missingEmulator() ?? unusable(ARM64_EXE);

/** Why tests of ARM64_EXE skip; never in CI (CI=true), where they fail on ARM64_PROBLEM instead. */
export const ARM64_SKIP = process.env.CI === 'true' ? undefined : ARM64_PROBLEM;

function missingEmulator(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (a private mount namespace with the arm64 loader at /lib)';
  const onPath = (program: string): boolean => (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(`${dir}/${program}`));
  const missing = [...(onPath('qemu-aarch64-static') ? [] : ['qemu-aarch64-static']), ...(existsSync(`${ARM64_LIBS}/ld-linux-aarch64.so.1`) ? [] : [`${ARM64_LIBS}/ld-linux-aarch64.so.1`])];
  return missing.length === 0 ? undefined : `needs ${missing.join(' and ')} (apt-get install qemu-user-static libc6-arm64-cross)`;
}

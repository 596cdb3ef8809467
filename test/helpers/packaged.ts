// The standalone executables that `npm run build:exe` writes, and whether tests can use
// them: this machine's, and the arm64 one, run here through qemu-user.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CLI, ROOT, STANDALONE } from './cli.js';
import { AS_ROOT, needs, type Need } from './requirements.js';

/** The standalone executable under test: CLI when the suite runs against one, else this machine's dist/runsecrets-linux-ARCH. */
export const EXE = STANDALONE ? CLI : `${ROOT}dist/runsecrets-linux-${process.arch}`;

/** What `exe` must be to be tested, when it is not: built, and from the current dist/runsecrets.mjs. */
function unusable(exe: string): string | undefined {
  const name = exe.startsWith(ROOT) ? exe.slice(ROOT.length) : exe;
  if (!existsSync(exe)) return `${name} built (npm run build:exe)`;
  const stamp = `${exe}.bundle-sha256`;
  const current = createHash('sha256').update(readFileSync(`${ROOT}dist/runsecrets.mjs`)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== current) return `${name} built from the current dist/runsecrets.mjs (npm run build:exe)`;
  return undefined;
}

/**
 * The need for a usable EXE (test/helpers/requirements.ts), or undefined: tests of EXE
 * skip without it, and a strict run (CI, which builds it first) fails on the skip.
 */
export const EXE_NEED: Need = unusable(EXE);

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

/**
 * What running ARM64_EXE here needs (test/helpers/requirements.ts): root for the private
 * mount namespace with the arm64 loader at /lib, qemu-user and the arm64 C library, and
 * the executable built from the current bundle.
 */
export const ARM64_NEEDS: readonly Need[] = [
  AS_ROOT,
  needs('qemu-aarch64-static', 'apt-get install qemu-user-static'),
  existsSync(`${ARM64_LIBS}/ld-linux-aarch64.so.1`) ? undefined : `${ARM64_LIBS}/ld-linux-aarch64.so.1 (apt-get install libc6-arm64-cross)`,
  unusable(ARM64_EXE),
];

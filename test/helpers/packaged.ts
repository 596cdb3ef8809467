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

/** What runs ARM64_EXE here, in front of its path: Debian's qemu-user-static with libc6-arm64-cross's loader (no binfmt_misc needed). */
export const QEMU_ARM64 = ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'] as const;

/** What is wrong with ARM64_EXE or its emulator, for a test to fail on; undefined when it can run. */
export const ARM64_PROBLEM = missingEmulator() ?? unusable(ARM64_EXE);

/** Why tests of ARM64_EXE skip; never in CI (CI=true), where they fail on ARM64_PROBLEM instead. */
export const ARM64_SKIP = process.env.CI === 'true' ? undefined : ARM64_PROBLEM;

function missingEmulator(): string | undefined {
  const onPath = (program: string): boolean => (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(`${dir}/${program}`));
  const missing = [...(onPath(QEMU_ARM64[0]) ? [] : [QEMU_ARM64[0]]), ...(existsSync(`${QEMU_ARM64[2]}/lib/ld-linux-aarch64.so.1`) ? [] : [`${QEMU_ARM64[2]}/lib/ld-linux-aarch64.so.1`])];
  return missing.length === 0 ? undefined : `needs ${missing.join(' and ')} (apt-get install qemu-user-static libc6-arm64-cross)`;
}
